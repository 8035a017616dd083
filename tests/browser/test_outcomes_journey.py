"""Journey 6: did coercion change? Region Halland's coordinator imports 36 months of
indicators for forensic units 20 and 21 from Excel. Peer support started on unit 21 in
month 19; unit 20 is the comparison. The analysis shows the rate ratio of restraint per
1,000 bed-days with its confidence interval, a chart with the counterfactual and a
sentence a politician can read; the report goes out as PDF. axe-core on every page."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from peerstod.outcomes.examples import months, workbook_bytes
from tests.browser.conftest import assert_accessible, log_in, menu_link

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

    # The demo has loaded the same 36 months: importing the file again changes nothing.
    page.get_by_label("Fil (CSV eller Excel)").set_input_files(str(excel))
    page.get_by_role("button", name="Importera").click()
    expect(page.get_by_role("status")).to_contain_text("0 nya värden, 0 ändrade, 648 oförändrade")
    assert_accessible(page)

    page.goto("/utfall/analys/")
    page.get_by_label("Rättspsykiatrisk avdelning 21").check()
    page.get_by_label("Rättspsykiatrisk avdelning 20").check()
    page.get_by_label("Indikator").select_option(label="Bältesläggningar")
    page.get_by_role("button", name="Analysera").click()
    expect(page.get_by_role("heading", name="Vad siffrorna säger")).to_be_visible()
    expect(page.locator(".conclusion")).to_contain_text(
        re.compile(r"per 1 000 vårddygn (minskade|ökade) med \d+ procent när peer support började")
    )
    expect(page.locator(".conclusion .headline")).to_have_count(1)
    expect(page.locator(".conclusion .details")).to_contain_text(
        "Jämförelsen med Rättspsykiatrisk avdelning 20"
    )
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
    menu_link(phone, "Utfall").click()
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
    # A month the demo has figures for: its bed-days change, the own indicator is new.
    page.get_by_label("Månad").fill(f"{months(date.today())[-1]:%Y-%m}")
    page.get_by_label("Vårddygn").fill("0")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("alert")).to_contain_text("Inget sparades")
    assert_accessible(page)
    page.get_by_label("Vårddygn").fill("790")
    page.get_by_label("Läkarbesök").fill("41")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("status")).to_contain_text("Sparat: 1 nya, 1 ändrade")
    assert_accessible(page)


def _page_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def test_the_analysis_with_the_defaults_answers_on_a_phone(phone):
    """Issue 18: "Analysera" with the defaults answered "Inget sparades. Rätta fälten". The
    page opens on the first unit with figures; pressing the button gives one headline."""
    log_in(phone, "coordinator@example.org")
    phone.goto("/utfall/analys/")
    expect(phone.get_by_label("Rättspsykiatrisk avdelning 21")).to_be_checked()
    phone.get_by_role("button", name="Analysera").click()
    expect(phone).to_have_url(re.compile(r"/utfall/analys/\?units=.+&indicator=restraint"))
    expect(phone.get_by_role("alert")).to_have_count(0)
    expect(phone.get_by_text("Inget sparades")).to_have_count(0)
    expect(phone.locator(".conclusion .headline")).to_have_count(1)
    expect(phone.locator(".conclusion .headline")).to_contain_text("när peer support började")
    expect(phone.locator("figure.chart svg")).to_have_count(1)
    # The chart is shrunk to the column, no wider than the phone.
    box = phone.locator("figure.chart svg").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert _page_width(phone) <= 360
    assert_accessible(phone)

    phone.get_by_label("Rättspsykiatrisk avdelning 21").uncheck()
    phone.get_by_role("button", name="Analysera").click()
    expect(phone.get_by_role("alert")).to_contain_text("Rätta fälten")
    expect(phone.get_by_role("alert")).not_to_contain_text("Inget sparades")
    assert_accessible(phone)


def test_the_outcomes_pages_fit_a_phone_and_the_start_page_tells_about_figures(phone):
    log_in(phone, "coordinator@example.org")
    expect(phone.get_by_role("heading", name="Månadssiffror")).to_be_visible()
    expect(phone.get_by_text(re.compile("Siffrorna finns till och med"))).to_be_visible()
    for path in ("/utfall/", "/utfall/analys/", "/utfall/import/", "/utfall/registrera/"):
        phone.goto(path)
        assert _page_width(phone) <= 360, path
        assert_accessible(phone)
