"""Journey 3: the Friday forum. Six patients and a dietitian; the TV room and baking on
Wednesdays on the agenda; a question about a medication dose is refused kindly. The
minutes are locked and go to Juan, who acknowledges them and answers the baking
suggestion; the answer is on "Ni sa – vi gjorde". axe-core on every page visited."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, log_in, menu_link

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

    meeting_url = page.url
    agenda = page.locator("section", has=page.locator("#h-add-agenda"))
    agenda.get_by_label("Ämne").select_option("environment")
    agenda.get_by_label("punkt").fill("TV-rummet behöver nya soffor")
    agenda.get_by_role("button", name="Lägg till på dagordningen").click()
    expect(page.get_by_role("status")).to_contain_text("dagordningen")
    agenda.get_by_label("Ämne").select_option("well_being")
    agenda.get_by_label("punkt").fill("Jag vill höja dosen av min medicin")
    agenda.get_by_role("button", name="Lägg till på dagordningen").click()
    expect(page.get_by_role("alert")).to_contain_text("kontaktperson")
    assert_accessible(page)
    agenda.get_by_label("punkt").fill("")

    # The minutes typed first, then the suggestion added: the minutes stay on the page.
    minutes = page.locator("section", has=page.locator("#h-minutes"))
    minutes.get_by_label("närvarande patienter").fill("6")
    minutes.get_by_role("checkbox", name="Dietist").check()
    minutes.get_by_label("anteckningar", exact=False).last.fill(
        "Vi pratade om TV-rummet och om att baka tillsammans på onsdagar."
    )
    suggestion = page.locator("section", has=page.locator("#h-add-suggestion"))
    suggestion.get_by_label("Ämne").select_option("activity")
    suggestion.get_by_label("förslag").fill("Baka på onsdagar")
    suggestion.get_by_role("button", name="Lägg till förslaget").click()
    expect(page.get_by_role("status")).to_contain_text("Förslaget är tillagt")
    expect(minutes.get_by_label("anteckningar", exact=False).last).to_have_value(
        "Vi pratade om TV-rummet och om att baka tillsammans på onsdagar."
    )
    expect(minutes.get_by_role("checkbox", name="Dietist")).to_be_checked()

    # The peer supporter's phone at the same meeting: nothing wider than the screen.
    log_in(phone, "peer@example.org")
    phone.goto(meeting_url)
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Forumträff")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(phone)

    page.get_by_role("button", name=re.compile("Avsluta träffen")).click()
    expect(page.get_by_role("status")).to_contain_text("låsta och levererade")
    expect(page.get_by_role("table")).to_contain_text("Juan Avdelningschef")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Rättspsykiatrisk avdelning 21")).click()
    expect(page.get_by_role("button", name="Starta dagens träff")).to_have_count(0)
    expect(page.get_by_text("Dagens träff är hållen")).to_be_visible()

    log_in(phone, "manager@example.org")
    menu_link(phone, "Forum").click()
    phone.get_by_role("link", name="Rättspsykiatrisk avdelning 21").click()
    phone.get_by_role("link", name=re.compile(r"\d{4}-\d\d-\d\d")).first.click()
    phone.get_by_role("button", name="Kvittera anteckningarna").click()
    expect(phone.get_by_role("status")).to_contain_text("kvitterade")
    expect(phone.get_by_text("Vi pratade om TV-rummet och om att baka")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
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
