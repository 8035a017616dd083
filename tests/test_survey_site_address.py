"""The address on printed slips, in their QR codes, in mails and on the round page is
the site's (SITE_URL), never the host a page happened to be opened at; a page opened at
another host warns, and the slips are made only once the address is confirmed."""

import re

import pypdfium2
import pytest
import zxingcpp
from django.core import mail
from django.urls import reverse

from peerstod.accounts.scope import scope_for
from peerstod.core.links import absolute, host_differs
from peerstod.forum import services as forum_services
from peerstod.surveys import reports, services
from peerstod.surveys.models import AccessCode
from tests.forum_world import make_forum
from tests.survey_world import make_round

SITE = "https://peerstod.region-a.example"

pytestmark = pytest.mark.django_db


def _pages(pdf: bytes):
    document = pypdfium2.PdfDocument(pdf)
    try:
        for page in document:
            text = page.get_textpage().get_text_range()
            image = page.render(scale=3).to_pil()
            yield text, image
    finally:
        document.close()


def test_the_slip_pdf_prints_and_encodes_the_configured_address(world, settings):
    settings.SITE_URL = SITE + "/"
    survey_round = make_round(world, key="peer-support-experience", audience="patient")
    coordinator = world.users["coordinator"]
    codes = services.slips_create(
        scope=scope_for(coordinator),
        actor=coordinator,
        survey_round=survey_round,
        unit=world.unit_a1,
        count=2,
    )
    pdf = reports.slips_pdf(survey_round=survey_round, unit=world.unit_a1, codes=codes)

    ((text, image),) = list(_pages(pdf))
    entry = SITE + reverse("surveys:code")
    assert entry in re.sub(r"\s+", "", text)
    decoded = sorted(b.text for b in zxingcpp.read_barcodes(image))
    assert decoded == sorted(f"{entry}#{services.format_code(code)}" for code in codes)


def test_the_round_page_shows_the_slip_address_without_a_warning_on_the_sites_host(
    world, login, settings
):
    settings.SITE_URL = "http://testserver"
    survey_round = make_round(world)
    page = login(world.users["coordinator"]).get(reverse("surveys:round", args=[survey_round.code]))
    html = page.content.decode()
    assert "Lapparna leder till" in html
    assert "http://testserver/enkat/" in html
    assert 'id="slip-address-warning"' not in html
    assert 'name="slips-address_confirmed"' not in html


def test_the_round_page_warns_when_opened_at_another_host_and_the_slips_wait_for_confirmation(
    world, login, settings
):
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = ["testserver", "peerstod.region-a.example"]
    survey_round = make_round(world)
    client = login(world.users["coordinator"])
    html = client.get(reverse("surveys:round", args=[survey_round.code])).content.decode()
    assert f"{SITE}/enkat/" in html
    assert 'id="slip-address-warning"' in html
    assert "Kontrollera adressen innan du skriver ut" in html
    assert 'name="slips-address_confirmed"' in html

    url = reverse("surveys:slips", args=[survey_round.code])
    data = {"slips-unit": world.unit_a1.code, "slips-count": 3}
    refused = client.post(url, data, follow=True)
    assert refused["Content-Type"].startswith("text/html")
    assert "kryssa i rutan" in refused.content.decode()
    assert not AccessCode.objects.exists()

    made = client.post(url, {**data, "slips-address_confirmed": "on"})
    assert made["Content-Type"] == "application/pdf"
    assert AccessCode.objects.count() == 3


def test_the_slips_need_no_confirmation_at_the_sites_own_host(world, login, settings):
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = ["testserver", "peerstod.region-a.example"]
    survey_round = make_round(world)
    client = login(world.users["coordinator"])
    response = client.post(
        reverse("surveys:slips", args=[survey_round.code]),
        {"slips-unit": world.unit_a1.code, "slips-count": 2},
        HTTP_HOST="peerstod.region-a.example",
        secure=True,
    )
    assert response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(
    ("site", "host", "secure", "differs"),
    [
        ("https://peerstod.region.se", "peerstod.region.se", True, False),
        ("https://peerstod.region.se/", "PEERSTOD.region.se:443", True, False),
        ("https://peerstod.region.se", "intranet-07.region.local", True, True),
        ("http://127.0.0.1:8000", "127.0.0.1:8001", False, True),
    ],
)
def test_host_differs_compares_host_and_port_with_the_site_address(
    rf, settings, site, host, secure, differs
):
    settings.SITE_URL = site
    settings.ALLOWED_HOSTS = ["*"]
    request = rf.get("/", HTTP_HOST=host, secure=secure)
    assert host_differs(request) is differs


def test_the_staff_link_and_the_forum_mail_use_the_site_address(
    world, login, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = SITE
    survey_round = make_round(world)
    html = (
        login(world.users["coordinator"])
        .get(reverse("surveys:round", args=[survey_round.code]))
        .content.decode()
    )
    link = absolute(reverse("surveys:answer_link", args=[survey_round.link_code, "x"]))[:-2]
    assert link.startswith(SITE) and link in html

    forum = make_forum(world, None)
    peer = world.users["peer"]
    meeting = forum.open_meeting
    forum_services.meeting_update(
        scope=scope_for(peer),
        actor=peer,
        meeting=meeting,
        patients_present=4,
        guests=[],
        minutes="Vi pratade om maten.",
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        forum_services.meeting_close(scope=scope_for(peer), actor=peer, meeting=meeting)
    assert SITE + reverse("forum:meeting", args=[meeting.code]) in mail.outbox[-1].body
