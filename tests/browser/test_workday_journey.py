"""Journey 2: Marianne's week on forensic unit 21. She logs on her phone in three taps,
a walk with two patients, and a restraint she was asked to sit in on, with one line.
The week poster hangs in the day room. axe-core on every page visited."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, log_in

pytestmark = pytest.mark.browser


def test_marianne_logs_her_day_on_the_phone(phone):
    log_in(phone, "peer@example.org")
    phone.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Mitt arbete"
    ).click()
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
