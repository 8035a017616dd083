"""The SITHS button on the login page, end to end in Chromium against a real SAML
identity provider on localhost (pysaml2's IdP server, `tests/idp/saml_idp.py`)."""

import pytest
from playwright.sync_api import expect
from saml2.metadata import create_metadata_string

from peerstod.accounts.models import Membership, User
from peerstod.identity import saml
from peerstod.identity.models import IdentityProvider, Protocol
from tests.browser.conftest import assert_accessible
from tests.idp.needs import require_xmlsec1
from tests.idp.saml_idp import HSA_ATTRIBUTE, SamlIdP

HSA_ID = "SE2321000131-E000000000101"


@pytest.fixture
def region_idp(live_server, demo, settings, tmp_path):
    """The demo manager's region signs in through its own SAML provider."""
    require_xmlsec1()
    settings.SITE_URL = live_server.url
    sp_metadata = create_metadata_string(None, config=saml.sp_config([]), sign=False).decode()
    idp = SamlIdP(tmp_path, sp_metadata, host="localhost").start()
    manager = User.objects.get(email="manager@example.org")
    User.objects.filter(pk=manager.pk).update(hsa_id=HSA_ID)
    region = Membership.objects.filter(user=manager).first().organisation
    IdentityProvider.objects.create(
        organisation=region,
        name=f"{region.name} (SITHS)",
        slug="region",
        protocol=Protocol.SAML,
        attribute=HSA_ATTRIBUTE,
        metadata_xml=idp.metadata,
        entity_id=idp.entity_id,
    )
    idp.people["chef"] = {HSA_ATTRIBUTE: [HSA_ID], "mail": ["manager@example.org"]}
    idp.people["okand"] = {HSA_ATTRIBUTE: ["SE2321000131-E000000009999"], "mail": ["x@y.se"]}
    yield idp
    idp.stop()


def _siths(page, idp, username):
    page.goto("/konto/logga-in/")
    page.get_by_role("link", name="Logga in med SITHS-kort / e-tjänstekort").click()
    page.wait_for_url(f"{idp.base}/sso/redirect*")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_role("button", name="Logga in").click()


def test_the_siths_button_signs_the_manager_in_at_the_idp_and_lands_on_their_dashboard(
    page, region_idp
):
    page.goto("/konto/logga-in/")
    expect(
        page.get_by_role("heading", level=2, name="Personal i region eller kommun")
    ).to_be_visible()
    assert_accessible(page)
    _siths(page, region_idp, "chef")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Välkommen")
    expect(page.get_by_role("heading", level=2, name="Enhetschef")).to_be_visible()
    # No second factor is asked: the identity provider's login counts as strong.
    assert "/tvastegs" not in page.url and "/2fa" not in page.url
    page.get_by_role("button", name="Logga ut").click()
    expect(page.get_by_role("banner").get_by_role("link", name="Logga in")).to_be_visible()
    assert region_idp.logouts, "single logout reached the identity provider"


def test_an_unknown_hsa_id_is_told_in_swedish_what_to_do(phone, region_idp):
    phone.goto("/konto/logga-in/")
    assert_accessible(phone)
    phone.screenshot(path="/tmp/siths-login-360.png", full_page=True)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    _siths(phone, region_idp, "okand")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Inloggningen gick inte")
    expect(phone.get_by_role("alert")).to_contain_text("Be din programsamordnare")
    assert_accessible(phone)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
