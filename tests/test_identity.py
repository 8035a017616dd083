"""The identity providers themselves: configured by the platform administrator only,
audited, metadata checked; the login page offers only usable providers; a provider
never creates users or roles. The protocols end to end: test_identity_saml.py and
test_identity_oidc.py."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from peerstod.accounts.models import Membership
from peerstod.core.models import AuditEvent
from peerstod.identity import selectors, services
from peerstod.identity.metadata import entity_id_of
from peerstod.identity.models import IdentityProvider, MatchBy, Protocol
from tests.idp.needs import require_xmlsec1
from tests.idp.saml_idp import HSA_ATTRIBUTE, SamlIdP


@pytest.fixture(scope="module")
def idp(tmp_path_factory):
    provider = SamlIdP(tmp_path_factory.mktemp("idp"), sp_metadata="").start()
    yield provider
    provider.stop()


def _saml(world, idp, **fields):
    return IdentityProvider.objects.create(
        organisation=world.region_a,
        name="Region A (SITHS)",
        slug="region-a",
        protocol=Protocol.SAML,
        attribute=HSA_ATTRIBUTE,
        metadata_xml=idp.metadata,
        entity_id=idp.entity_id,
        **fields,
    )


def _saml_at(world, metadata_url):
    """A SAML provider known only by the address of its metadata (not yet fetched)."""
    return IdentityProvider.objects.create(
        organisation=world.region_a,
        name="Region A",
        slug="region-a",
        protocol=Protocol.SAML,
        attribute=HSA_ATTRIBUTE,
        metadata_url=metadata_url,
    )


def test_the_platform_admin_adds_a_provider_from_a_metadata_file_and_it_is_audited(
    client, world, login, idp
):
    login(world.users["admin"])
    response = client.post(
        reverse("admin:identity_identityprovider_add"),
        {
            "organisation": world.region_a.pk,
            "name": "Region A (SITHS)",
            "slug": "region-a",
            "protocol": Protocol.SAML,
            "is_active": "on",
            "match_by": MatchBy.HSA_ID,
            "attribute": HSA_ATTRIBUTE,
            "metadata_file": SimpleUploadedFile("idp.xml", idp.metadata.encode()),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    provider = IdentityProvider.objects.get()
    assert provider.entity_id == idp.entity_id
    event = AuditEvent.objects.get(action="core.admin.changed")
    assert event.actor == world.users["admin"]
    assert event.detail["model"] == "identity.identityprovider"


@pytest.mark.parametrize(
    "metadata, message",
    [
        ("<not xml", "inte giltig XML"),
        ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', "inte giltig XML"),
        (
            '<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x">'
            "<SPSSODescriptor/></EntityDescriptor>",
            "ingen identitetsleverantör",
        ),
        ("<script>alert(1)</script>", "en leverantör"),
        ("x" * 1_000_001, "större än 1 MB"),
    ],
    ids=["broken", "entities", "not-an-idp", "markup", "huge"],
)
def test_bad_metadata_is_refused_in_swedish(metadata, message):
    with pytest.raises(ValidationError) as refused:
        entity_id_of(metadata)
    assert message in " ".join(refused.value.messages)


def test_nobody_but_the_platform_admin_reaches_the_provider_admin(client, world, login):
    for persona in ("network", "coordinator", "manager", "peer"):
        login(world.users[persona])
        url = reverse("admin:identity_identityprovider_add")
        assert client.get(url).status_code == 302
        assert client.post(url, {"name": "x", "slug": "x"}).status_code == 302
    assert not IdentityProvider.objects.exists()


def test_metadata_is_fetched_from_the_provider_over_http_and_audited(world, idp):
    provider = _saml_at(world, idp.base + "/metadata")
    assert services.metadata_fetch(provider=provider, actor=world.users["admin"]) == idp.entity_id
    provider.refresh_from_db()
    assert "IDPSSODescriptor" in provider.metadata_xml
    assert AuditEvent.objects.filter(action="identity.metadata_fetched").count() == 1


def test_metadata_from_an_address_that_answers_nothing_useful_is_refused(world, idp):
    provider = _saml_at(world, idp.base + "/no-such-page")
    with pytest.raises(ValidationError):
        services.metadata_fetch(provider=provider, actor=world.users["admin"])
    provider.refresh_from_db()
    assert provider.metadata_xml == "" and provider.entity_id == ""
    assert not AuditEvent.objects.filter(action="identity.metadata_fetched").exists()


def test_an_oidc_provider_needs_its_discovery_address_and_credentials_from_the_environment(world):
    provider = IdentityProvider(
        organisation=world.region_a,
        name="Region A",
        slug="region-a",
        protocol=Protocol.OIDC,
        attribute="email",
        credentials_env="bad-prefix!",
    )
    with pytest.raises(ValidationError) as refused:
        provider.full_clean()
    assert set(refused.value.message_dict) == {"discovery_url", "credentials_env"}


def test_the_login_page_offers_siths_only_for_usable_active_providers(client, world, idp):
    require_xmlsec1()
    assert "SITHS" not in client.get(reverse("accounts:login")).content.decode()
    provider = _saml(world, idp)
    page = client.get(reverse("accounts:login")).content.decode()
    assert "Logga in med SITHS-kort / e-tjänstekort" in page
    assert reverse("identity:start", args=["region-a"]) in page
    provider.is_active = False
    provider.save()
    assert "SITHS" not in client.get(reverse("accounts:login")).content.decode()
    refused = client.get(reverse("identity:start", args=["region-a"]))
    assert refused.status_code == 404
    assert "Organisationen du valde har ingen inloggning" in refused.content.decode()


def test_an_identity_never_creates_a_user_or_grants_a_role(world, idp, rf):
    provider = _saml(world, idp)
    users, roles = type(world.users["admin"]).objects.count(), Membership.objects.count()
    for value in ("SE2321000131-E000000000777", "nobody@test.se", "", None):
        match = selectors.user_for_identity(provider=provider, value=value)
        assert match.user is None
    assert type(world.users["admin"]).objects.count() == users
    assert Membership.objects.count() == roles


def test_a_platform_admin_without_a_role_in_the_organisation_is_not_signed_in(world, idp):
    admin = world.users["admin"]
    admin.hsa_id = "SE2321000131-A000000000001"
    admin.save()
    match = selectors.user_for_identity(provider=_saml(world, idp), value=admin.hsa_id)
    assert match.user is None and match.reason == selectors.NOT_IN_ORGANISATION


def test_a_closed_account_is_not_signed_in_even_with_the_right_hsa_id(world, idp):
    manager = world.users["manager"]
    manager.hsa_id, manager.is_active = "SE2321000131-E000000000101", False
    manager.save()
    match = selectors.user_for_identity(provider=_saml(world, idp), value=manager.hsa_id.lower())
    assert match.user is None and match.reason == selectors.INACTIVE


def test_an_hsa_id_is_checked_and_stored_in_capitals(world):
    manager = world.users["manager"]
    manager.hsa_id = "se2321000131-e000000000101"
    manager.full_clean()
    assert manager.hsa_id == "SE2321000131-E000000000101"
    manager.hsa_id = "=HYPERLINK(1)"
    with pytest.raises(ValidationError) as refused:
        manager.full_clean()
    assert "hsa_id" in refused.value.message_dict


def test_the_provider_endpoints_are_rate_limited_per_address(client, world, idp, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sso": "3/m"}
    _saml(world, idp)
    acs = reverse("identity:saml_acs")
    answers = [
        client.post(acs, {"SAMLResponse": "bm90IGEgcmVzcG9uc2U="}).status_code for _ in range(5)
    ]
    assert answers[:3] != [429] * 3 and answers[3:] == [429, 429]
    assert "_auth_user_id" not in client.session


def test_garbage_in_the_saml_answer_is_refused_in_swedish_and_signs_in_nobody(client, world, idp):
    require_xmlsec1()
    _saml(world, idp)
    for garbage in (
        "bm90IGEgcmVzcG9uc2U=",
        "<script>alert(1)</script>",
        "=HYPERLINK(1)",
        "x" * 100_000,
    ):
        response = client.post(reverse("identity:saml_acs"), {"SAMLResponse": garbage})
        assert response.status_code in (400, 403)
        assert "Inloggningen via din organisations identitetsleverantör kunde inte" in (
            response.content.decode()
        )
    assert "_auth_user_id" not in client.session
    assert not AuditEvent.objects.filter(action="identity.login").exists()
