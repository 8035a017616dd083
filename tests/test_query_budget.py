"""Busy pages cost the same number of queries for 3 units as for 30."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from peerstod.accounts.roles import Role
from peerstod.core import audit
from tests.factories import MembershipFactory, UnitFactory


def grow(world, n):
    for _ in range(n):
        unit = UnitFactory(organisation=world.region_a)
        MembershipFactory(role=Role.PEER_SUPPORTER, organisation=world.region_a, unit=unit)
        MembershipFactory(role=Role.UNIT_MANAGER, organisation=world.region_a, unit=unit)
        audit.record(actor=None, action="test.event", organisation=world.region_a)


def count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("persona", "url"),
    [
        ("coordinator", reverse("core:dashboard")),
        ("manager", reverse("core:dashboard")),
        ("evaluator", reverse("core:dashboard")),
        ("network", reverse("core:dashboard")),
        ("peer", reverse("core:dashboard")),
        ("coordinator", reverse("orgs:list")),
        ("coordinator", reverse("orgs:agreements")),
        ("coordinator", reverse("core:audit")),
        ("coordinator", "organisation"),
    ],
)
def test_queries_do_not_grow_with_rows(client, world, login, persona, url):
    if url == "organisation":
        url = reverse("orgs:organisation", args=[world.region_a.code])
    login(world.users[persona])
    grow(world, 2)
    small = count(client, url)
    grow(world, 25)
    large = count(client, url)
    assert large == small
    assert small <= 20


def test_the_dashboard_budget(client, world, login, django_assert_max_num_queries):
    login(world.users["coordinator"])
    grow(world, 30)
    with django_assert_max_num_queries(15):
        client.get(reverse("core:dashboard"))
