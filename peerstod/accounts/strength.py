"""How strongly the person in this session has shown who they are.

A password alone is weak. A second factor (TOTP or a recovery code, `accounts`) or a
login through the organisation's identity provider (SITHS by SAML or OpenID Connect,
`identity`) is strong. Roles that see personal data need a strong session; the
middleware in `accounts.middleware` sends a weak one to the second-factor pages.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from peerstod.accounts.roles import Role
from peerstod.accounts.scope import scope_for

SESSION_KEY = "peerstod_strong_auth"
BY_DEVICE_KEY = "peerstod_strong_by_device"

# How a session became strong: a second factor, or the identity provider.
TOTP = "totp"
RECOVERY_CODE = "recovery_code"
SAML = "saml"
OIDC = "oidc"
METHODS = frozenset({TOTP, RECOVERY_CODE, SAML, OIDC})

# The roles that see personal data (DESIGN.md); platform administrators too.
PERSONAL_DATA_ROLES = frozenset(
    {
        Role.NETWORK_COORDINATOR,
        Role.PROGRAMME_COORDINATOR,
        Role.UNIT_MANAGER,
        Role.SUPERVISOR,
        Role.TRAINER,
    }
)


def mark_strong(request: HttpRequest, method: str) -> None:
    """After `django.contrib.auth.login` (which renews the session), record how."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}")
    request.session[SESSION_KEY] = method
    # Proven by a device (django_otp.login ran first): the session stays strong only
    # while that device is the user's (`is_strong`).
    request.session[BY_DEVICE_KEY] = DEVICE_ID_SESSION_KEY in request.session


def strong_method(request: HttpRequest) -> str | None:
    return request.session.get(SESSION_KEY)


def is_strong(request: HttpRequest) -> bool:
    """Strong, and, when a device proved it, that device is still the user's: after the
    administrator's reset (a lost phone) the sessions it verified are weak again."""
    method = strong_method(request)
    if method not in METHODS:
        return False
    if request.session.get(BY_DEVICE_KEY):
        user = getattr(request, "user", None)
        return bool(user is not None and getattr(user, "is_verified", lambda: False)())
    return True


def by_identity_provider(request: HttpRequest) -> bool:
    return strong_method(request) in (SAML, OIDC)


# A login through an identity provider leaves here the address that logs out there too
# (single logout); the logout button sends its POST on to it.
LOGOUT_VIA_KEY = "peerstod_logout_via"


def has_second_factor(user) -> bool:
    """The user has an app (a confirmed TOTP device): then they are always asked."""
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()


def sees_personal_data(user) -> bool:
    """A platform administrator, or an active membership in a personal-data role."""
    if user.is_staff or user.is_superuser:
        return True
    return bool(scope_for(user).roles & PERSONAL_DATA_ROLES)


def second_factor_required(user) -> bool:
    """Whether a session of `user` that is not strong must show a second factor.

    Everyone with an app enrolled is asked (peer supporters and evaluators may enrol of
    their own accord). Without DEBUG, so is everyone who sees personal data, enrolled or
    not (they are sent to enrol). With DEBUG, the demo accounts that have no app enrolled
    are let in on the password alone.
    """
    if not getattr(user, "is_authenticated", False):
        return False
    if not settings.DEBUG and sees_personal_data(user):
        return True
    return has_second_factor(user)
