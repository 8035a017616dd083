"""The OpenID Connect relying party, through Authlib's Django client.

One client per provider, registered from the provider's discovery document the first
time it is used, and again whenever the administrator changes the provider. Authlib
keeps the state and nonce in the session, uses PKCE, and checks the ID token's
signature against the provider's published keys and its issuer, audience (our client
id), expiry and nonce.
"""

from __future__ import annotations

from authlib.integrations.django_client import OAuth
from authlib.integrations.django_client.apps import DjangoOAuth2App

from peerstod.identity.models import IdentityProvider

# Tokens older than this, or issued this far in the future, are refused.
LEEWAY_SECONDS = 30

_clients: dict[str, tuple[tuple, DjangoOAuth2App]] = {}


def client(provider: IdentityProvider) -> DjangoOAuth2App:
    """The provider's client; rebuilt when its configuration or credentials change
    (the discovery document and keys are cached with the client)."""
    name = f"idp-{provider.slug}"
    version = (
        provider.discovery_url,
        provider.client_id,
        provider.client_secret,
        provider.updated_at,
    )
    known = _clients.get(name)
    if known is not None and known[0] == version:
        return known[1]
    registry = OAuth()
    registry.register(
        name,
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        server_metadata_url=provider.discovery_url,
        client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256"},
    )
    app = registry.create_client(name)
    _clients[name] = (version, app)
    return app
