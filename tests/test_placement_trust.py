"""Placement, issue 13: access ends with the employment, limits hold under concurrent
writes, every change is a whole use case with its audit row, reads of people are
audited once per page, and bad input is refused in Swedish with nothing saved."""

import contextlib
import sqlite3
import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.urls import reverse
from django.utils import translation

from peerstod.accounts.models import Membership
from peerstod.accounts.scope import scope_for
from peerstod.core.models import AuditEvent
from peerstod.placement import services
from peerstod.placement.models import (
    Employment,
    MatchingEvent,
    Position,
    Ranking,
    SickLeave,
    StaffTraining,
)
from tests.factories import NetworkFactory, UserFactory
from tests.placement_people import certified_person, coordinator_scope, employ
from tests.placement_world import make_ready, new_position

START = date(2026, 9, 1)
TERM_END = date(2027, 6, 30)
ENDED_EARLY = date(2027, 1, 31)


def peer_with_login(world, name="Lina Lund", email="lina@test.se", **kwargs):
    return certified_person(world, name, email, user=UserFactory(email=f"login.{email}"), **kwargs)


def has_access(person, unit, day) -> bool:
    return unit.pk in scope_for(person.user, day=day).unit_ids("peer_supporter")


def end(world, employment, day, reason="own_choice"):
    coordinator = world.users["coordinator"]
    return services.employment_end(
        scope=scope_for(coordinator),
        actor=coordinator,
        employment=employment,
        ends_on=day,
        reason=reason,
    )


def actions_logged(prefix="") -> list[str]:
    return list(
        AuditEvent.objects.filter(action__startswith=prefix)
        .order_by("pk")
        .values_list("action", flat=True)
    )


# Access that outlives the job -----------------------------------------------------------


def test_a_fixed_term_employment_ended_early_ends_the_access_the_day_after(world):
    person = peer_with_login(world)
    employment = employ(world, person, starts_on=START, ends_on=TERM_END)
    assert has_access(person, world.unit_a1, date(2027, 3, 1))

    end(world, employment, ENDED_EARLY)

    assert has_access(person, world.unit_a1, ENDED_EARLY)
    assert not has_access(person, world.unit_a1, date(2027, 2, 1))
    assert not has_access(person, world.unit_a1, date(2027, 6, 30))


def test_an_open_ended_employment_ended_ends_the_access(world):
    person = peer_with_login(world)
    employment = employ(world, person, starts_on=START)
    end(world, employment, ENDED_EARLY)
    assert has_access(person, world.unit_a1, ENDED_EARLY)
    assert not has_access(person, world.unit_a1, date(2030, 1, 1))


def test_granting_and_ending_the_access_each_leave_an_audit_row(world):
    person = peer_with_login(world)
    employment = employ(world, person, starts_on=START, ends_on=TERM_END)
    assert actions_logged("accounts.membership") == ["accounts.membership.granted"]
    end(world, employment, ENDED_EARLY)
    assert actions_logged("accounts.membership") == [
        "accounts.membership.granted",
        "accounts.membership.ended",
    ]
    ended = AuditEvent.objects.get(action="accounts.membership.ended")
    assert ended.detail["last_day"] == "2027-01-31"
    assert AuditEvent.objects.filter(
        action="placement.employment.ended", object_ref=employment.code
    ).exists()


def test_an_ending_before_the_start_is_refused_in_swedish_and_changes_nothing(world):
    person = peer_with_login(world)
    employment = employ(world, person, starts_on=START, ends_on=TERM_END)
    audit_rows = AuditEvent.objects.count()
    with translation.override("sv"), pytest.raises(ValidationError) as refused:
        end(world, employment, date(2026, 8, 31))
    assert refused.value.message_dict["ends_on"] == [
        "Anställningen kan inte sluta innan den börjar."
    ]
    employment.refresh_from_db()
    assert (employment.ends_on, employment.end_reason) == (TERM_END, "")
    assert list(Membership.objects.filter(user=person.user).values_list("valid_to", flat=True)) == [
        TERM_END
    ]
    assert AuditEvent.objects.count() == audit_rows


