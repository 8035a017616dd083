"""A link a user may not follow is never shown: every link in the main content of the
recruitment and placement pages (and of the start page) a role reaches answers, for that
role, neither 403 nor 404. The trainer opens the certificates of their own cohort's
participants."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from peerstod.core.models import AuditEvent
from peerstod.people import actions as people_actions
from peerstod.people.models import Certification
from tests.placement_world import make_placement, new_position
from tests.recruitment_world import make_recruitment, open_call, submit

OUR_APPS = {"recruitment", "placement"}
START = [
    "home:dashboard",
    "recruitment:public_calls",
    "recruitment:calls",
    "recruitment:funnel",
    "recruitment:cohorts",
    "placement:overview",
    "placement:events",
    "placement:employments",
    "placement:supply",
    "placement:follow_up",
    "placement:staff_training",
]
ROLES = ["admin", "network", "coordinator", "manager", "supervisor", "trainer", "peer", "evaluator"]


def links(html: str) -> set[str]:
    """The links in the page's main content. The site menu around it is the same on every
    page and is checked with the menu (accounts.navigation), not here."""
    main = re.search(r"<main\b.*?</main>", html, re.S)
    found = set()
    for href in re.findall(r'href="([^"#]+)', main.group(0) if main else ""):
        href = href.replace("&amp;", "&")
        if href.startswith("/") and not href.startswith("/static/"):
            found.add(href)
    return found


def app_of(url: str) -> str:
    try:
        return resolve(urlsplit(url).path).namespace
    except Resolver404:
        return ""


def crawl(client) -> tuple[dict[str, int], dict[str, str]]:
    """GET the start pages the role reaches, and every link on our apps' pages, following
    links within recruitment and placement. Returns url → status and url → where found."""
    status: dict[str, int] = {}
    found_on: dict[str, str] = {}
    queue = [reverse(name) for name in START]
    starts = set(queue)
    while queue:
        url = queue.pop(0)
        if url in status:
            continue
        response = client.get(url)
        status[url] = response.status_code
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        if url not in starts and app_of(url) not in OUR_APPS:
            continue  # a link out of our apps is checked, not followed
        if url == reverse("home:dashboard") or app_of(url) in OUR_APPS:
            for href in links(response.content.decode()):
                if href not in status and href not in found_on:
                    found_on[href] = url
                    queue.append(href)
    return status, found_on


@pytest.fixture
def busy_world(world):
    recruitment = make_recruitment(world)
    make_placement(world, recruitment)
    new_position(world, world.unit_a2, agreed=False)
    call = open_call(world, title="Hösten", opens_on=timezone.localdate() - timedelta(days=30))
    submit(call, email="vantar@test.se", now=timezone.now() - timedelta(days=15))
    return world


@pytest.mark.parametrize("persona", ROLES)
def test_no_link_on_recruitment_and_placement_pages_answers_403_or_404(
    client, busy_world, login, persona
):
    login(busy_world.users[persona])
    status, found_on = crawl(client)
    refused = {
        url: (code, found_on[url])
        for url, code in status.items()
        if code in (403, 404) and url in found_on
    }
    assert refused == {}
    assert len(status) > len(START)  # links were followed, not only the start pages


def test_the_trainer_follows_every_certificate_link_on_the_cohort_page(client, world, login):
    recruitment = make_recruitment(world)
    login(world.users["trainer"])
    page = client.get(reverse("recruitment:cohort", args=[recruitment.cohort.code]))
    certificates = [
        href for href in links(page.content.decode()) if href.startswith("/utbildning/intyg/")
    ]
    assert certificates == [
        reverse("recruitment:certificate", args=[recruitment.certification.code])
    ]
    before = AuditEvent.objects.filter(action=people_actions.CERTIFICATE_VIEWED.code).count()
    for href in certificates:
        response = client.get(href)
        assert response.status_code == 200
        assert response.content.startswith(b"%PDF")
    after = AuditEvent.objects.filter(action=people_actions.CERTIFICATE_VIEWED.code).count()
    assert after == before + len(certificates)


def test_a_trainer_of_another_cohort_cannot_open_its_certificates(client, world, login):
    recruitment = make_recruitment(world)
    recruitment.cohort.trainers.clear()
    login(world.users["trainer"])
    url = reverse("recruitment:certificate", args=[recruitment.certification.code])
    assert client.get(url).status_code == 404
    assert Certification.objects.filter(pk=recruitment.certification.pk).exists()
