"""Journey 4: Marianne has had no supervision for five weeks and logged three hours
outside the peer role in the last four weeks. Her signal is amber with both reasons, for her and
her supervisor, not for Juan. The supervisor books and holds a session; the
supervision reason clears. axe-core on every page visited."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, log_in, menu_link

pytestmark = pytest.mark.browser


def test_amber_for_marianne_and_her_supervisor_not_for_juan(page, phone):
    log_in(phone, "peer@example.org")
    menu_link(phone, "Min handledning").click()
    signal = phone.locator(".signal")
    expect(signal).to_contain_text("Gul")
    expect(signal).to_contain_text("timmar utanför peer support-rollen")
    expect(signal).to_contain_text("Ingen handledning på 5 veckor")
    assert_accessible(phone)
    phone.get_by_label("vad det gäller").fill("Vill prata om bältesläggningen.")
    phone.get_by_role("button", name="Be om ett tillfälle").click()
    expect(phone.get_by_role("status")).to_contain_text("Din handledare har fått en förfrågan")
    phone.get_by_role("link", name="Månadens självskattning").click()
    for fieldset in phone.locator("fieldset.scale").all():
        fieldset.get_by_role("radio", name="4").check()
    phone.get_by_role("button", name="Spara").click()
    expect(phone.get_by_role("status")).to_contain_text("Tack")
    assert_accessible(phone)

    log_in(page, "manager@example.org")
    page.get_by_role("link", name="Avstämningar").click()
    expect(page.locator(".signal")).to_have_count(0)
    expect(page.get_by_text("Genomförd handledning")).to_be_visible()
    assert_accessible(page)

    log_in(page, "supervisor@example.org")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Handledning").click()
    card = page.get_by_role("region", name="Marianne Peer")
    expect(card.locator(".signal")).to_contain_text("Ingen handledning på 5 veckor")
    expect(card).to_contain_text("Vill prata om bältesläggningen.")
    assert_accessible(page)
    start = timezone.localtime() - timedelta(hours=2)
    page.get_by_role("checkbox", name="Marianne Peer").check()
    page.get_by_label("Börjar").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Slutar").fill((start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Boka", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Tillfället är bokat")
    page.get_by_role("link", name=start.strftime("%Y-%m-%d %H:%M")).click()
    page.get_by_label("Vad hände").select_option("held")
    page.get_by_label("privata anteckningar").fill("Vi pratade om gränser mot vårdarbetet.")
    page.get_by_role("button", name="Spara").click()
    assert_accessible(page)
    page.goto("/handledning/")
    card = page.get_by_role("region", name="Marianne Peer")
    expect(card.locator(".signal")).not_to_contain_text("Ingen handledning")
    expect(card.locator(".signal")).to_contain_text(re.compile("timmar utanför"))


def test_the_supervisors_start_page_leads_with_boka_red_or_amber_first(phone):
    """At 360 px: Marianne (no supervision for five weeks) before Ola (supervised last
    week), each with the signal in words and "Boka", which opens the booking with her
    ticked. Never the "appear here" text while there are supervisees."""
    log_in(phone, "supervisor@example.org")
    phone.goto("/oversikt/")
    section = phone.get_by_role("region", name="Handledare")
    rows = section.locator(".supervisees > li")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Marianne Peer")
    expect(rows.nth(0)).to_contain_text(re.compile("Signal: (Röd|Gul)"))
    expect(rows.nth(0)).to_contain_text("Senaste handledningen för 5 veckor sedan.")
    expect(rows.nth(1)).to_contain_text("Ola Kollega")
    expect(section).not_to_contain_text("visas här när nätverket")
    assert_accessible(phone)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    rows.nth(0).get_by_role("link", name=re.compile("^Boka")).click()
    expect(phone.get_by_role("checkbox", name="Marianne Peer")).to_be_checked()
    expect(phone.get_by_role("checkbox", name="Ola Kollega")).not_to_be_checked()
    assert_accessible(phone)