def test_an_ending_later_than_the_agreed_end_is_refused_and_changes_nothing(world):
    person = peer_with_login(world)
    employment = employ(world, person, starts_on=START, ends_on=TERM_END)
    with translation.override("sv"), pytest.raises(ValidationError) as refused:
        end(world, employment, date(2027, 12, 31))
    assert "2027-06-30" in refused.value.message_dict["ends_on"][0]
    employment.refresh_from_db()
    assert employment.ends_on == TERM_END


def test_the_end_page_refuses_an_ending_before_the_start_in_swedish(client, world, login):
    person = peer_with_login(world)
    employment = employ(world, person, starts_on=START, ends_on=TERM_END)
    login(world.users["coordinator"])
    response = client.post(
        reverse("placement:employment", args=[employment.code]),
        {"action": "end", "ends_on": "2026-08-01", "end_reason": "own_choice"},
    )
    assert response.status_code == 200
    assert "Anställningen kan inte sluta innan den börjar." in response.content.decode()
    employment.refresh_from_db()
    assert employment.ends_on == TERM_END


def test_access_runs_on_while_another_employment_on_the_unit_continues(world):
    person = peer_with_login(world)
    first = employ(world, person, fte=50, starts_on=START, ends_on=TERM_END)
    employ(world, person, fte=25, starts_on=date(2026, 10, 1))  # open-ended, same unit
    end(world, first, ENDED_EARLY)
    assert has_access(person, world.unit_a1, date(2027, 2, 1))
    assert has_access(person, world.unit_a1, date(2028, 1, 1))


def test_access_ends_with_the_longer_of_two_employments_on_the_unit(world):
    person = peer_with_login(world)
    first = employ(world, person, fte=50, starts_on=START, ends_on=TERM_END)
    employ(world, person, fte=25, starts_on=date(2026, 10, 1), ends_on=date(2027, 3, 31))
    end(world, first, ENDED_EARLY)
    assert has_access(person, world.unit_a1, date(2027, 3, 31))
    assert not has_access(person, world.unit_a1, date(2027, 4, 1))


def test_a_later_employment_after_a_gap_keeps_its_own_access(world):
    person = peer_with_login(world)
    first = employ(world, person, starts_on=START, ends_on=TERM_END)
    employ(world, person, starts_on=date(2027, 9, 1), ends_on=date(2027, 12, 31))
    end(world, first, ENDED_EARLY)
    assert not has_access(person, world.unit_a1, date(2027, 2, 1))
    assert not has_access(person, world.unit_a1, date(2027, 8, 31))
    assert has_access(person, world.unit_a1, date(2027, 10, 1))
    assert not has_access(person, world.unit_a1, date(2028, 1, 1))


def test_a_service_degree_change_keeps_the_access_and_ending_it_ends_the_access(world):
    person = peer_with_login(world)
    first = employ(world, person, fte=50, starts_on=START, ends_on=TERM_END)
    coordinator = world.users["coordinator"]
    following = services.employment_change_fte(
        scope=scope_for(coordinator),
        actor=coordinator,
        employment=first,
        fte_percent=75,
        effective_on=date(2027, 1, 1),
    )
    assert Membership.objects.filter(user=person.user).count() == 1
    assert has_access(person, world.unit_a1, date(2027, 5, 1))
    end(world, following, date(2027, 3, 31))
    assert has_access(person, world.unit_a1, date(2027, 3, 31))
    assert not has_access(person, world.unit_a1, date(2027, 4, 1))


def test_a_service_degree_change_after_the_end_or_outside_25_to_100_is_refused(world):
    person = certified_person(world)
    first = employ(world, person, fte=50, starts_on=START, ends_on=TERM_END)
    scope = coordinator_scope(world)
    for fte, day in [(75, date(2027, 7, 1)), (0, date(2027, 1, 1)), (150, date(2027, 1, 1))]:
        with pytest.raises(ValidationError):
            services.employment_change_fte(
                scope=scope, actor=None, employment=first, fte_percent=fte, effective_on=day
            )
    first.refresh_from_db()
    assert first.ends_on == TERM_END and Employment.objects.count() == 1


