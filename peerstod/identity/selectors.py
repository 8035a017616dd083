"""Reads of identity providers and of the user an identity belongs to."""

from __future__ import annotations

import shutil
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from peerstod.accounts.models import Membership, User
from peerstod.identity.models import IdentityProvider, MatchBy, Protocol
from peerstod.orgs.tree import descendant_ids

# Why a login through a provider is refused: a code for the audit row, words for the
# person (shown in Swedish or English by the login page).
NO_IDENTIFIER = "no_identifier"
UNKNOWN = "unknown"
INACTIVE = "inactive"
NOT_IN_ORGANISATION = "not_in_organisation"
UNVERIFIED_EMAIL = "unverified_email"
FAILED = "failed"
NO_PROVIDER = "no_provider"

REASONS: dict[str, Promise] = {
    NO_IDENTIFIER: _(
        "Your organisation's identity provider did not say who you are (no HSA-id or "
        "e-mail address was sent). Ask your IT department to release the attribute to "
        "Peerstöd."
    ),
    UNKNOWN: _(
        "There is no Peerstöd account linked to the identity you signed in with. Ask "
        "your programme coordinator to add you, or log in with your e-mail address and "
        "password."
    ),
    INACTIVE: _("Your Peerstöd account is closed. Ask your programme coordinator."),
    NOT_IN_ORGANISATION: _(
        "Your Peerstöd account has no role in the organisation whose identity provider "
        "you signed in with. Choose your own organisation, or log in with your e-mail "
        "address and password."
    ),
    UNVERIFIED_EMAIL: _(
        "The identity provider has not verified your e-mail address, so it cannot be "
        "used to sign you in."
    ),
    NO_PROVIDER: _(
        "There is no login through an identity provider for the organisation you chose. "
        "Log in with your e-mail address and password, or ask your IT department."
    ),
    FAILED: _(
        "The login through your organisation's identity provider could not be completed. "
        "Try again; if it happens again, tell your IT department the time it happened."
    ),
}


@dataclass(frozen=True)
class Match:
    user: User | None
    reason: str | None = None


def active_providers() -> QuerySet[IdentityProvider]:
    return IdentityProvider.objects.filter(is_active=True).select_related("organisation")


def login_choices() -> list[IdentityProvider]:
    """The providers the login page offers (usable ones only)."""
    return [p for p in active_providers() if usable(p)]


def usable(provider: IdentityProvider) -> bool:
    if provider.protocol == Protocol.SAML:
        # pysaml2 checks signatures with the xmlsec1 program: without it, no SAML.
        has_xmlsec = bool(settings.SAML_XMLSEC_BINARY or shutil.which("xmlsec1"))
        return bool(provider.metadata_xml and provider.entity_id and has_xmlsec)
    return bool(provider.discovery_url and provider.client_id and provider.client_secret)


def provider_by_slug(slug: str) -> IdentityProvider | None:
    return active_providers().filter(slug=slug).first()


def saml_provider_by_entity_id(entity_id: str) -> IdentityProvider | None:
    return active_providers().filter(protocol=Protocol.SAML, entity_id=entity_id).first()


def user_for_identity(
    *, provider: IdentityProvider, value: str | None, email_verified: bool = True
) -> Match:
    """The existing user this identity is linked to, or why there is none.

    Links by the provider's configured key only; never creates a user or a role. The
    user must hold a role today in the provider's organisation (or one below it): a
    region's identity provider vouches for its own staff, not for another region's.
    """
    value = (value or "").strip()
    if not value:
        return Match(None, NO_IDENTIFIER)
    users = get_user_model().objects
    if provider.match_by == MatchBy.HSA_ID:
        user = users.filter(hsa_id=value.upper()).first()
    else:
        if not email_verified:
            return Match(None, UNVERIFIED_EMAIL)
        user = users.filter(email=value.lower()).first()
    if user is None:
        return Match(None, UNKNOWN)
    if not user.is_active:
        return Match(None, INACTIVE)
    organisations = descendant_ids(provider.organisation_id)
    holds_role = (
        Membership.objects.active_on(timezone.localdate())
        .filter(user=user, organisation_id__in=organisations)
        .exists()
    )
    if not holds_role:
        return Match(None, NOT_IN_ORGANISATION)
    return Match(user)
