"""Rate limits that hold across app servers: counted in the shared cache (the database
cache, or Redis with `REDIS_URL`), keyed on the client address the proxy reports
(`core.clientip`). The rates are settings (`RATE_LIMITS`)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited

from peerstod.core.clientip import ratelimit_key


def hit(request: HttpRequest, group: str, *, key: Callable | str | None = None) -> bool:
    """Count one use of `group` by this client; True when it is over the limit."""
    rate = settings.RATE_LIMITS[group]
    return is_ratelimited(
        request, group=f"peerstod.{group}", key=key or ratelimit_key, rate=rate, increment=True
    )


def too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "core/error.html", {"status": 429}, status=429)


def limit(group: str, *, methods: tuple[str, ...] = ("POST",)) -> Callable:
    """Refuse a view with 429 once this client has used it more than its rate allows."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            if request.method in methods and hit(request, group):
                return too_many(request)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
