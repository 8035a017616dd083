"""Placement: positions, readiness, matching events, employment and their reports."""

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from peerstod.accounts.models import Membership
from peerstod.accounts.scope import scope_for
from peerstod.placement import readiness, reports, services
from peerstod.placement.models import Employment, Ranking
from peerstod.recruitment.models import Step
from tests.conftest import strong_login
from tests.placement_people import certified_application, certified_person, uncertified_person
from tests.placement_world import make_ready, new_position


def coordinator_scope(world):
    return scope_for(world.users["coordinator"])


def test_readiness_lists_what_is_missing_and_turns_ready(world):
    unit = world.unit_a1
    check = readiness.check(unit, date.today())
    assert not check.ready
    assert [i.key for i in check.items if not i.done] == [
        "staff_trained",
        "manager_briefed",
        "role_agreed",
        "supervision",
        "two_peers",
        "introduction",
    ]
    make_ready(world, unit, staff=10, trained=8)
    new_position(world, unit, seats=2)
    assert readiness.check(unit, date.today()).ready


def test_seven_of_ten_trained_is_not_enough(world):
    make_ready(world, world.unit_a1, staff=10, trained=7)
    new_position(world, world.unit_a1, seats=2)
    check = readiness.check(world.unit_a1, date.today())
    assert [i.key for i in check.items if not i.done] == ["staff_trained"]


def test_a_placement_on_a_unit_not_ready_needs_a_reason(world):
    person = certified_person(world)
    with pytest.raises(ValidationError) as raised:
        services.employment_create(
            scope=coordinator_scope(world),
            actor=None,
            person=person,
            unit=world.unit_a2,
            fte_percent=50,
            starts_on=date.today(),
        )
    assert "readiness_override" in raised.value.error_dict
    assert not Employment.objects.exists()
    employment = services.employment_create(
        scope=coordinator_scope(world),
        actor=None,
        person=person,
        unit=world.unit_a2,
        fte_percent=50,
        starts_on=date.today(),
        readiness_override="Akut behov på enheten.",
    )
    assert employment.readiness_override == "Akut behov på enheten."


def test_employment_marks_the_application_and_grants_the_peer_role(world):
    person = certified_person(world, user=world.users["trainer"])  # any login will do
    application = certified_application(world, person)
    make_ready(world, world.unit_a1)
    new_position(world, world.unit_a1)
    services.employment_create(
        scope=coordinator_scope(world),
        actor=None,
        person=person,
        unit=world.unit_a1,
        fte_percent=50,
        starts_on=date.today(),
    )
    application.refresh_from_db()
    assert application.step == Step.EMPLOYED
    assert Membership.objects.filter(
        user=person.user, role="peer_supporter", unit=world.unit_a1
    ).exists()
    assert world.unit_a1.pk in scope_for(person.user, day=date.today()).unit_ids()


@pytest.mark.parametrize(
    ("first", "second", "ok"),
    [
        ((50, None), (50, None), True),
        ((75, None), (50, None), False),
        ((75, date(2026, 12, 31)), (50, None), False),
    ],
)
def test_more_than_100_percent_in_total_is_refused(world, first, second, ok):
    person = certified_person(world)
    scope = coordinator_scope(world)
    start = date(2026, 6, 1)
    services.employment_create(
        scope=scope,
        actor=None,
        person=person,
        unit=world.unit_a1,
        fte_percent=first[0],
        starts_on=start,
        ends_on=first[1],
        readiness_override="test",
    )
    call = lambda: services.employment_create(  # noqa: E731
        scope=scope,
        actor=None,
        person=person,
        unit=world.unit_a2,
        fte_percent=second[0],
        starts_on=start + timedelta(days=10),
        ends_on=second[1],
        readiness_override="test",
    )
    if ok:
        call()
    else:
        with pytest.raises(ValidationError) as raised:
            call()
        assert "100" in str(raised.value)
    assert Employment.objects.count() == (2 if ok else 1)


def test_an_end_before_the_start_and_an_uncertified_person_are_refused(world):
    person = certified_person(world)
    with pytest.raises(ValidationError):
        services.employment_create(
            scope=coordinator_scope(world),
            actor=None,
            person=person,
            unit=world.unit_a1,
            fte_percent=50,
            starts_on=date(2026, 6, 1),
            ends_on=date(2026, 5, 1),
            readiness_override="x",
        )
    with pytest.raises(ValidationError):
        services.employment_create(
            scope=coordinator_scope(world),
            actor=None,
            person=uncertified_person(world),
            unit=world.unit_a1,
            fte_percent=50,
            starts_on=date.today(),
            readiness_override="x",
        )
    assert not Employment.objects.exists()