def test_a_confirmed_matching_grants_the_access_from_the_start_day(world):
    person = peer_with_login(world)
    make_ready(world, world.unit_a1)
    position = new_position(world, world.unit_a1, seats=1)
    scope = coordinator_scope(world)
    event = services.event_create(
        scope=scope,
        actor=None,
        organisation=world.region_a,
        title="Mingel",
        held_on=date(2026, 8, 1),
        peers=[person],
        positions=[position],
    )
    for side in (Ranking.Side.PEER, Ranking.Side.UNIT):
        services.rankings_save(
            scope=scope, actor=None, event=event, side=side, ranks={(person.pk, position.pk): 1}
        )
    services.event_confirm(
        scope=scope, actor=None, event=event, starts_on=START, readiness_override="Testar"
    )
    assert not has_access(person, world.unit_a1, date(2026, 8, 31))
    assert has_access(person, world.unit_a1, START)
    assert actions_logged("accounts.membership") == ["accounts.membership.granted"]


# Limits: seats and 100 % -------------------------------------------------------------------


def test_a_position_whose_seats_are_taken_is_refused_in_swedish(world):
    make_ready(world, world.unit_a1)
    position = new_position(world, world.unit_a1, seats=1)
    employ(world, certified_person(world, "A", "a@test.se"), position=position, starts_on=START)
    with translation.override("sv"), pytest.raises(ValidationError) as refused:
        employ(world, certified_person(world, "B", "b@test.se"), position=position, starts_on=START)
    assert "platser" in refused.value.message_dict["position"][0]
    assert position.employments.count() == 1


def test_a_seat_freed_by_an_ending_can_be_taken_after_that_day(world):
    make_ready(world, world.unit_a1)
    position = new_position(world, world.unit_a1, seats=1)
    first = employ(
        world, certified_person(world, "A", "a@test.se"), position=position, starts_on=START
    )
    end(world, first, ENDED_EARLY)
    second = certified_person(world, "B", "b@test.se")
    employ(world, second, position=position, starts_on=date(2027, 2, 1))
    assert position.employments.count() == 2


@contextlib.contextmanager
def sqlite_as_in_production(tmp_path):
    """On SQLite, run the block against a file copy of the test database, as production
    does: the test database lives in shared-cache memory, where a second writer is
    refused at once ('database table is locked') instead of waiting its turn as it does
    on a file with BEGIN IMMEDIATE and the busy timeout from settings. On PostgreSQL the
    block runs on the test database itself."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    settings_dict = connection.settings_dict
    memory_name, memory = settings_dict["NAME"], connection.connection
    path = str(tmp_path / "placement.sqlite3")
    copy = sqlite3.connect(path)
    memory.backup(copy)
    copy.close()
    settings_dict["NAME"] = path
    connection.connection = None
    try:
        yield
    finally:
        connection.close()
        settings_dict["NAME"] = memory_name
        connection.connection = memory


def run_together(*calls):
    """Run the calls at the same moment, each in its own thread with its own database
    connection; return what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - the test looks at what was raised
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_at_once_cannot_overfill_a_one_seat_position(world, tmp_path):
    make_ready(world, world.unit_a1)
    position = new_position(world, world.unit_a1, seats=1)
    a = certified_person(world, "A", "a@test.se")
    b = certified_person(world, "B", "b@test.se")
    with sqlite_as_in_production(tmp_path):
        results = run_together(
            lambda: employ(world, a, position=position, starts_on=START),
            lambda: employ(world, b, position=position, starts_on=START),
        )
        made = [r for r in results if isinstance(r, Employment)]
        refused = [r for r in results if isinstance(r, ValidationError)]
        assert (len(made), len(refused)) == (1, 1), results
        assert "position" in refused[0].message_dict
        assert Employment.objects.filter(position=position).count() == 1
        assert not Position.objects.get(pk=position.pk).is_open


