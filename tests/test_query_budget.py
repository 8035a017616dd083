"""Busy pages cost the same number of queries for 3 units as for 30."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from peerstod.accounts.roles import Role
from peerstod.core import audit
from peerstod.orgs import actions as org_actions
from tests.factories import MembershipFactory, UnitFactory


def grow(world, n):
    for _ in range(n):
        unit = UnitFactory(organisation=world.region_a)
        MembershipFactory(role=Role.PEER_SUPPORTER, organisation=world.region_a, unit=unit)
        MembershipFactory(role=Role.UNIT_MANAGER, organisation=world.region_a, unit=unit)
        audit.record(actor=None, action=org_actions.UNIT_CHANGED, organisation=world.region_a)


def count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("persona", "url"),
    [
        ("coordinator", reverse("home:dashboard")),
        ("manager", reverse("home:dashboard")),
        ("evaluator", reverse("home:dashboard")),
        ("network", reverse("home:dashboard")),
        ("peer", reverse("home:dashboard")),
        ("coordinator", reverse("orgs:list")),
        ("coordinator", reverse("orgs:agreements")),
        ("coordinator", reverse("home:audit")),
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


def test_the_coordinators_start_page_stays_within_18_queries(
    client, world, login, django_assert_max_num_queries
):
    """Five to know who is asking (session, user, memberships, the organisation tree and
    the units in scope), then about one for each section of the start page: units,
    matching, positions, supply, overdue check-ins, suggestions, minutes, rounds and the
    indicator months due. The tree is read once and shared (`Scope.tree`)."""
    login(world.users["coordinator"])
    grow(world, 30)
    with django_assert_max_num_queries(18):
        client.get(reverse("home:dashboard"))


def test_recruitment_pages_do_not_grow_with_applicants(client, world, login):
    from datetime import date

    from peerstod.accounts.scope import scope_for
    from peerstod.recruitment import services
    from tests.recruitment_world import admit, attend, basic_cohort, open_call, submit

    call = open_call(world)
    cohort = basic_cohort(world)
    network = world.users["network"]

    def add(n, start):
        for i in range(start, start + n):
            application, _ = submit(call, email=f"s{i}@test.se")
            admit(world, application, cohort)
            attend(world, application.enrolment, 9)
            services.enrolment_complete(
                scope=scope_for(network),
                actor=network,
                enrolment=application.enrolment,
                on=date.today(),
            )
            services.enrolment_certify(
                scope=scope_for(network),
                actor=network,
                enrolment=application.enrolment,
                on=date.today(),
            )

    urls = [
        reverse("recruitment:calls"),
        reverse("recruitment:call", args=[call.code]),
        reverse("recruitment:cohorts"),
        reverse("recruitment:cohort", args=[cohort.code]),
        reverse("recruitment:attendance", args=[cohort.sessions.first().code]),
        reverse("recruitment:funnel"),
    ]
    add(2, 0)
    login(network)
    small = [count(client, url) for url in urls]
    add(6, 10)
    large = [count(client, url) for url in urls]
    assert large == small


def test_work_pages_do_not_grow_with_entries(client, world, login):
    from datetime import timedelta

    from django.utils import timezone

    from peerstod.work import services
    from tests.work_world import make_workday

    make_workday(world)
    peer = world.users["peer"]

    def add(n):
        for i in range(n):
            services.entry_log(
                actor=peer,
                unit=world.unit_a1,
                day=timezone.localdate() - timedelta(days=i % 60),
                category=["conversation", "walk", "forum"][i % 3],
                minutes=30,
                participants=1 + i % 4,
            )

    urls = [reverse("work:log"), reverse("work:schedule"), reverse("work:report")]
    add(3)
    login(peer)
    small = [count(client, url) for url in urls]
    add(40)
    assert [count(client, url) for url in urls] == small
    login(world.users["manager"])
    url = reverse("work:report") + f"?enhet={world.unit_a1.code}"
    before = count(client, url)
    add(20)
    assert count(client, url) == before


def _peer_supporters_at_work(world, n, first):
    """`n` more certified peer supporters of the network at work on a unit today, each
    supervised by the supervisor persona, with a held supervision, two self-assessments
    and a logged day."""
    from datetime import date, datetime, time, timedelta

    from django.utils import timezone

    from peerstod.placement.models import Employment
    from peerstod.supervision.models import Assignment, SelfAssessment, Session, SessionStatus
    from peerstod.work.models import ActivityEntry
    from tests.placement_people import certified_person

    today = timezone.localdate()
    for i in range(first, first + n):
        person = certified_person(world, f"Peer {i}", f"peer{i}@test.se")
        unit = UnitFactory(organisation=world.region_a)
        Employment.objects.create(
            person=person, unit=unit, fte_percent=50, starts_on=date(2025, 1, 1)
        )
        start = timezone.make_aware(datetime.combine(today - timedelta(days=3), time(9)))
        session = Session.objects.create(
            supervisor=world.users["supervisor"],
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            status=SessionStatus.HELD,
        )
        session.participants.add(person)
        Assignment.objects.create(
            supervisor=world.users["supervisor"], person=person, valid_from=date(2025, 1, 1)
        )
        for months_ago, score in ((2, "4.0"), (0, "2.5")):
            month = (today.replace(day=1) - timedelta(days=31 * months_ago)).replace(day=1)
            SelfAssessment.objects.create(person=person, month=month, answers={}, score=score)
        ActivityEntry.objects.create(
            person=person,
            unit=unit,
            day=today,
            minutes=60,
            category="out_guarding",
            format="individual",
            created_by=world.users["peer"],
        )


@pytest.mark.parametrize("url", [reverse("home:dashboard"), reverse("supervision:meetings")])
def test_the_network_coordinators_pages_do_not_grow_with_peer_supporters_at_work(
    client, world, login, url
):
    """The drift and overdue-supervision counts read every peer supporter at work in a
    fixed number of queries (a thousand at national scale made 1,014 queries)."""
    login(world.users["network"])
    _peer_supporters_at_work(world, 2, first=0)
    small = count(client, url)
    _peer_supporters_at_work(world, 12, first=2)
    assert count(client, url) == small


@pytest.mark.postgresql
@pytest.mark.django_db
def test_postgresql_sums_a_networks_last_four_weeks_from_the_covering_index_alone():
    """The drift signals' sum over every peer supporter's last four weeks reads the
    index by day that carries person, minutes and category (work migration 0003)."""
    from datetime import date, timedelta

    from peerstod.supervision import drift

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'activity_day_cover'")
        (definition,) = cursor.fetchone()
        assert "(day) INCLUDE (person_id, minutes, category)" in definition
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        today = date(2026, 12, 3)
        cursor.execute(
            "EXPLAIN SELECT person_id, SUM(minutes) FROM work_activityentry "
            "WHERE day > %s AND day <= %s GROUP BY person_id",
            [today - timedelta(days=drift.OUTSIDE_WINDOW_DAYS), today],
        )
        plan = " ".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using activity_day_cover" in plan


@pytest.mark.parametrize(
    ("persona", "url"),
    [
        ("coordinator", reverse("placement:supply")),
        ("coordinator", reverse("placement:follow_up")),
        ("coordinator", reverse("placement:employments")),
        ("coordinator", reverse("placement:overview")),
        ("coordinator", reverse("supervision:check_ins")),
        ("manager", reverse("supervision:check_ins")),
        ("coordinator", reverse("work:report")),
        ("coordinator", reverse("surveys:index")),
        ("coordinator", reverse("outcomes:index")),
        ("coordinator", reverse("forum:index")),
        ("supervisor", reverse("supervision:home")),
    ],
)
def test_report_pages_do_not_grow_with_peer_supporters_at_work(client, world, login, persona, url):
    login(world.users[persona])
    _peer_supporters_at_work(world, 2, first=0)
    small = count(client, url)
    _peer_supporters_at_work(world, 12, first=2)
    assert count(client, url) == small
