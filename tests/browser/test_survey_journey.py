"""Journey 5: evaluation rounds in Västra Götaland psychiatry. Staff answered the attitude
survey before the start and after six and twelve months (14, 12 and 15 answers). Patients
on unit 21 answer on slips with a QR code: four answers, so their results stay hidden
until a fifth arrives. The evaluator compares staff rounds 1 and 3 and sees the
difference with its confidence interval. axe-core on every page visited."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, log_in, slip_url

pytestmark = pytest.mark.browser

PATIENT_ROUND = "Patientenkät avdelning 21 – hösten"


def _answer(page, question: str, option: str) -> None:
    group = page.get_by_role("group", name=re.compile(re.escape(question)))
    _until(page, group)
    group.get_by_label(option, exact=True).check()


def _until(page, target) -> None:
    """Page on with "Nästa" until `target` shows (the patient survey shows a question at
    a time; the paper form shows them all, and there is nothing to page)."""
    following = page.get_by_role("button", name="Nästa", exact=True)
    for _ in range(20):
        if target.is_visible() or not following.is_visible():
            return
        following.click()


def _send(page) -> None:
    """Page on to the last question, then send."""
    _until(page, page.get_by_role("button", name="Skicka mina svar"))
    page.get_by_role("button", name="Skicka mina svar").click()


def test_evaluation_rounds(page):
    log_in(page, "coordinator.vgr@example.org")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Enkäter").click()
    assert_accessible(page)
    page.get_by_role("link", name=PATIENT_ROUND).click()
    rates = page.get_by_role("table", name="Svar per enhet och svarssätt")
    expect(rates).to_contain_text("4 / 20 (20 %)")
    assert_accessible(page)

    page.get_by_role("link", name="Resultat", exact=True).click()
    expect(page.get_by_text("Inga resultat ännu")).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("Hopp"))).to_contain_text("Dolt: för få svar")
    assert_accessible(page)

    # The fifth answer comes on paper and is typed in on the unit.
    page.go_back()
    page.get_by_role("link", name="Skriv in pappersenkäter").click()
    assert_accessible(page)
    _answer(page, "Jag tror att mitt liv kan bli bättre.", "Stämmer ganska bra")
    _answer(page, "Att träffa en peer supporter har gett mig hopp.", "Stämmer helt")
    _answer(page, "Jag har mål som jag vill nå.", "Vet ej")
    _answer(page, "Någon har tagit sig tid att lyssna på mig.", "Stämmer helt")
    _answer(page, "Jag har känt mig förstådd.", "Stämmer ganska bra")
    page.get_by_role("button", name="Spara svaret").click()
    expect(page.get_by_role("status")).to_contain_text("Svaret är sparat")
    assert_accessible(page)

    page.get_by_role("link", name="Tillbaka till omgången").click()
    page.get_by_role("link", name="Resultat", exact=True).click()
    hope = page.get_by_role("table", name=re.compile("Hopp"))
    expect(
        hope.get_by_role("row", name=re.compile(r"Alla enheter 5 5 \d,\d\d \d,\d\d–\d,\d\d"))
    ).to_have_count(1)
    expect(page.get_by_text("Inga resultat ännu")).to_have_count(0)
    assert_accessible(page)

    log_in(page, "evaluator@example.org")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Enkäter").click()
    assert_accessible(page)
    page.get_by_role("link", name=PATIENT_ROUND).click()
    page.get_by_role("link", name="Resultat", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("när omgången har stängt")
    page.goto("/enkater/")
    page.get_by_role("link", name=re.compile("omgång 3")).click()
    page.get_by_role("link", name=re.compile("Jämför med .*omgång 1")).click()
    table = page.get_by_role("table", name="Skillnad mellan omgångarna")
    row = (
        table.get_by_role("row")
        .filter(has_text="Alla enheter")
        .filter(has_text="Syn på återhämtning")
    )
    expect(row).to_contain_text("n=14")
    expect(row).to_contain_text("n=15")
    expect(row).to_contain_text(re.compile(r"\d,\d\d \(-?\d,\d\d till -?\d,\d\d\)"))
    assert_accessible(page)


def test_slips_and_the_kiosk(page, phone):
    log_in(page, "coordinator.vgr@example.org")
    page.goto("/enkater/")
    page.get_by_role("link", name=PATIENT_ROUND).click()
    # The live server answers at another host than SITE_URL: the page says so, and the
    # slips wait for the address to be confirmed.
    expect(page.get_by_text("Lapparna leder till")).to_contain_text("http://testserver/enkat/")
    expect(page.locator("#slip-address-warning")).to_contain_text("Kontrollera adressen")
    assert_accessible(page)
    page.get_by_label("Antal lappar").fill("3")
    page.get_by_label(re.compile("Jag har kontrollerat adressen")).check()
    with page.expect_download() as download:
        page.get_by_role("button", name="Skapa lappar (pdf)").click()
    with open(download.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    page.reload()
    expect(page.get_by_role("table", name="Svar per enhet och svarssätt")).to_contain_text("4 / 23")

    log_in(phone, "coordinator.vgr@example.org")
    phone.goto("/enkater/")
    phone.get_by_role("link", name=PATIENT_ROUND).click()
    phone.clock.install()
    phone.get_by_role("button", name="Starta kiosken på den här enheten").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "Patienters upplevelse av peer support"
    )
    # The tablet is handed over: the coordinator is logged out on it.
    expect(phone.get_by_role("link", name="Logga in")).to_be_visible()
    assert_accessible(phone)
    kiosk_url = phone.url

    # Someone walks away half-way: a notice first, then an empty survey.
    _answer(phone, "Jag tror att mitt liv kan bli bättre.", "Stämmer helt")
    phone.clock.fast_forward("04:05")
    expect(phone.get_by_role("alert")).to_contain_text("Svarar du fortfarande")
    assert_accessible(phone)
    phone.get_by_role("button", name="Jag svarar fortfarande").click()
    expect(phone.get_by_role("alert")).to_be_hidden()
    phone.clock.fast_forward("04:05")
    expect(phone.get_by_role("alert")).to_be_visible()
    with phone.expect_navigation():
        phone.clock.fast_forward("00:35")
    expect(phone.get_by_role("radio", checked=True)).to_have_count(0)
    _answer(phone, "Jag kan påverka min egen situation.", "Stämmer delvis")
    _until(phone, phone.get_by_label("Vill du säga något mer"))
    phone.get_by_label("Vill du säga något mer").fill("Mitt personnummer är 19121212-1212")
    _send(phone)
    expect(phone.get_by_role("alert")).to_contain_text("personnummer")
    assert_accessible(phone)
    _until(phone, phone.get_by_label("Vill du säga något mer"))
    phone.get_by_label("Vill du säga något mer").fill("Skönt att prata med någon som förstår.")
    _send(phone)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Tack för dina svar")
    assert_accessible(phone)
    phone.get_by_role("link", name="Nästa person").click()
    assert phone.url == kiosk_url
    expect(phone.get_by_role("radio", checked=True)).to_have_count(0)


def test_instruments_moderation_and_a_new_round(page):
    """The coordinator's other survey pages: instruments, an instrument, moderation and
    the form for a new round, each checked with axe."""
    log_in(page, "coordinator.vgr@example.org")
    page.goto("/enkater/")
    page.get_by_role("link", name="Instrument", exact=True).click()
    expect(page.get_by_role("table", name="Instrument")).to_contain_text(
        "Peer supporters arbetssituation"
    )
    assert_accessible(page)
    page.get_by_role("link", name="Peer supporters arbetssituation").click()
    expect(page.get_by_text("räknas om viktig").first).to_be_visible()
    assert_accessible(page)

    page.goto("/enkater/")
    form = page.locator("form", has=page.get_by_role("button", name="Skapa omgången"))
    form.get_by_label("Omgångens namn").fill("Peer supporters arbetssituation 2027")
    form.get_by_label("Instrument").select_option(label="Peer supporters arbetssituation (v1)")
    form.get_by_label("Vilka som svarar").select_option("peer_supporter")
    form.get_by_label("Öppnar").fill("2026-11-01")
    form.get_by_label("Stänger").fill("2026-10-01")
    form.get_by_label("Psykosavdelning 4").check()
    form.get_by_label("Öppen länk för personal").check()
    form.get_by_role("button", name="Skapa omgången").click()
    expect(page.get_by_role("alert")).to_contain_text("Inget sparades")
    assert_accessible(page)

    page.goto("/enkater/")
    page.get_by_role("link", name=re.compile("omgång 3")).click()
    page.get_by_role("link", name="Resultat", exact=True).click()
    expect(
        page.get_by_text("Peer supportern har fått oss att prata annorlunda om hopp.")
    ).to_be_visible()
    assert_accessible(page)


def test_a_slips_qr_code_opens_the_questions_with_the_code_posted_not_in_the_address(phone):
    # What the QR code holds: the entry page with the code after "#".
    requested = []
    phone.on("request", lambda request: requested.append(request.url))
    entry = slip_url(PATIENT_ROUND)
    shown = entry.split("#", 1)[1]
    code = shown.replace("-", "")
    phone.goto(entry)
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "Patienters upplevelse av peer support"
    )
    assert "#" not in phone.url and code not in phone.url
    assert not any(code in url or shown in url for url in requested)
    assert_accessible(phone)
    _answer(phone, "Jag tror att mitt liv kan bli bättre.", "Stämmer helt")
    _send(phone)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Tack för dina svar")