def test_another_regions_coordinator_cannot_place_on_our_units(world):
    person = certified_person(world)
    with pytest.raises(PermissionDenied):
        services.employment_create(
            scope=scope_for(world.users["outsider"]),
            actor=None,
            person=person,
            unit=world.unit_a1,
            fte_percent=50,
            starts_on=date.today(),
            readiness_override="x",
        )


def test_a_service_degree_change_keeps_the_history(world):
    person = certified_person(world)
    scope = coordinator_scope(world)
    first = services.employment_create(
        scope=scope,
        actor=None,
        person=person,
        unit=world.unit_a1,
        fte_percent=50,
        starts_on=date(2026, 1, 1),
        readiness_override="x",
    )
    second = services.employment_change_fte(
        scope=scope, actor=None, employment=first, fte_percent=75, effective_on=date(2026, 7, 1)
    )
    first.refresh_from_db()
    assert first.ends_on == date(2026, 6, 30) and second.fte_percent == 75
    spells = reports._spells(list(Employment.objects.all()))
    assert spells == [(date(2026, 1, 1), None)]


# Matching events ----------------------------------------------------------------------


def event_with(world, n_people=2):
    person = certified_person(world)
    make_ready(world, world.unit_a1)
    make_ready(world, world.unit_a2)
    q1 = new_position(world, world.unit_a1, seats=1)
    q2 = new_position(world, world.unit_a2, seats=1)
    people = [person]
    scope = coordinator_scope(world)
    event = services.event_create(
        scope=scope,
        actor=None,
        organisation=world.region_a,
        title="Mingel",
        held_on=date.today(),
        peers=people,
        positions=[q1, q2],
    )
    return event, people[0], q1, q2


def test_rankings_solve_and_confirm_into_employments(world):
    event, person, q1, q2 = event_with(world)
    scope = coordinator_scope(world)
    services.rankings_save(
        scope=scope,
        actor=None,
        event=event,
        side=Ranking.Side.PEER,
        ranks={(person.pk, q1.pk): 2, (person.pk, q2.pk): 1},
    )
    services.rankings_save(
        scope=scope,
        actor=None,
        event=event,
        side=Ranking.Side.UNIT,
        ranks={(person.pk, q1.pk): 1, (person.pk, q2.pk): 1},
    )
    result, _, _ = services.event_solve(event)
    assert result.matches == [(person.pk, q2.pk)]
    employments = services.event_confirm(
        scope=scope, actor=None, event=event, starts_on=date.today()
    )
    assert [(e.person, e.unit) for e in employments] == [(person, world.unit_a2)]
    with pytest.raises(ValidationError):
        services.event_confirm(scope=scope, actor=None, event=event, starts_on=date.today())


def test_an_override_needs_a_reason(world):
    event, person, q1, _q2 = event_with(world)
    with pytest.raises(ValidationError):
        services.event_confirm(
            scope=coordinator_scope(world),
            actor=None,
            event=event,
            starts_on=date.today(),
            overrides={person.pk: (q1.pk, "")},
        )
    assert not Employment.objects.exists()


@pytest.mark.parametrize("bad", ["unknown", "duplicate", "zero"])
def test_bad_rankings_are_refused_and_nothing_saved(world, bad):
    event, person, q1, q2 = event_with(world)
    ranks = {(person.pk, q1.pk): 1, (person.pk, q2.pk): 2}
    if bad == "unknown":
        ranks[(person.pk, 999_999)] = 3
    elif bad == "duplicate":
        ranks[(person.pk, q2.pk)] = 1
    else:
        ranks[(person.pk, q2.pk)] = 0
    with pytest.raises(ValidationError):
        services.rankings_save(
            scope=coordinator_scope(world),
            actor=None,
            event=event,
            side=Ranking.Side.PEER,
            ranks=ranks,
        )
    assert not Ranking.objects.exists()


