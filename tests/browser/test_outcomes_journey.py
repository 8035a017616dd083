"""Journey 6: did coercion change? Region Halland's coordinator imports 36 months of
indicators for forensic units 20 and 21 from Excel. Peer support started on unit 21 in
month 19; unit 20 is the comparison. The analysis shows the rate ratio of restraint per
1,000 bed-days with its confidence interval, a chart with the counterfactual and a
sentence a politician can read; the report goes out as PDF. axe-core on every page."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from peerstod.outcomes.examples import workbook_bytes
from tests.browser.conftest import assert_accessible, log_in

pytestmark = pytest.mark.browser


def test_did_coercion_change(page, phone, tmp_path):
    excel = tmp_path / "utfall-avd-20-21.xlsx"
    excel.write_bytes(workbook_bytes(date.today()))
    broken = tmp_path / "fel.csv"
    broken.write_text(
        "enhet;månad;vårddygn;bältesläggningar\n"
        "Rättspsykiatrisk avdelning 21;2024-01;850;nio\n"
        "Rättspsykiatrisk avdelning 21;2999-01;850;4\n",
        encoding="utf-8",
    )

    log_in(page, "coordinator@example.org")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Utfall").click()
    expect(page.get_by_role("table", name="Enheter och deras uppgifter")).to_contain_text(
        re.compile(r"från \d{4}-\d\d")
    )
    assert_accessible(page)
    page.get_by_role("link", name="Importera från Excel eller CSV").click()
    assert_accessible(page)

    page.get_by_label("Fil (CSV eller Excel)").set_input_files(str(broken))
    page.get_by_role("button", name="Importera").click()
    expect(page.get_by_role("alert")).to_contain_text("Inget sparades")
    faults = page.get_by_role("table", name="Fel i filen")
    expect(faults).to_contain_text("nio är inte ett tal")
    expect(faults).to_contain_text("Månaden ligger i framtiden")
    assert_accessible(page)

    page.get_by_label("Fil (CSV eller Excel)").set_input_files(str(excel))
    page.get_by_role("button", name="Importera").click()
    expect(page.get_by_role("status")).to_contain_text("Importerade 72 rader: 648 nya värden")
    assert_accessible(page)
    page.get_by_label("Fil (CSV eller Excel)").set_input_files(str(excel))
    page.get_by_role("button", name="Importera").click()
    expect(page.get_by_role("status")).to_contain_text("0 nya värden, 0 ändrade, 648 oförändrade")

    page.goto("/utfall/analys/")
    page.get_by_label("Rättspsykiatrisk avdelning 21").check()
    page.get_by_label("Rättspsykiatrisk avdelning 20").check()
    page.get_by_label("Indikator").select_option(label="Bältesläggningar")
    page.get_by_role("button", name="Analysera").click()
    expect(page.get_by_role("heading", name="Vad siffrorna säger")).to_be_visible()
    expect(page.locator(".conclusion")).to_contain_text(
        re.compile(r"per 1 000 vårddygn (minskade|ökade) med \d+ procent när peer support började")
    )
    expect(page.locator(".conclusion")).to_contain_text("jämfört med Rättspsykiatrisk avdelning 20")
    ratios = page.get_by_role("table", name=re.compile("Kvoter med 95"))
    expect(ratios.get_by_role("row", name=re.compile("Skillnad i skillnader"))).to_contain_text(
        re.compile(r"\d,\d{3}\s*\d,\d{3}–\d,\d{3}")
    )
    expect(page.locator("figure.chart svg")).to_have_count(1)
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Rapport som pdf").click()
    with open(download.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"

    # Juan, the manager of unit 21, reads his own unit's result on his phone.
    log_in(phone, "manager@example.org")
    phone.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Utfall").click()
    phone.get_by_role("link", name="Analysera").click()
    phone.get_by_label("Rättspsykiatrisk avdelning 21").check()
    phone.get_by_role("button", name="Analysera").click()
    expect(phone.locator(".conclusion")).to_contain_text("när peer support började")
    assert_accessible(phone)


def test_periods_entry_and_own_indicators(page):
    log_in(page, "coordinator@example.org")
    page.goto("/utfall/")
    page.get_by_label("Namn").fill("Läkarbesök")
    page.get_by_role("button", name="Lägg till indikatorn").click()
    expect(page.get_by_role("status")).to_contain_text("Indikatorn är tillagd")
    assert_accessible(page)
    page.get_by_role("link", name="Registrera en månad").click()
    page.get_by_label("Enhet").select_option(label="Rättspsykiatrisk avdelning 20")
    page.get_by_label("Månad").fill("2026-01")
    page.get_by_label("Vårddygn").fill("0")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("alert")).to_contain_text("Inget sparades")
    assert_accessible(page)
    page.get_by_label("Vårddygn").fill("790")
    page.get_by_label("Läkarbesök").fill("41")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("status")).to_contain_text("Sparat: 2 nya")
    assert_accessible(page)
