"""Claims for the test people, and two clients that misbehave on purpose: one gets ID
tokens for another audience, one gets ID tokens that have already expired. Both are
signed with the provider's real key, so only the relying party's checks can refuse them."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from oauth2_provider.oauth2_validators import OAuth2Validator


class Validator(OAuth2Validator):
    oidc_claim_scope = None  # release every claim below, whatever the scope

    def get_additional_claims(self, request):
        person = settings.CONFIG["people"].get(request.user.username, {})
        return dict(person.get("claims", {}))

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expiration = super().get_id_token_dictionary(token, token_handler, request)
        if request.client.name == "wrong-audience":
            claims["aud"] = "another-relying-party"
        if request.client.name == "expired":
            claims["exp"] = int((timezone.now() - timedelta(hours=1)).timestamp())
        return claims, expiration
