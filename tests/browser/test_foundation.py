"""Every demo role logs in, lands on its own dashboard and walks its menu: in Swedish,
switchable to English, with zero axe-core violations on every page visited."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, assert_links_lead_somewhere, log_in

pytestmark = pytest.mark.browser

ROLES = {
    "admin@example.org": "Plattformsadministration",
    "network@example.org": "Nätverkssamordnare",
    "coordinator@example.org": "Programsamordnare",
    "manager@example.org": "Enhetschef",
    "supervisor@example.org": "Handledare",
    "trainer@example.org": "Utbildare",
    "peer@example.org": "Peer supporter",
    "evaluator@example.org": "Utvärderare",
}


def test_the_start_page_explains_and_leads_to_login(page):
    page.goto("/")
    expect(page).to_have_title(re.compile("Välkommen"))
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    assert_accessible(page)
    page.get_by_role("main").get_by_role("link", name="Logga in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga in")
    assert_accessible(page)


def test_the_public_ways_in_each_open_a_page_and_ni_sa_vi_gjorde_lists_the_wards(phone):
    phone.goto("/")
    assert_links_lead_somewhere(phone, set())
    phone.get_by_role("link", name=re.compile("Ni sa – vi gjorde")).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Ni sa – vi gjorde")
    assert_accessible(phone)
    phone.get_by_role("link", name="Rättspsykiatrisk avdelning 21").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Ni sa – vi gjorde")
    expect(phone.get_by_text("Rättspsykiatrisk avdelning 21:")).to_be_visible()
    assert_accessible(phone)


@pytest.mark.parametrize("email", sorted(ROLES))
def test_each_role_walks_its_menu_one_item_current_and_no_link_leads_to_403_or_404(page, email):
    log_in(page, email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Välkommen")
    expect(page.get_by_role("heading", level=2, name=ROLES[email])).to_be_visible()
    assert_accessible(page)
    checked = assert_links_lead_somewhere(page)
    menu = page.get_by_role("navigation", name="Huvudmeny")
    names = [n for n in menu.get_by_role("link").all_inner_texts() if n != "Administration"]
    for name in names:
        menu.get_by_role("link", name=name, exact=True).click()
        expect(menu.get_by_role("link", name=name, exact=True)).to_have_attribute(
            "aria-current", "page"
        )
        expect(menu.locator("[aria-current=page]")).to_have_count(1)
        assert_accessible(page)
        checked = assert_links_lead_somewhere(page, checked)


def test_on_a_phone_the_menu_folds_behind_one_button_that_names_the_page(phone):
    log_in(phone, "coordinator@example.org")
    menu = phone.get_by_role("navigation", name="Huvudmeny")
    button = menu.get_by_role("button", name=re.compile("^Meny"))
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(menu.get_by_role("link", name="Organisationer")).to_be_hidden()
    assert phone.evaluate("document.querySelector('main').getBoundingClientRect().top") < 200
    assert_accessible(phone)
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    assert_accessible(phone)
    menu.get_by_role("link", name="Organisationer").click()
    expect(menu.get_by_role("button", name="Meny: Organisationer")).to_be_visible()
    button = menu.get_by_role("button", name="Meny: Organisationer")
    button.focus()  # the folded menu opens and closes from the keyboard too
    phone.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    phone.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")


def test_the_language_switch_is_one_click_and_remembered(page):
    log_in(page, "coordinator@example.org")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("link", name="Organisations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisations")
    assert_accessible(page)
    page.get_by_role("button", name="Svenska").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisationer")


def test_a_coordinator_adds_a_unit_and_is_stopped_by_a_personnummer(page):
    log_in(page, "coordinator@example.org")
    page.get_by_role("link", name="Lägg till enhet").first.click()
    page.get_by_label("Namn").fill("Rättspsykiatrisk avdelning 22")
    page.get_by_label("Typ av enhet").select_option(label="Rättspsykiatri")
    page.get_by_label("Beskrivning").fill("Patienten 19811218-9876 vill ha eget rum.")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("alert")).to_contain_text("Inget sparades")
    expect(page.get_by_role("alert")).to_contain_text("ett personnummer")
    assert_accessible(page)
    page.get_by_label("Beskrivning").fill("Rättspsykiatrisk vård, klass 2.")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rättspsykiatrisk avdelning 22")
    expect(page.get_by_role("status")).to_contain_text("har lagts till")
    assert_accessible(page)


def test_another_organisations_unit_is_simply_not_there(page):
    log_in(page, "coordinator.jonkoping@example.org")
    page.goto("/organisationer/")
    expect(page.get_by_role("link", name="Region Halland")).to_have_count(0)
    log_in(page, "coordinator@example.org")
    page.goto("/organisationer/")
    page.get_by_role("link", name="Region Halland").click()
    halland = page.url
    log_in(page, "coordinator.jonkoping@example.org")
    response = page.goto(halland)
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Sidan hittades inte")
    assert_accessible(page)


def test_a_wrong_password_then_a_lockout(page):
    log_in(page, "peer@example.org", "fel lösenord igen")
    expect(page.get_by_role("alert")).to_contain_text("korrekt")
    assert_accessible(page)
    for _ in range(4):
        log_in(page, "peer@example.org", "fel lösenord igen")
    log_in(page, "peer@example.org")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kontot är låst en stund")
    assert_accessible(page)


def test_pages_fit_a_360_pixel_phone(phone):
    log_in(phone, "manager@example.org")
    for path in ["/oversikt/", "/organisationer/", "/konto/"]:
        phone.goto(path)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} is {width}px wide"
        assert_accessible(phone)


def test_password_pages_are_accessible(page):
    page.goto("/konto/logga-in/")
    page.get_by_role("link", name="Glömt lösenordet?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Återställ lösenord")
    assert_accessible(page)
    page.get_by_label("E-postadress").fill("peer@example.org")
    page.get_by_role("button", name="Återställ lösenord").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Titta i din e-post")
    assert_accessible(page)
    log_in(page, "peer@example.org")
    page.get_by_role("link", name="Mitt konto").click()
    page.get_by_role("link", name="Byt lösenord").click()
    page.locator("#id_new_password1").fill("kort")
    page.get_by_role("button", name="Byt lösenord").click()
    expect(page.get_by_role("alert")).to_contain_text("Inget sparades")
    assert_accessible(page)
