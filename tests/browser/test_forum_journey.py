"""Journey 3: the Friday forum. Six patients and a dietitian; the TV room and baking on
Wednesdays on the agenda; a question about a medication dose is refused kindly. The
minutes are locked and go to Juan, who acknowledges them and answers the baking
suggestion; the answer is on "Ni sa – vi gjorde". axe-core on every page visited."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, log_in

pytestmark = pytest.mark.browser


def test_the_friday_forum(page, phone):
    log_in(page, "peer@example.org")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Forum").click()
    assert_accessible(page)
    page.get_by_role("link", name="Rättspsykiatrisk avdelning 21").click()
    assert_accessible(page)
    public_url = page.get_by_role("link", name=re.compile("Offentlig sida")).get_attribute("href")
    page.get_by_role("button", name="Starta dagens träff").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Forumträff")
    assert_accessible(page)

    agenda = page.locator("form", has=page.locator("input[value='agenda']"))
    agenda.get_by_label("Ämne").select_option("environment")
    agenda.get_by_label("punkt").fill("TV-rummet behöver nya soffor")
    agenda.get_by_role("button", name="Lägg till").click()
    agenda = page.locator("form", has=page.locator("input[value='agenda']"))
    agenda.get_by_label("Ämne").select_option("well_being")
    agenda.get_by_label("punkt").fill("Jag vill höja dosen av min medicin")
    agenda.get_by_role("button", name="Lägg till").click()
    expect(page.get_by_role("alert")).to_contain_text("kontaktperson")
    assert_accessible(page)

    suggestion = page.locator("form", has=page.locator("input[value='suggestion']"))
    suggestion.get_by_label("Ämne").select_option("activity")
    suggestion.get_by_label("förslag").fill("Baka på onsdagar")
    suggestion.get_by_role("button", name="Lägg till").click()
    minutes = page.locator("form", has=page.locator("input[value='meeting']"))
    minutes.get_by_label("närvarande patienter").fill("6")
    minutes.get_by_role("checkbox", name="Dietist").check()
    minutes.get_by_label("anteckningar", exact=False).last.fill(
        "Vi pratade om TV-rummet och om att baka tillsammans på onsdagar."
    )
    minutes.get_by_role("button", name="Spara anteckningarna").click()
    page.get_by_role("button", name=re.compile("Avsluta träffen")).click()
    expect(page.get_by_role("status")).to_contain_text("låsta och levererade")
    expect(page.get_by_role("table")).to_contain_text("Juan Avdelningschef")
    assert_accessible(page)

    log_in(phone, "manager@example.org")
    phone.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Forum").click()
    phone.get_by_role("link", name="Rättspsykiatrisk avdelning 21").click()
    phone.get_by_role("link", name=re.compile(r"\d{4}-\d\d-\d\d")).first.click()
    phone.get_by_role("button", name="Kvittera anteckningarna").click()
    expect(phone.get_by_role("status")).to_contain_text("kvitterade")
    assert_accessible(phone)
    phone.get_by_role("link", name=re.compile("Rättspsykiatrisk avdelning 21")).click()
    card = phone.locator(".card", has_text="Baka på onsdagar")
    card.get_by_label("Svar", exact=True).select_option("accepted")
    card.get_by_label("Vad du svarar").fill("Beviljat, vi börjar om två veckor.")
    card.get_by_role("button", name="Svar").click()
    expect(phone.get_by_role("status")).to_contain_text("nästa dagordning")
    assert_accessible(phone)

    page.context.clear_cookies()
    page.goto(public_url)
    expect(page.get_by_text("Baka på onsdagar")).to_be_visible()
    expect(page.get_by_text(re.compile("vi börjar om två veckor"))).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Lämna ett förslag").click()
    page.get_by_label("Ditt förslag").fill("Filmkväll på fredagar")
    page.get_by_role("button", name="Skicka").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tack!")
    assert_accessible(page)
