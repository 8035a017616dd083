"""A peer supporter whose login the network has not linked to a person is told so on
their own pages, and nothing is written; the administrator still has no work log."""

import pytest
from django.urls import reverse

from peerstod.accounts.roles import Role
from peerstod.supervision.models import Request
from peerstod.work.models import ActivityEntry, ScheduleItem
from tests.factories import MembershipFactory

OWN_PAGES = ["work:log", "work:schedule", "supervision:mine", "supervision:self_assessment"]


@pytest.fixture
def unlinked(world):
    membership = MembershipFactory(
        role=Role.PEER_SUPPORTER, organisation=world.region_a, unit=world.unit_a1
    )
    return membership.user


@pytest.mark.parametrize("name", OWN_PAGES)
def test_an_unlinked_peer_supporter_is_told_who_links_the_login(client, login, unlinked, name):
    login(unlinked)
    response = client.get(reverse(name))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Ditt konto är inte kopplat än" in text
    assert "nätverkets samordnare" in text


@pytest.mark.parametrize("name", [*OWN_PAGES, "work:feed_link"])
def test_an_unlinked_peer_supporters_posts_write_nothing(client, login, unlinked, name):
    login(unlinked)
    before = (ActivityEntry.objects.count(), ScheduleItem.objects.count(), Request.objects.count())
    response = client.post(
        reverse(name), {"category": "talk", "minutes": "30", "message": "Hej", "shared": "yes"}
    )
    assert response.status_code == 200
    after = (ActivityEntry.objects.count(), ScheduleItem.objects.count(), Request.objects.count())
    assert after == before


@pytest.mark.parametrize("name", OWN_PAGES)
def test_the_administrator_without_a_peer_membership_is_refused_own_pages(
    client, login, world, name
):
    login(world.users["admin"])
    assert client.get(reverse(name)).status_code == 403
