"""The recruitment funnel at scale: its queries do not grow with applications, calls or
cohorts, and its linked suppression (seconds at national size, benchmarks/funnel.py) is
computed once per change of the data, not on every page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from peerstod.recruitment import funnel
from tests.recruitment_world import admit, basic_cohort, open_call, submit

pytestmark = pytest.mark.django_db


def grow(world, calls: int, per_call: int, start: int):
    """`calls` new calls (each its own), `per_call` applications each, half admitted to
    a cohort of their own call."""
    today = timezone.localdate()
    for c in range(calls):
        call = open_call(world, title=f"Utlysning {start + c}", opens_on=today - timedelta(days=3))
        cohort = basic_cohort(world)
        for i in range(per_call):
            application, _token = submit(call, email=f"p{start + c}-{i}@test.se")
            if i % 2:
                admit(world, application, cohort)


def queries(client, django_assert_max_num_queries, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_funnel_page_makes_as_many_queries_at_two_sizes_of_calls_and_cohorts(
    client, world, login, django_assert_max_num_queries
):
    url = reverse("recruitment:funnel")
    grow(world, calls=1, per_call=2, start=0)
    login(world.users["network"])
    small = queries(client, django_assert_max_num_queries, url)
    grow(world, calls=3, per_call=4, start=10)
    large = queries(client, django_assert_max_num_queries, url)
    assert large == small
    assert small <= 40


def test_the_funnel_is_suppressed_once_per_change_of_the_data(client, world, login, monkeypatch):
    computed = []
    views = funnel.views
    monkeypatch.setattr(funnel, "views", lambda *a, **k: computed.append(1) or views(*a, **k))
    grow(world, calls=1, per_call=4, start=0)
    login(world.users["network"])
    url = reverse("recruitment:funnel")
    first = client.get(url).context["report"].funnel
    second = client.get(url).context["report"].funnel
    assert len(computed) == 1 and first == second
    call = open_call(world, title="Utlysning ny")
    submit(call, email="ny@test.se")
    third = client.get(url).context["report"].funnel
    assert len(computed) == 2
    assert third.rows[0].count != first.rows[0].count or third.rows[0].count.suppressed
