"""Ends a session after 30 minutes idle or 12 hours in all (OWASP ASVS V3.3)."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponseRedirect
from django.urls import reverse

# Writing the session on every request would cost a write per click; a minute's
# precision on the idle clock is plenty.
_TOUCH_EVERY = 60


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            login_at = session.setdefault("login_at", now)
            seen_at = session.setdefault("seen_at", now)
            idle = settings.SESSION_IDLE_TIMEOUT.total_seconds()
            absolute = settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()
            if now - seen_at > idle or now - login_at > absolute:
                logout(request)
                return self._to_login(request)
            if now - seen_at > _TOUCH_EVERY:
                session["seen_at"] = now
        return self.get_response(request)

    @staticmethod
    def _to_login(request):
        target = (
            reverse(settings.LOGIN_URL)
            + "?"
            + urlencode({"expired": "1", "next": request.get_full_path()})
        )
        return HttpResponseRedirect(target)
