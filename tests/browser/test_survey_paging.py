"""The 12-question patient survey a question at a time: "Fråga 3 av 12", Back and Next,
answers kept while paging, the send button on the last question; answer controls of at
least 24 × 24 px; nothing wider than a 360 px phone; axe on a phone and a tablet. Without
JavaScript the whole form is one page and is sent as before."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, slip_url

pytestmark = pytest.mark.browser

PATIENT_ROUND = "Patientenkät avdelning 21 – hösten"


def _visible_questions(page):
    return page.locator("form.survey > fieldset.question:visible, form.survey > div.field:visible")


def _page_through(page, width):
    expect(page.get_by_text("Fråga 1 av 12")).to_be_visible()
    expect(_visible_questions(page)).to_have_count(1)
    expect(page.get_by_role("button", name="Skicka mina svar")).to_be_hidden()
    expect(page.get_by_role("button", name="Tillbaka", exact=True)).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)
    radio = page.get_by_role("radio").first
    box = radio.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24, box

    page.get_by_role("radio", name="Stämmer ganska bra", exact=True).check()
    page.get_by_role("button", name="Nästa", exact=True).click()
    page.get_by_role("button", name="Nästa", exact=True).click()
    expect(page.get_by_text("Fråga 3 av 12")).to_be_visible()
    expect(
        page.get_by_role("group", name=re.compile("Jag har mål som jag vill nå"))
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Tillbaka", exact=True).click()
    page.get_by_role("button", name="Tillbaka", exact=True).click()
    expect(page.get_by_text("Fråga 1 av 12")).to_be_visible()
    expect(page.get_by_role("radio", name="Stämmer ganska bra", exact=True)).to_be_checked()

    for _ in range(11):
        page.get_by_role("button", name="Nästa", exact=True).click()
    expect(page.get_by_text("Fråga 12 av 12")).to_be_visible()
    expect(page.get_by_role("button", name="Nästa", exact=True)).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)
    page.get_by_role("button", name="Skicka mina svar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tack för dina svar")
    assert_accessible(page)


def test_the_patient_survey_pages_a_question_at_a_time_on_a_phone(phone):
    phone.goto(slip_url(PATIENT_ROUND))
    _page_through(phone, 360)


def test_the_patient_survey_pages_a_question_at_a_time_on_a_tablet(browser, live_server, demo):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 768, "height": 1024})
    tablet = context.new_page()
    tablet.set_default_timeout(10_000)
    try:
        tablet.goto(slip_url(PATIENT_ROUND))
        _page_through(tablet, 768)
    finally:
        context.close()


def test_an_error_shows_its_question_and_keeps_the_other_answers(phone):
    phone.goto(slip_url(PATIENT_ROUND))
    phone.get_by_role("radio", name="Stämmer helt", exact=True).check()
    for _ in range(11):
        phone.get_by_role("button", name="Nästa", exact=True).click()
    phone.get_by_label("Vill du säga något mer").fill("Ring mig på 070-123 45 67")
    phone.get_by_role("button", name="Skicka mina svar").click()
    expect(phone.get_by_role("alert")).to_contain_text("telefonnummer")
    expect(phone.get_by_label("Vill du säga något mer")).to_be_visible()
    expect(phone.get_by_text("Fråga 12 av 12")).to_be_visible()
    assert_accessible(phone)
    phone.get_by_role("button", name="Tillbaka", exact=True).click()
    expect(phone.get_by_text("Fråga 11 av 12")).to_be_visible()


def test_without_javascript_the_whole_survey_is_one_form_that_sends(browser, live_server, demo):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 360, "height": 740}, java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto("/enkat/")
        code = slip_url(PATIENT_ROUND).split("#", 1)[1]
        page.get_by_label("Koden på din lapp").fill(code)
        page.get_by_role("button", name="Fortsätt").click()
        expect(_visible_questions(page)).to_have_count(13)  # 12 questions and a text field
        expect(page.get_by_text("Fråga 1 av 12")).to_be_hidden()
        expect(page.get_by_role("button", name="Nästa", exact=True)).to_be_hidden()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.get_by_role("group", name=re.compile("Jag har mål som jag vill nå")).get_by_label(
            "Stämmer helt", exact=True
        ).check()
        page.get_by_role("button", name="Skicka mina svar").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Tack för dina svar")
    finally:
        context.close()
