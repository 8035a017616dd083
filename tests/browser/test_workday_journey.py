"""Journey 2: Marianne's week on forensic unit 21. She logs on her phone in three taps,
a walk with two patients, and a restraint she was asked to sit in on, with one line.
The week poster hangs in the day room. axe-core on every page visited."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, log_in, menu_link

pytestmark = pytest.mark.browser


def test_marianne_logs_her_day_on_the_phone(phone):
    log_in(phone, "peer@example.org")
    menu_link(phone, "Mitt arbete").click()
    assert_accessible(phone)
    # A conversation: tap what, tap how long.
    phone.get_by_role("link", name=re.compile("^Samtal med patient")).click()
    assert_accessible(phone)
    phone.get_by_role("button", name="30 min").click()
    expect(phone.get_by_role("status")).to_contain_text("Loggat: Samtal med patient, 30 min")
    # A walk with two patients.
    phone.get_by_role("link", name=re.compile("^Promenad med patienter")).click()
    phone.get_by_label("Hur många deltog").fill("2")
    phone.get_by_role("button", name="45 min").click()
    expect(phone.get_by_role("status")).to_contain_text("Promenad med patienter, 45 min")
    # Asked to sit in on a restraint: outside the role, one line, no names.
    phone.get_by_text("Uppgifter utanför peer support-rollen").click()
    phone.get_by_role("link", name=re.compile("^Utanför rollen: tvångsåtgärd")).click()
    phone.get_by_label("Vad hände").fill("Personalen bad mig sitta med vid en bältesläggning.")
    assert_accessible(phone)
    phone.get_by_role("button", name="15 min").click()
    expect(phone.get_by_role("status")).to_contain_text("Utanför rollen: tvångsåtgärd")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360


def test_a_phone_number_in_the_line_is_refused(phone):
    log_in(phone, "peer@example.org")
    phone.goto("/arbete/?kategori=out_guarding")
    phone.get_by_label("Vad hände").fill("Ring Kalle på 070-123 45 67")
    phone.get_by_role("button", name="60 min").click()
    expect(phone.get_by_role("alert")).to_contain_text("ett telefonnummer")
    assert_accessible(phone)


def test_the_week_and_its_poster(page):
    log_in(page, "peer@example.org")
    page.get_by_role("link", name="Min vecka").click()
    expect(page.locator(".week")).to_contain_text("Forum för inflytande")
    expect(page.locator(".week")).to_contain_text("Fit for Life")
    assert_accessible(page)
    page.get_by_role("button", name="Gör en kalenderlänk").click()
    expect(page.get_by_label("Din nya kalenderlänk")).to_have_value(re.compile(r"\.ics$"))
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Veckoaffisch")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Peer support den här veckan")
    expect(page.get_by_text("13:00–14:00").first).to_be_visible()
    assert_accessible(page)


def test_juan_sees_the_units_activity_report(page):
    log_in(page, "manager@example.org")
    page.get_by_role("link", name="Aktivitetsrapporter").click()
    expect(page.get_by_role("table").first).to_contain_text("Samtal med patient")
    assert_accessible(page)


def test_marianne_starts_the_day_on_her_phone_with_logga_arbete(phone):
    """At 360 px: the large "Logga arbete" first, today's schedule (the open hour every
    weekday) or "Inget schemalagt i dag", her signal in words and the self-assessment."""
    log_in(phone, "peer@example.org")
    phone.goto("/oversikt/")
    section = phone.get_by_role("region", name="Peer supporter")
    button = section.get_by_role("link", name="Logga arbete")
    expect(button).to_be_visible()
    assert button.bounding_box()["height"] >= 56
    today = timezone.localdate()
    if today.weekday() < 5:
        expect(section.locator(".week")).to_contain_text("13:00–14:00 Peer support öppet")
    else:
        expect(section).to_contain_text("Inget schemalagt i dag.")
    expect(section.locator(".signal")).to_contain_text(re.compile("Signal: (Gul|Röd)"))
    expect(section).to_contain_text("timmar utanför peer support-rollen")
    expect(section.get_by_role("link", name="Gör självskattningen")).to_be_visible()
    assert_accessible(phone)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    button.click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Logga ditt arbete")


def test_no_log_tile_is_wider_than_itself_on_a_phone(phone):
    log_in(phone, "peer@example.org")
    phone.goto("/arbete/")
    phone.get_by_text("Uppgifter utanför peer support-rollen").click()
    tiles = phone.locator("a.tap")
    assert tiles.count() > 10
    overflowing = phone.evaluate(
        "[...document.querySelectorAll('a.tap')]"
        ".filter(t => t.scrollWidth > t.clientWidth || t.getBoundingClientRect().right > 360)"
        ".map(t => t.textContent.trim())"
    )
    assert overflowing == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    expect(phone.get_by_role("link", name=re.compile("^Vidareutbildning"))).to_be_visible()
    assert_accessible(phone)


def test_the_new_calendar_link_is_copied_with_one_tap(page):
    log_in(page, "peer@example.org")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto("/arbete/schema/")
    page.get_by_role("button", name=re.compile("kalenderlänk")).first.click()
    field = page.get_by_label("Din nya kalenderlänk")
    address = field.input_value()
    expect(page.get_by_role("link", name="Lägg till i kalendern")).to_have_attribute(
        "href", "webcal://" + address.split("://", 1)[1]
    )
    page.get_by_role("button", name="Kopiera länken").click()
    expect(page.get_by_role("status").last).to_have_text("Länken är kopierad.")
    assert page.evaluate("navigator.clipboard.readText()") == address
    assert_accessible(page)
