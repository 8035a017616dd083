"""The main menu: each user sees only places they may enter, and exactly one item is
the current page."""

import pytest
from django.urls import reverse

from peerstod.accounts.navigation import menu
from peerstod.accounts.scope import scope_for
from tests.placement_people import certified_person

PEER_OWN = {reverse("work:log"), reverse("work:schedule"), reverse("supervision:mine")}


def urls(user, path="/"):
    return [item.url for item in menu(scope_for(user), path)]


def test_the_administrator_is_not_offered_a_work_log_or_supervision_of_their_own(world):
    shown = set(urls(world.users["admin"]))
    assert shown & PEER_OWN == set()
    assert reverse("admin:index") in shown
    assert reverse("home:audit") in shown  # what the role gives them stays


def test_a_peer_supporter_is_offered_their_own_work_and_supervision(world):
    assert set(urls(world.users["peer"])) >= PEER_OWN


@pytest.mark.parametrize(
    ("path", "current"),
    [
        ("/arbete/", "work:log"),
        ("/arbete/schema/", "work:schedule"),
        ("/arbete/rapport/", "work:report"),
        ("/oversikt/", "home:dashboard"),
        ("/handledning/min/", "supervision:mine"),
    ],
)
def test_exactly_one_menu_item_is_the_current_page(world, path, current):
    items = menu(scope_for(world.users["peer"]), path)
    assert [item.url for item in items if item.active] == [reverse(current)]


def test_a_page_outside_the_menu_marks_no_item_current(world):
    items = menu(scope_for(world.users["peer"]), "/ansok/")
    assert [item.url for item in items if item.active] == []


def test_every_menu_item_answers_its_user_with_a_page(client, world, login):
    certified_person(world, "Peer", "peer@test.se", user=world.users["peer"])
    for persona, user in world.users.items():
        login(user)
        for url in urls(user):
            if url.startswith("/admin/"):
                continue
            status = client.get(url).status_code
            assert status == 200, f"{persona}: {url} answered {status}"