@pytest.mark.django_db(transaction=True)
def test_two_offers_of_50_at_once_cannot_put_a_person_at_50_over_100(world, tmp_path):
    person = certified_person(world)
    employ(world, person, world.unit_a1, fte=50, starts_on=START)
    with sqlite_as_in_production(tmp_path):
        results = run_together(
            lambda: employ(world, person, world.unit_a2, fte=50, starts_on=START),
            lambda: employ(world, person, world.unit_a2, fte=50, starts_on=START),
        )
        made = [r for r in results if isinstance(r, Employment)]
        refused = [r for r in results if isinstance(r, ValidationError)]
        assert (len(made), len(refused)) == (1, 1), results
        assert "fte_percent" in refused[0].message_dict
        assert Employment.objects.filter(person=person).count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_service_degree_changes_at_once_cannot_put_a_person_over_100(world, tmp_path):
    person = certified_person(world)
    on_a1 = employ(world, person, world.unit_a1, fte=50, starts_on=START)
    on_a2 = employ(world, person, world.unit_a2, fte=25, starts_on=START)
    coordinator = world.users["coordinator"]

    def change(employment, fte):
        return lambda: services.employment_change_fte(
            scope=scope_for(coordinator),
            actor=coordinator,
            employment=employment,
            fte_percent=fte,
            effective_on=date(2027, 1, 1),
        )

    with sqlite_as_in_production(tmp_path):
        results = run_together(change(on_a1, 75), change(on_a2, 50))  # 75+25 or 50+50
        made = [r for r in results if isinstance(r, Employment)]
        refused = [r for r in results if isinstance(r, ValidationError)]
        assert (len(made), len(refused)) == (1, 1), results
        assert Employment.objects.filter(person=person).count() == 3


# Reads of people are audited once per page -----------------------------------------------


def reads_after(client, url) -> list[AuditEvent]:
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = client.get(url)
    assert response.status_code == 200
    return list(AuditEvent.objects.filter(pk__gt=before))


def test_the_employments_page_writes_one_read_row(client, world, login):
    employ(world, certified_person(world), starts_on=START)
    login(world.users["coordinator"])
    rows = reads_after(client, reverse("placement:employments"))
    assert [r.action for r in rows] == ["placement.employments.viewed"]
    assert rows[0].actor == world.users["coordinator"]


def test_the_employment_page_writes_one_read_row_naming_the_employment(client, world, login):
    employment = employ(world, certified_person(world), starts_on=START)
    login(world.users["coordinator"])
    rows = reads_after(client, reverse("placement:employment", args=[employment.code]))
    assert [(r.action, r.object_ref) for r in rows] == [
        ("placement.employment.viewed", employment.code)
    ]


def test_the_matching_event_page_writes_one_read_row_and_is_404_elsewhere(client, world, login):
    person = certified_person(world)
    make_ready(world, world.unit_a1)
    position = new_position(world, world.unit_a1, seats=1)
    event = services.event_create(
        scope=coordinator_scope(world),
        actor=None,
        organisation=world.region_a,
        title="Mingel",
        held_on=START,
        peers=[person],
        positions=[position],
    )
    url = reverse("placement:event", args=[event.code])
    login(world.users["coordinator"])
    rows = reads_after(client, url)
    assert [(r.action, r.object_ref) for r in rows] == [("placement.event.viewed", event.code)]
    login(world.users["outsider"])
    before = AuditEvent.objects.count()
    response = client.get(url)
    assert response.status_code == 404
    assert person.full_name not in response.content.decode()
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    ("name", "action"),
    [
        ("placement:supply", "placement.supply.viewed"),
        ("placement:events", "placement.supply.viewed"),
        ("placement:staff_training", "placement.staff_training.viewed"),
    ],
)
def test_pages_listing_people_write_one_read_row(client, world, login, name, action):
    certified_person(world)
    login(world.users["coordinator"])
    rows = reads_after(client, reverse(name))
    assert [r.action for r in rows] == [action]


@pytest.mark.parametrize("name", ["placement:follow_up", "placement:overview"])
def test_pages_of_figures_only_write_no_read_row(client, world, login, name):
    employ(world, certified_person(world), starts_on=START)
    login(world.users["coordinator"])
    assert reads_after(client, reverse(name)) == []


# Once only ---------------------------------------------------------------------------------


