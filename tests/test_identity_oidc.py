"""Login through a region's OpenID Connect provider, end to end against a real provider
(django-oauth-toolkit in OIDC mode, started in its own process by `tests/idp/oidc_op.py`).

The relying party is ours (Authlib); the test client plays the browser on our side and
`requests` at the provider. Two of the provider's clients misbehave on purpose: one is
issued ID tokens for another audience, one ID tokens that have already expired.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests
from django.urls import reverse

from peerstod.accounts import strength
from peerstod.core.models import AuditEvent
from peerstod.identity.models import IdentityProvider, MatchBy, Protocol
from tests.idp.oidc_op import OidcProvider

SITE = "http://testserver"
CALLBACK = SITE + "/konto/sso/oidc/callback/"
CLIENTS = {
    "good": "peerstod-region-a",
    "wrong-audience": "peerstod-wrong-audience",
    "expired": "peerstod-expired",
}
PEOPLE = {
    "chef": {
        "password": "op-test-password",
        "claims": {
            "email": "manager@test.se",
            "email_verified": True,
            "hsa_id": "SE2321000131-E000000000101",
        },
    },
    "obekraftad": {
        "password": "op-test-password",
        "claims": {"email": "manager@test.se", "email_verified": False},
    },
    "okand": {
        "password": "op-test-password",
        "claims": {"email": "nobody@test.se", "email_verified": True},
    },
}


@pytest.fixture(scope="module")
def op(tmp_path_factory):
    clients = [
        {
            "name": name,
            "client_id": client_id,
            "client_secret": f"secret-of-{client_id}",
            "redirect_uris": [CALLBACK],
            "post_logout_redirect_uris": [SITE + "/"],
        }
        for name, client_id in CLIENTS.items()
    ]
    provider = OidcProvider(tmp_path_factory.mktemp("oidc-op"), PEOPLE, clients).start()
    yield provider
    provider.stop()


def _provider(world, op, monkeypatch, name="good", match_by=MatchBy.EMAIL, attribute="email"):
    prefix = f"TEST_OIDC_{name.upper().replace('-', '_')}"
    monkeypatch.setenv(f"{prefix}_CLIENT_ID", CLIENTS[name])
    monkeypatch.setenv(f"{prefix}_CLIENT_SECRET", f"secret-of-{CLIENTS[name]}")
    return IdentityProvider.objects.create(
        organisation=world.region_a,
        name=f"Region A ({name})",
        slug=f"oidc-{name}",
        protocol=Protocol.OIDC,
        match_by=match_by,
        attribute=attribute,
        discovery_url=op.discovery_url,
        credentials_env=prefix,
    )


@pytest.fixture
def site(settings):
    settings.SITE_URL = SITE


def _sign_in(client, op, slug, username, next_url="/"):
    start = client.get(reverse("identity:start", args=[slug]), {"next": next_url})
    assert start.status_code == 302, start.content
    assert start["Location"].startswith(op.base + "/o/authorize/")
    back = urlsplit(op.sign_in(start["Location"], username))
    assert back.path == reverse("identity:oidc_callback")
    return client.get(f"{back.path}?{back.query}")


def test_an_oidc_login_with_a_verified_email_signs_in_the_linked_user_strongly(
    client, world, op, site, monkeypatch
):
    _provider(world, op, monkeypatch)
    response = _sign_in(client, op, "oidc-good", "chef", next_url="/start/")
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == "/start/"
    assert int(client.session["_auth_user_id"]) == world.users["manager"].pk
    assert client.session[strength.SESSION_KEY] == strength.OIDC
    assert client.get(reverse("home:dashboard")).status_code == 200  # no code asked
    assert AuditEvent.objects.filter(action="identity.login").count() == 1


def test_an_oidc_login_by_hsa_id_claim_signs_in_the_user_with_that_hsa_id(
    client, world, op, site, monkeypatch
):
    manager = world.users["manager"]
    manager.hsa_id = "SE2321000131-E000000000101"
    manager.save()
    _provider(world, op, monkeypatch, match_by=MatchBy.HSA_ID, attribute="hsa_id")
    assert _sign_in(client, op, "oidc-good", "chef").status_code == 302
    assert int(client.session["_auth_user_id"]) == manager.pk


def test_an_unverified_email_does_not_sign_anyone_in(client, world, op, site, monkeypatch):
    _provider(world, op, monkeypatch)
    response = _sign_in(client, op, "oidc-good", "obekraftad")
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.get(action="identity.login_refused").detail["reason"] == (
        "unverified_email"
    )


def test_an_unknown_person_is_refused_and_no_user_is_created(client, world, op, site, monkeypatch):
    _provider(world, op, monkeypatch)
    users_before = type(world.users["admin"]).objects.count()
    response = _sign_in(client, op, "oidc-good", "okand")
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert type(world.users["admin"]).objects.count() == users_before


def test_an_id_token_for_another_audience_is_refused(client, world, op, site, monkeypatch, caplog):
    _provider(world, op, monkeypatch, name="wrong-audience")
    response = _sign_in(client, op, "oidc-wrong-audience", "chef")
    assert response.status_code == 403
    # Refused for its audience: not ours, and no authorised party naming us (OIDC Core 3.1.3.7).
    assert "azp" in caplog.text or "aud" in caplog.text
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.get(action="identity.login_refused").detail["reason"] == "failed"


def test_an_expired_id_token_is_refused(client, world, op, site, monkeypatch, caplog):
    _provider(world, op, monkeypatch, name="expired")
    response = _sign_in(client, op, "oidc-expired", "chef")
    assert response.status_code == 403
    assert "expired" in caplog.text
    assert "_auth_user_id" not in client.session


def test_a_callback_replayed_after_login_signs_in_nobody(client, world, op, site, monkeypatch):
    _provider(world, op, monkeypatch)
    start = client.get(reverse("identity:start", args=["oidc-good"]))
    back = urlsplit(op.sign_in(start["Location"], "chef"))
    assert client.get(f"{back.path}?{back.query}").status_code == 302
    client.logout()
    again = client.get(f"{back.path}?{back.query}")
    assert again.status_code in (400, 403)
    assert "_auth_user_id" not in client.session


def test_logging_out_after_an_oidc_login_ends_the_session_at_the_provider(
    client, world, op, site, monkeypatch
):
    _provider(world, op, monkeypatch)
    _sign_in(client, op, "oidc-good", "chef")
    out = client.post(reverse("accounts:logout"))
    assert out.status_code == 307
    to_op = client.post(out["Location"])
    assert to_op.status_code == 200
    onward = to_op.context["onward"]
    assert onward.startswith(op.base + "/o/logout/")
    assert "id_token_hint=" in onward
    ended = requests.get(onward, allow_redirects=False, timeout=10)
    assert ended.status_code == 302 and ended.headers["Location"].startswith(SITE + "/?state=")
    assert "_auth_user_id" not in client.session
