"""Access checks for views: parse, authorise, then call a selector or a service."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from peerstod.accounts.scope import Scope, scope_for


def role_required(*roles: str) -> Callable:
    """Anonymous users go to the login page; a logged-in user without one of `roles`
    gets 403. No roles given means any logged-in user. The view receives the scope."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            scope = scope_for(request.user)
            if roles and not scope.has_role(*roles):
                raise PermissionDenied
            return view(request, scope, *args, **kwargs)

        wrapper.required_roles = roles  # type: ignore[attr-defined]
        return wrapper

    return decorator


def current_scope(request: HttpRequest) -> Scope:
    return scope_for(request.user)


def second_factor_exempt(view: Callable) -> Callable:
    """A page that a session may reach before it has shown its second factor: the
    second-factor pages themselves and logging out (`SecondFactorMiddleware`). Public
    pages are marked with Django's `login_not_required` instead."""
    view.second_factor_exempt = True  # type: ignore[attr-defined]
    return view
