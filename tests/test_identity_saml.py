"""Login with SITHS through a region's SAML 2.0 identity provider, end to end against a
real provider (pysaml2's IdP server, started on localhost by `tests/idp/saml_idp.py`).

The service provider is ours (djangosaml2); the test client plays the browser, and the
provider is reached over real HTTP.
"""

from __future__ import annotations

import base64
import re
from html import escape, unescape
from urllib.parse import urlsplit

import pytest
import requests
from django.test import override_settings
from django.urls import reverse
from saml2.metadata import create_metadata_string

from peerstod.accounts import strength
from peerstod.core.models import AuditEvent
from peerstod.identity import saml
from peerstod.identity.models import IdentityProvider, MatchBy, Protocol
from tests.idp.needs import require_xmlsec1
from tests.idp.saml_idp import HSA_ATTRIBUTE, SamlIdP

SITE = "http://testserver"
HSA_MANAGER = "SE2321000131-E000000000101"


@pytest.fixture(scope="module")
def idp(tmp_path_factory):
    require_xmlsec1()
    with override_settings(SITE_URL=SITE):
        sp_metadata = create_metadata_string(None, config=saml.sp_config([]), sign=False)
    provider = SamlIdP(tmp_path_factory.mktemp("saml-idp"), sp_metadata.decode()).start()
    yield provider
    provider.stop()


@pytest.fixture
def region_idp(idp, world, settings):
    settings.SITE_URL = SITE
    idp.people.clear()
    idp.logouts.clear()
    return IdentityProvider.objects.create(
        organisation=world.region_a,
        name="Region A (SITHS)",
        slug="region-a",
        protocol=Protocol.SAML,
        match_by=MatchBy.HSA_ID,
        attribute=HSA_ATTRIBUTE,
        metadata_xml=idp.metadata,
        entity_id=idp.entity_id,
    )


def _person(idp, username, hsa_id, mail="x@region.se"):
    idp.people[username] = {HSA_ATTRIBUTE: [hsa_id], "mail": [mail]}


def _linked_manager(world, idp):
    """Region A's unit manager, linked by HSA-id, is the IdP's test person "chef"."""
    manager = world.users["manager"]
    manager.hsa_id = HSA_MANAGER
    manager.save()
    _person(idp, "chef", HSA_MANAGER)
    return manager


def _saml_response(client, idp, username, next_url="/"):
    """Start at the login page's SITHS button, sign in at the IdP: the signed answer."""
    start = client.get(reverse("identity:start", args=["region-a"]), {"next": next_url})
    assert start.status_code == 302, start.content
    location = start["Location"]
    assert location.startswith(idp.base + "/sso/redirect?")
    form_page = requests.get(location, timeout=10)
    assert form_page.status_code == 200, form_page.text
    fields = dict(re.findall(r'name="(SAMLRequest|RelayState)" value="([^"]*)"', form_page.text))
    answer = requests.post(
        idp.base + "/sso/login",
        data={**{k: unescape(v) for k, v in fields.items()}, "username": username},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    action = unescape(re.search(r'action="([^"]+)"', answer.text).group(1))
    posted = dict(re.findall(r'name="(SAMLResponse|RelayState)" value="([^"]*)"', answer.text))
    return urlsplit(action).path, {k: unescape(v) for k, v in posted.items()}


def test_a_siths_login_through_the_region_idp_signs_in_the_linked_user_strongly(
    client, world, region_idp, idp
):
    manager = _linked_manager(world, idp)
    acs, data = _saml_response(client, idp, "chef", next_url="/start/")
    assert acs == reverse("identity:saml_acs")
    response = client.post(acs, data)
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == "/start/"
    assert int(client.session["_auth_user_id"]) == manager.pk
    assert client.session[strength.SESSION_KEY] == strength.SAML
    # Strong: the manager (who sees personal data, has no app) is asked for no code.
    assert client.get(reverse("home:dashboard")).status_code == 200
    event = AuditEvent.objects.get(action="identity.login")
    assert event.actor == manager and event.detail["provider"] == "region-a"


def test_an_unknown_hsa_id_is_refused_in_swedish_and_nobody_is_signed_in(
    client, world, region_idp, idp
):
    _person(idp, "okand", "SE2321000131-E000000009999")
    acs, data = _saml_response(client, idp, "okand")
    response = client.post(acs, data)
    assert response.status_code == 403
    assert "Det finns inget konto i Peerstöd" in response.content.decode()
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(action="identity.login_refused")
    assert event.detail["reason"] == "unknown"


def test_a_tampered_saml_response_is_refused(client, world, region_idp, idp):
    peer, coordinator = world.users["peer"], world.users["coordinator"]
    peer.hsa_id, coordinator.hsa_id = "SE2321000131-P000000000001", "SE2321000131-K000000000001"
    peer.save()
    coordinator.save()
    _person(idp, "peer", peer.hsa_id)
    acs, data = _saml_response(client, idp, "peer")
    xml = base64.b64decode(data["SAMLResponse"]).decode()
    assert peer.hsa_id in xml
    forged = xml.replace(peer.hsa_id, coordinator.hsa_id)
    data["SAMLResponse"] = base64.b64encode(forged.encode()).decode()
    response = client.post(acs, data)
    assert response.status_code in (400, 403)
    assert "_auth_user_id" not in client.session


def test_the_idp_signs_in_only_its_own_organisation_s_staff(client, world, region_idp, idp):
    network = world.users["network"]
    network.hsa_id = "SE2321000131-N000000000001"
    network.save()
    _person(idp, "natverk", network.hsa_id)
    acs, data = _saml_response(client, idp, "natverk")
    response = client.post(acs, data)
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_a_response_posted_twice_signs_in_once(client, world, region_idp, idp):
    _linked_manager(world, idp)
    acs, data = _saml_response(client, idp, "chef")
    assert client.post(acs, data).status_code == 302
    client.logout()
    again = client.post(acs, data)
    assert again.status_code in (400, 403)
    assert "_auth_user_id" not in client.session


def test_logging_out_after_a_siths_login_logs_out_at_the_idp_too(client, world, region_idp, idp):
    _linked_manager(world, idp)
    acs, data = _saml_response(client, idp, "chef")
    client.post(acs, data)
    out = client.post(reverse("accounts:logout"))
    assert out.status_code == 307 and out["Location"] == reverse("identity:logout")
    to_idp = client.post(out["Location"])
    # Logged out here at once; the way on to the provider is a page (the CSP's form-action).
    assert "_auth_user_id" not in client.session
    assert to_idp.status_code == 200
    onward = to_idp.context["onward"]
    assert onward.startswith(idp.base + "/slo/")
    assert f'content="0;url={escape(onward)}"' in to_idp.content.decode()
    back = requests.get(onward, allow_redirects=False, timeout=10)
    assert back.status_code == 303
    assert idp.logouts, "the IdP received the logout request"
    finished = client.get(
        urlsplit(back.headers["Location"]).path + "?" + urlsplit(back.headers["Location"]).query
    )
    assert finished.status_code == 302
    assert "_auth_user_id" not in client.session