def test_a_ranking_for_another_regions_event_is_refused(world):
    event, person, q1, _ = event_with(world)
    with pytest.raises(PermissionDenied):
        services.rankings_save(
            scope=scope_for(world.users["outsider"]),
            actor=None,
            event=event,
            side=Ranking.Side.PEER,
            ranks={(person.pk, q1.pk): 1},
        )


def test_the_event_page_ranks_and_proposes_only_when_asked(client, world, login, monkeypatch):
    event, person, q1, q2 = event_with(world)
    login(world.users["coordinator"])
    url = reverse("placement:event", args=[event.code])
    client.post(url, {"action": "peer-rankings", f"peer-{person.code}-{q1.code}": "1"})
    client.post(url, {"action": "unit-rankings", f"unit-{q1.code}-{person.code}": "1"})
    solved = []
    solve = services.event_solve
    monkeypatch.setattr(services, "event_solve", lambda event: solved.append(1) or solve(event))
    page = client.get(url).content.decode()
    assert solved == [] and "Beräkna förslag" in page
    assert f"<strong>{person.full_name}</strong> →" not in page
    page = client.get(url, {"forslag": "1"}).content.decode()
    assert solved == [1]
    assert f"<strong>{person.full_name}</strong> → {q1.unit.name}" in page
    bad = client.post(
        url, {"action": "peer-rankings", f"peer-{person.code}-{q1.code}": "först"}, follow=True
    )
    assert "Rangordningen anges med heltal från 1" in bad.content.decode()


def test_a_post_to_the_event_page_without_a_known_action_is_refused(client, world, login):
    event, person, q1, _q2 = event_with(world)
    login(world.users["coordinator"])
    url = reverse("placement:event", args=[event.code])
    response = client.post(url, {"side": "peer", f"peer-{person.code}-{q1.code}": "1"})
    assert response.status_code == 400
    assert not event.rankings.exists()


# Reports ----------------------------------------------------------------------------------


def test_supply_and_demand_counts_people_at_every_degree_they_accept(world):
    class P:
        def __init__(self, low, high):
            self.fte_min, self.fte_max = low, high

    class Q:
        def __init__(self, fte, seats=1):
            self.fte_percent, self.seats = fte, seats

    rows = reports.supply_and_demand(
        [P(50, 75), P(100, 100), P(25, 100)], [Q(50), Q(50, 2), Q(100)]
    )
    assert [(r.fte, r.supply, r.demand) for r in rows] == [
        (25, 1, 0),
        (50, 2, 3),
        (75, 2, 0),
        (100, 2, 1),
    ]


@pytest.mark.django_db
def test_the_demo_shows_journey_seven(client, settings):
    settings.DEBUG = True
    call_command("demo", stdout=io.StringIO())
    from peerstod.accounts.models import User

    strong_login(client, User.objects.get(email="coordinator.jonkoping@example.org"))
    response = client.get(reverse("placement:supply"))
    rows = {r.fte: (r.supply, r.demand) for r in response.context["rows"]}
    assert len(response.context["people"]) == 12
    assert rows[50] == (9, 5) and rows[100] == (3, 0)
    assert "<svg" in response.content.decode()


def test_retention_is_suppressed_for_small_groups(world):
    person = certified_person(world)
    services.employment_create(
        scope=coordinator_scope(world),
        actor=None,
        person=person,
        unit=world.unit_a1,
        fte_percent=50,
        starts_on=date(2024, 1, 1),
        readiness_override="x",
    )
    rows = reports.retention(list(Employment.objects.all()), date(2026, 6, 1))
    assert all(row.started.suppressed and row.share is None for row in rows)


def test_meetings_are_recorded_and_strangers_refused(client, world, login):
    event, person, q1, q2 = event_with(world)
    login(world.users["coordinator"])
    url = reverse("placement:event", args=[event.code])
    client.post(url, {"action": "meetings", f"met-{person.code}-{q1.code}": "yes"})
    assert set(event.meetings.values_list("person_id", "position_id")) == {(person.pk, q1.pk)}
    client.post(url, {"action": "meetings", f"met-{person.code}-{q2.code}": "yes"})
    assert set(event.meetings.values_list("person_id", "position_id")) == {(person.pk, q2.pk)}
    with pytest.raises(ValidationError):
        services.meetings_save(
            scope=coordinator_scope(world), actor=None, event=event, met={(person.pk, 999_999)}
        )
    assert event.meetings.count() == 1