def test_a_position_form_sent_twice_makes_one_position(client, world, login):
    login(world.users["coordinator"])
    data = {
        "unit": world.unit_a1.code,
        "title": "Peer supporter",
        "fte_percent": "50",
        "seats": "1",
        "starts_on": "2026-09-01",
        "once": "key-position-1",
    }
    first = client.post(reverse("placement:position_create"), data)
    second = client.post(reverse("placement:position_create"), data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Position.objects.count() == 1
    assert actions_logged("placement.position") == ["placement.position.created"]


def test_an_employment_form_sent_twice_makes_one_employment(client, world, login):
    person = certified_person(world)
    login(world.users["coordinator"])
    data = {
        "person": person.code,
        "unit": world.unit_a1.code,
        "fte_percent": "50",
        "starts_on": "2027-03-01",  # in the future: the person is still on offer
        "readiness_override": "Akut behov",
        "once": "key-employment-1",
    }
    for _ in range(2):
        assert client.post(reverse("placement:employments"), data).status_code == 302
    assert Employment.objects.count() == 1
    assert actions_logged("placement.employment.created") == ["placement.employment.created"]


def test_a_sick_leave_form_sent_twice_records_one_period(client, world, login):
    employment = employ(world, certified_person(world), starts_on=START)
    login(world.users["coordinator"])
    data = {"action": "sick", "starts_on": "2026-11-02", "once": "key-sick-1"}
    url = reverse("placement:employment", args=[employment.code])
    for _ in range(2):
        assert client.post(url, data).status_code == 302
    assert SickLeave.objects.count() == 1


def test_event_and_staff_training_forms_sent_twice_make_one_each(world):
    person = certified_person(world)
    make_ready(world, world.unit_a1)
    position = new_position(world, world.unit_a1)
    scope = coordinator_scope(world)
    trainings = StaffTraining.objects.count()
    for _ in range(2):
        services.event_create(
            scope=scope,
            actor=None,
            organisation=world.region_a,
            title="Mingel",
            held_on=START,
            peers=[person],
            positions=[position],
            once="key-event-1",
        )
        services.staff_training_record(
            scope=scope,
            actor=None,
            organisation=world.region_a,
            kind="recovery",
            held_on=START,
            title="Återhämtning",
            participants=[(world.unit_a1, "Anna")],
            once="key-training-1",
        )
    assert MatchingEvent.objects.count() == 1
    assert StaffTraining.objects.count() == trainings + 1


def test_a_list_of_twenty_participants_is_not_held_to_the_length_of_a_title(client, world, login):
    """The participants' box takes 20 000 characters; it used to borrow the title's
    validators, and with them the title's cap of 200."""
    names = "\n".join(f"Medarbetare nummer {n}" for n in range(20))
    assert len(names) > 200
    login(world.users["coordinator"])
    response = client.post(
        reverse("placement:staff_training"),
        {
            "organisation": world.region_a.code,
            "unit": world.unit_a1.code,
            "kind": "recovery",
            "held_on": "2026-01-15",
            "title": "Återhämtning",
            "participants": names,
        },
    )
    assert response.status_code == 302
    assert StaffTraining.objects.get(title="Återhämtning").participants.count() == 20


# Bad input -------------------------------------------------------------------------------


def test_a_nul_byte_in_an_employment_form_answers_400_and_saves_nothing(client, world, login):
    person = certified_person(world)
    login(world.users["coordinator"])
    response = client.post(
        reverse("placement:employments"),
        {
            "person": person.code,
            "unit": world.unit_a1.code,
            "fte_percent": "50",
            "starts_on": "2026-09-01",
            "readiness_override": "Akut\x00behov",
        },
    )
    assert response.status_code == 400
    assert not Employment.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("unit", "other-region"),
        ("person", "other-network"),
        ("fte_percent", "0"),
        ("fte_percent", "150"),
        ("fte_percent", "femtio"),
        ("starts_on", "9999-12-31"),
        ("starts_on", "0001-01-01"),
        ("ends_on", "2026-08-01"),
    ],
)
def test_a_bad_employment_form_is_refused_in_swedish_and_saves_nothing(
    client, world, login, field, value
):
    person = certified_person(world)
    stranger = certified_person(
        world, "Sara Annan", "sara@test.se", network=NetworkFactory(name="Annat nätverk")
    )
    login(world.users["coordinator"])
    data = {
        "person": person.code,
        "unit": world.unit_a1.code,
        "fte_percent": "50",
        "starts_on": "2026-09-01",
        "readiness_override": "Akut behov",
    }
    data[field] = {"other-region": world.unit_b1.code, "other-network": stranger.code}.get(
        value, value
    )
    response = client.post(reverse("placement:employments"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    swedish = " ".join(errors[field])
    assert any(word in swedish for word in ("Välj", "giltig", "mellan", "sluta", "datum"))
    assert not Employment.objects.exists()
    assert (
        not Membership.objects.filter(role="peer_supporter", unit=world.unit_a1)
        .exclude(user=world.users["peer"])
        .exists()
    )


def test_the_service_refuses_a_person_from_a_network_without_an_agreement(world):
    stranger = certified_person(
        world, "Sara Annan", "sara@test.se", network=NetworkFactory(name="Annat nätverk")
    )
    with translation.override("sv"), pytest.raises(ValidationError) as refused:
        employ(world, stranger, starts_on=START)
    assert "person" in refused.value.message_dict
    assert not Employment.objects.exists()


def test_another_regions_coordinator_cannot_end_our_employment(client, world, login):
    employment = employ(world, certified_person(world), starts_on=START)
    login(world.users["outsider"])
    response = client.post(
        reverse("placement:employment", args=[employment.code]),
        {"action": "end", "ends_on": "2026-12-31", "end_reason": "own_choice"},
    )
    assert response.status_code == 404
    employment.refresh_from_db()
    assert employment.ends_on is None


def test_a_position_for_another_regions_unit_is_refused_in_swedish(client, world, login):
    login(world.users["coordinator"])
    response = client.post(
        reverse("placement:position_create"),
        {
            "unit": world.unit_b1.code,
            "title": "Peer supporter",
            "fte_percent": "50",
            "seats": "1",
            "starts_on": "2026-09-01",
        },
    )
    assert response.status_code == 200
    assert "giltigt" in " ".join(response.context["form"].errors["unit"])
    assert not Position.objects.exists()


def event_ranked(world):
    person = certified_person(world)
    make_ready(world, world.unit_a1)
    position = new_position(world, world.unit_a1, seats=1)
    scope = coordinator_scope(world)
    event = services.event_create(
        scope=scope,
        actor=None,
        organisation=world.region_a,
        title="Mingel",
        held_on=START,
        peers=[person],
        positions=[position],
    )
    return event, person, position


def test_an_override_to_a_position_not_invited_is_refused_and_nothing_is_confirmed(
    client, world, login
):
    event, person, _position = event_ranked(world)
    foreign = Position.objects.create(unit=world.unit_b1, fte_percent=50, seats=1, starts_on=START)
    login(world.users["coordinator"])
    response = client.post(
        reverse("placement:event", args=[event.code]),
        {
            "action": "confirm",
            "starts_on": "2026-09-01",
            f"override-{person.code}": foreign.code,
            f"reason-{person.code}": "Önskemål",
        },
        follow=True,
    )
    assert "En ändring nämner någon eller något som inte är inbjudet." in response.content.decode()
    event.refresh_from_db()
    assert event.confirmed_at is None
    assert not Employment.objects.exists()


def test_an_override_reason_longer_than_300_characters_is_refused(world):
    event, person, position = event_ranked(world)
    with pytest.raises(ValidationError):
        services.event_confirm(
            scope=coordinator_scope(world),
            actor=None,
            event=event,
            starts_on=START,
            overrides={person.pk: (position.pk, "x" * 301)},
            readiness_override="Testar",
        )
    event.refresh_from_db()
    assert event.confirmed_at is None and not Employment.objects.exists()


def test_a_rank_in_other_digits_is_refused_in_swedish_not_a_server_error(client, world, login):
    event, person, position = event_ranked(world)
    login(world.users["coordinator"])
    response = client.post(
        reverse("placement:event", args=[event.code]),
        {"action": "peer-rankings", f"peer-{person.code}-{position.code}": "²"},
        follow=True,
    )
    assert response.status_code == 200
    assert "heltal" in response.content.decode()
    assert not Ranking.objects.exists()


def test_a_confirmation_with_a_start_out_of_range_is_refused_and_nothing_is_made(world):
    event, person, position = event_ranked(world)
    scope = coordinator_scope(world)
    for side in (Ranking.Side.PEER, Ranking.Side.UNIT):
        services.rankings_save(
            scope=scope, actor=None, event=event, side=side, ranks={(person.pk, position.pk): 1}
        )
    with pytest.raises(ValidationError):
        services.event_confirm(scope=scope, actor=None, event=event, starts_on=date(2999, 1, 1))
    event.refresh_from_db()
    assert event.confirmed_at is None and not Employment.objects.exists()


def test_a_confirmation_that_fails_for_one_person_makes_no_employment_at_all(world):
    make_ready(world, world.unit_a1)
    make_ready(world, world.unit_a2)
    q1 = new_position(world, world.unit_a1, seats=1)
    q2 = new_position(world, world.unit_a2, seats=1)
    a = certified_person(world, "Anna A", "a@test.se")
    b = certified_person(world, "Bo B", "b@test.se")
    employ(world, b, world.unit_a2, fte=75, starts_on=date(2026, 1, 1))  # b is at 75 %
    scope = coordinator_scope(world)
    event = services.event_create(
        scope=scope,
        actor=None,
        organisation=world.region_a,
        title="Mingel",
        held_on=START,
        peers=[a, b],
        positions=[q1, q2],
    )
    services.rankings_save(
        scope=scope,
        actor=None,
        event=event,
        side=Ranking.Side.PEER,
        ranks={(a.pk, q1.pk): 1, (b.pk, q2.pk): 1},
    )
    services.rankings_save(
        scope=scope,
        actor=None,
        event=event,
        side=Ranking.Side.UNIT,
        ranks={(a.pk, q1.pk): 1, (b.pk, q2.pk): 1},
    )
    with translation.override("sv"), pytest.raises(ValidationError) as refused:
        services.event_confirm(scope=scope, actor=None, event=event, starts_on=START)
    assert "Bo B" in refused.value.messages[0]
    event.refresh_from_db()
    assert event.confirmed_at is None
    assert Employment.objects.count() == 1  # only b's earlier one
    assert Position.objects.get(pk=q1.pk).is_open


def test_a_sick_leave_outside_the_employment_is_refused(world):
    employment = employ(world, certified_person(world), starts_on=START, ends_on=TERM_END)
    for starts_on in (date(2026, 8, 1), date(2027, 7, 1)):
        with pytest.raises(ValidationError):
            services.sick_leave_record(
                scope=coordinator_scope(world),
                actor=None,
                employment=employment,
                starts_on=starts_on,
            )
    assert not SickLeave.objects.exists()


def test_every_placement_write_is_a_use_case():
    public = [
        getattr(services, name)
        for name in dir(services)
        if not name.startswith("_")
        and callable(getattr(services, name))
        and getattr(getattr(services, name), "__module__", "").startswith(services.__name__)
    ]
    writers = [f for f in public if f.__name__ not in {"event_solve"}]
    assert writers and all(getattr(f, "is_use_case", False) for f in writers), [
        f.__name__ for f in writers if not getattr(f, "is_use_case", False)
    ]


def test_a_fixed_term_employment_can_be_ended_from_its_page_but_a_superseded_part_not(
    client, world, login
):
    person = certified_person(world)
    first = employ(world, person, starts_on=START, ends_on=TERM_END)
    login(world.users["coordinator"])
    page = client.get(reverse("placement:employment", args=[first.code])).content.decode()
    assert 'value="end"' in page
    services.employment_change_fte(
        scope=coordinator_scope(world),
        actor=None,
        employment=first,
        fte_percent=75,
        effective_on=date(2027, 1, 1),
    )
    page = client.get(reverse("placement:employment", args=[first.code])).content.decode()
    assert 'value="end"' not in page
