from django.conf import settings

from peerstod.accounts.navigation import menu
from peerstod.accounts.scope import scope_for


def platform(request):
    user = getattr(request, "user", None)
    scope = scope_for(user) if user is not None and user.is_authenticated else None
    return {
        "scope": scope,
        "user_roles": scope.roles if scope else frozenset(),
        "menu": menu(scope, request.path) if scope else [],
        "suppression_threshold": settings.SUPPRESSION_THRESHOLD,
    }
