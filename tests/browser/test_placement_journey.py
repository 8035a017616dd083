"""Journey 7 and the matching event: the coordinator sees the 50 %/100 % mismatch,
plans two 100 % positions, and runs the recruitment mingle to employments.
axe-core on every page visited."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, log_in

pytestmark = pytest.mark.browser


def supply_row(page, degree):
    return page.get_by_role("table").first.get_by_role("row", name=re.compile(f"^{degree} %"))


def test_supply_and_demand_then_two_positions_at_100_percent(page):
    log_in(page, "coordinator.jonkoping@example.org")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Placering").click()
    assert_accessible(page)
    page.get_by_role("link", name="Utbud och efterfrågan").click()
    expect(supply_row(page, 50)).to_have_text(re.compile(r"50 %\s*9\s*5"))
    expect(supply_row(page, 100)).to_have_text(re.compile(r"100 %\s*3\s*0"))
    assert_accessible(page)
    for unit in ["Psykosavdelningen Ryhov", "Boendestöd Nässjö"]:
        page.get_by_role("link", name="Ny tjänst").click()
        page.get_by_label("Enhet").select_option(label=unit)
        page.get_by_label("Tjänstgöringsgrad").select_option("100")
        page.get_by_label("Börjar").fill("2027-03-01")
        page.get_by_role("button", name="Spara").click()
        expect(page.get_by_role("status")).to_contain_text("Tjänsten är skapad")
        assert_accessible(page)
        page.goto("/placering/utbud-och-efterfragan/")
    expect(supply_row(page, 100)).to_have_text(re.compile(r"100 %\s*3\s*2"))


def test_the_recruitment_mingle_ends_in_employments(page):
    log_in(page, "coordinator.jonkoping@example.org")
    page.goto("/placering/matchning/")
    assert_accessible(page)
    page.get_by_role("link", name="Rekryteringsmingel").click()
    assert_accessible(page)
    page.locator("input.met").first.check()
    page.get_by_role("button", name="Spara träffarna").click()
    expect(page.get_by_role("status")).to_contain_text("Träffarna är sparade")
    expect(page.locator("input.met").first).to_be_checked()
    peers = page.locator("input[name^='peer-']")
    units = page.locator("input[name^='unit-']")
    # Every peer supporter ranks Boendestöd Nässjö first (first column), and so on.
    rows = page.get_by_role("region", name="Hur peer supporterna rangordnar tjänsterna").locator(
        "tbody tr"
    )
    for r in range(rows.count()):
        cells = rows.nth(r).locator("input")
        for c in range(cells.count()):
            cells.nth(c).fill(str(c + 1))
    page.get_by_role("button", name="Spara peer supporternas rangordning").click()
    expect(page.get_by_role("status")).to_contain_text("Rangordningen är sparad")
    rows = page.get_by_role("region", name="Hur enheterna rangordnar peer supporterna").locator(
        "tbody tr"
    )
    for r in range(rows.count()):
        cells = rows.nth(r).locator("input")
        for c in range(cells.count()):
            cells.nth(c).fill(str(c + 1))
    page.get_by_role("button", name="Spara enheternas rangordning").click()
    expect(page.get_by_role("status")).to_contain_text("Rangordningen är sparad")
    expect(page.locator(".proposal li")).to_have_count(0)  # computed only when asked
    page.get_by_role("button", name="Beräkna förslag").click()
    expect(page.locator(".proposal li")).to_have_count(5)
    expect(page.get_by_role("heading", name="Inte matchade, och varför")).to_be_visible()
    assert peers.count() > 0 and units.count() > 0
    assert_accessible(page)
    page.get_by_label("Om en enhet inte är redo").fill("Steget startar ändå med stöd av Nässjö.")
    page.get_by_role("button", name="Bekräfta och skapa anställningar").click()
    expect(page.get_by_role("status")).to_contain_text("5 anställningar skapades")
    assert_accessible(page)
    page.goto("/placering/anstallningar/")
    assert_accessible(page)


def test_the_coordinator_fills_in_a_units_readiness_checklist(page):
    log_in(page, "coordinator.jonkoping@example.org")
    page.goto("/placering/")
    page.get_by_role("region", name="Enhetens beredskap").get_by_role(
        "link", name="Arbetsmarknadsprojektet Steget"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Enhetens beredskap")
    expect(page.locator(".checklist .todo")).not_to_have_count(0)
    page.get_by_label("Handledning ordnad").fill("2026-11-20")
    page.get_by_label("Introduktionsplan").fill("Vecka 1: presentation på arbetsplatsträffen.")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("status")).to_contain_text("Checklistan är sparad")
    assert_accessible(page)


def test_the_managers_start_page_leads_to_the_readiness_checklist_on_a_phone(phone):
    log_in(phone, "manager@example.org")
    phone.goto("/oversikt/")
    placement_steps = phone.locator("ul.steps a[href^='/placering/']")
    expect(placement_steps.first).to_have_text(
        re.compile(r"^Gör klart beredskapslistan för Rättspsykiatrisk avdelning 21")
    )
    expect(phone.get_by_role("heading", name="Dina enheters beredskap")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(phone)
    placement_steps.first.click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "Enhetens beredskap: Rättspsykiatrisk avdelning 21"
    )
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(phone)
