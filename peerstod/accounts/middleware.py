"""Sessions: they end after 30 minutes idle or 12 hours in all (OWASP ASVS V3.3), and a
password login of a role that sees personal data shows a second factor before anything
else (`accounts.strength`)."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views.i18n import set_language

from peerstod.accounts import strength

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


def reachable_before_second_factor(view_func) -> bool:
    """Public pages (Django's `login_not_required`: the pages anonymous visitors see
    too, the health checks among them), the second-factor pages and logging out
    (`permissions.second_factor_exempt`), and the language switch. Static files are
    served by WhiteNoise before any view."""
    return (
        getattr(view_func, "login_required", True) is False
        or getattr(view_func, "second_factor_exempt", False)
        or view_func is set_language
    )


class SecondFactorMiddleware:
    """A session that has not shown a second factor (nor come through the identity
    provider) may reach only the pages in `reachable_before_second_factor` while its user
    needs one (`strength.second_factor_required`); every other page sends it to enrol
    (no app yet) or to type a code, and back to the page afterwards."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if reachable_before_second_factor(view_func):
            return None
        user = request.user
        if not user.is_authenticated or strength.is_strong(request):
            return None
        if not strength.second_factor_required(user):
            return None
        page = (
            "accounts:second_factor"
            if strength.has_second_factor(user)
            else ("accounts:second_factor_enrol")
        )
        query = urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(f"{reverse(page)}?{query}")
