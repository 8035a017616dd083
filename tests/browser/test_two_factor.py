"""Two-step verification in the browser (issue 16): a coordinator enrols an authenticator
app from the QR page (the secret read from the page's text), signs in with a code
computed from it, uses a recovery code once (the second use is refused), makes new
recovery codes, and is locked out after repeated wrong codes. Every page: zero axe-core
violations, at desktop width and on a 360-pixel phone."""

from base64 import b32decode
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    SECOND_FACTOR_PATH,
    assert_accessible,
    log_in,
    totp_code,
    type_code,
)

pytestmark = pytest.mark.browser

ENROL_PATH = "/konto/tvastegsverifiering/aktivera/"


def heading(page):
    return page.get_by_role("heading", level=1)


def wrong_codes(key: bytes, count: int) -> list[str]:
    right = {totp_code(key, steps) for steps in range(-2, 3)}
    return [code for n in range(count + 5) if (code := f"{n:06d}") not in right][:count]


def log_out(page):
    with page.expect_navigation():
        page.get_by_role("button", name="Logga ut").click()


def fits_a_phone(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{page.url} is {width}px wide"


def enrol_from_the_qr_page(page, check) -> tuple[bytes, list[str]]:
    """On the enrolment page: read the key shown as text, type the app's code, and read
    the recovery codes shown once."""
    expect(heading(page)).to_have_text("Slå på tvåstegsverifiering")
    expect(
        page.get_by_role("img", name="QR-kod att skanna med autentiseringsappen")
    ).to_be_visible()
    check(page)
    key = b32decode(page.locator("#secret").inner_text().replace(" ", ""))
    # A wrong code first: the page says so, and stays accessible.
    type_code(page, wrong_codes(key, 1)[0])
    expect(page.get_by_role("alert")).to_contain_text("Koden stämmer inte")
    check(page)
    type_code(page, totp_code(key))
    expect(heading(page)).to_have_text("Dina reservkoder")
    codes = page.locator(".codes code").all_inner_texts()
    assert len(codes) == 10
    check(page)
    return key, codes


def test_enrol_sign_in_use_a_recovery_code_once_and_be_locked_out(page):
    log_in(page, "coordinator@example.org", second_factor=False)
    assert urlsplit(page.url).path == ENROL_PATH
    key, codes = enrol_from_the_qr_page(page, assert_accessible)
    page.get_by_role("link", name="Jag har sparat dem – fortsätt").click()
    expect(heading(page)).to_contain_text("Välkommen")
    log_out(page)

    # Signing in again: the code of the next step (the one typed at enrolment is spent).
    log_in(page, "coordinator@example.org", second_factor=False)
    assert urlsplit(page.url).path == SECOND_FACTOR_PATH
    expect(heading(page)).to_have_text("Tvåstegsverifiering")
    assert_accessible(page)
    type_code(page, totp_code(key, steps_ahead=1))
    expect(heading(page)).to_contain_text("Välkommen")

    # New recovery codes from the account page; the old ones stop working.
    page.get_by_role("link", name="Mitt konto").click()
    expect(page.get_by_role("heading", level=2, name="Tvåstegsverifiering")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Skapa nya reservkoder").click()
    expect(heading(page)).to_have_text("Nya reservkoder")
    expect(page.get_by_text("Du har 10 oanvända reservkoder.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Skapa nya reservkoder").click()
    expect(heading(page)).to_have_text("Dina reservkoder")
    old, codes = codes, page.locator(".codes code").all_inner_texts()
    assert len(codes) == 10 and not set(codes) & set(old)
    assert_accessible(page)
    log_out(page)

    # A recovery code works once.
    log_in(page, "coordinator@example.org", second_factor=False)
    type_code(page, codes[0])
    expect(heading(page)).to_contain_text("Välkommen")
    log_out(page)
    log_in(page, "coordinator@example.org", second_factor=False)
    type_code(page, codes[0])
    expect(page.get_by_role("alert")).to_contain_text("Koden är fel eller har redan använts")
    assert urlsplit(page.url).path == SECOND_FACTOR_PATH
    assert_accessible(page)

    # That was one wrong code; four more in a row log out and block the second factor.
    for code in wrong_codes(key, 4):
        type_code(page, code)
    expect(heading(page)).to_have_text("Tvåstegsverifieringen är spärrad en stund")
    expect(page.get_by_role("main")).to_contain_text("har du loggats ut")
    expect(page.get_by_role("link", name="Logga in")).to_be_visible()
    assert_accessible(page)
    log_in(page, "coordinator@example.org", second_factor=False)
    expect(heading(page)).to_have_text("Tvåstegsverifieringen är spärrad en stund")
    expect(page.locator("input[name=code]")).to_have_count(0)


def test_the_second_factor_pages_fit_a_phone(phone):
    def check(page):
        fits_a_phone(page)
        assert_accessible(page)

    log_in(phone, "manager@example.org", second_factor=False)
    key, _codes = enrol_from_the_qr_page(phone, check)
    phone.get_by_role("link", name="Jag har sparat dem – fortsätt").click()
    expect(heading(phone)).to_contain_text("Välkommen")
    log_out(phone)
    log_in(phone, "manager@example.org", second_factor=False)
    expect(heading(phone)).to_have_text("Tvåstegsverifiering")
    check(phone)
    for code in wrong_codes(key, 5):
        type_code(phone, code)
    expect(heading(phone)).to_have_text("Tvåstegsverifieringen är spärrad en stund")
    check(phone)


def test_a_peer_supporter_is_not_asked_and_may_turn_it_on(page):
    log_in(page, "peer@example.org", second_factor=False)
    expect(heading(page)).to_contain_text("Välkommen")
    page.get_by_role("link", name="Mitt konto").click()
    page.get_by_role("link", name="Slå på tvåstegsverifiering").click()
    key, _codes = enrol_from_the_qr_page(page, assert_accessible)
    page.get_by_role("link", name="Jag har sparat dem – fortsätt").click()
    expect(heading(page)).to_have_text("Mitt konto")
    log_out(page)
    # Once enrolled, the peer supporter is asked too.
    log_in(page, "peer@example.org", second_factor=False)
    assert urlsplit(page.url).path == SECOND_FACTOR_PATH
    type_code(page, totp_code(key, steps_ahead=1))
    expect(heading(page)).to_contain_text("Välkommen")
