"""Logins through an organisation's identity provider, and its metadata."""

from __future__ import annotations

import requests
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from peerstod.accounts import strength
from peerstod.core import audit
from peerstod.core.usecase import use_case
from peerstod.identity import actions, selectors
from peerstod.identity.metadata import MAX_BYTES
from peerstod.identity.models import IdentityProvider, Protocol

BACKEND = "django.contrib.auth.backends.ModelBackend"
SESSION_PROVIDER = "peerstod_identity_provider"


@use_case
def sso_login(
    *,
    request: HttpRequest,
    provider: IdentityProvider,
    value: str | None,
    email_verified: bool = True,
    extra_session: dict | None = None,
) -> selectors.Match:
    """Sign in the user the identity is linked to, or record why not. The answer says
    which (`match.user`, or `match.reason` for `selectors.REASONS`)."""
    match = selectors.user_for_identity(
        provider=provider, value=value, email_verified=email_verified
    )
    if match.user is None:
        sso_refused(provider=provider, reason=match.reason or selectors.FAILED)
        return match
    login(request, match.user, backend=BACKEND)
    strength.mark_strong(
        request, strength.SAML if provider.protocol == Protocol.SAML else strength.OIDC
    )
    request.session[SESSION_PROVIDER] = provider.slug
    request.session[strength.LOGOUT_VIA_KEY] = reverse("identity:logout")
    request.session.update(extra_session or {})
    audit.record(
        actor=match.user,
        action=actions.SSO_LOGIN,
        obj=match.user,
        organisation=provider.organisation,
        provider=provider.slug,
        protocol=provider.protocol,
    )
    return match


@use_case
def sso_refused(*, provider: IdentityProvider, reason: str) -> None:
    audit.record(
        actor=None,
        action=actions.SSO_REFUSED,
        obj=provider,
        organisation=provider.organisation,
        reason=reason,
    )


@use_case
def sso_logged_out(*, user, provider: IdentityProvider | None) -> None:
    audit.record(
        actor=user,
        action=actions.SSO_LOGOUT,
        obj=user,
        provider=provider.slug if provider else "",
    )


@use_case
def metadata_fetch(*, provider: IdentityProvider, actor, timeout: float = 10.0) -> str:
    """Fetch the SAML metadata from the provider's address and keep it (audited)."""
    if provider.protocol != Protocol.SAML or not provider.metadata_url:
        raise ValidationError(_("This provider has no SAML metadata address."))
    try:
        response = requests.get(provider.metadata_url, timeout=timeout, stream=True)
        response.raise_for_status()
        body = response.raw.read(MAX_BYTES + 1, decode_content=True)
    except requests.RequestException as error:
        raise ValidationError(
            _("The metadata could not be fetched: %(error)s") % {"error": error}
        ) from error
    provider.metadata_xml = body.decode("utf-8", errors="replace")
    provider.full_clean()  # reads the entity ID from the metadata (models.IdentityProvider.clean)
    provider.save(update_fields=["metadata_xml", "entity_id", "updated_at"])
    audit.record(
        actor=actor,
        action=actions.METADATA_FETCHED,
        obj=provider,
        organisation=provider.organisation,
        entity_id=provider.entity_id,
    )
    return provider.entity_id
