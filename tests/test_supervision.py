"""Supervision, check-ins, the peer network, self-assessment, drift and reminders."""

import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from peerstod.notifications.models import Notification
from peerstod.notifications.schedule import run_all
from peerstod.people.models import Certification, Person
from peerstod.placement.models import Employment
from peerstod.supervision import drift, services
from peerstod.supervision.models import Assignment, SelfAssessment
from peerstod.supervision.questions import QUESTIONS
from peerstod.work import services as work
from tests.supervision_world import make_supervision
from tests.work_world import make_peer


def at(day, hour=9):
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=hour))


@dataclass
class Employed:
    person: Person
    employment: Employment


def make_employed_peer(world) -> Employed:
    """The peer persona, certified and employed 75 % on unit A1 since 1 January 2026
    (the part of tests.work_world that supervision needs)."""
    person = make_peer(world)
    employment = Employment.objects.create(
        person=person, unit=world.unit_a1, fte_percent=75, starts_on=date(2026, 1, 1)
    )
    return Employed(person, employment)


@pytest.fixture
def setup(world):
    workday = make_employed_peer(world)
    supervision = make_supervision(world, workday)
    return workday, supervision


def test_a_session_only_with_ones_own_supervisees(world, setup):
    workday, _ = setup
    stranger = Person.objects.create(network=world.network, full_name="Annan", email="a@t.se")
    with pytest.raises(ValidationError) as raised:
        services.session_book(
            actor=world.users["supervisor"],
            people=[stranger],
            starts_at=at(date(2026, 5, 4)),
            ends_at=at(date(2026, 5, 4), 10),
        )
    assert "participants" in raised.value.error_dict
    with pytest.raises(ValidationError):
        services.session_book(
            actor=world.users["trainer"],
            people=[workday.person],
            starts_at=at(date(2026, 5, 4)),
            ends_at=at(date(2026, 5, 4), 10),
        )


def test_overlapping_sessions_of_one_supervisor_are_refused(world, setup):
    workday, supervision = setup
    start = supervision.session.starts_at + timedelta(minutes=30)
    with pytest.raises(ValidationError) as raised:
        services.session_book(
            actor=world.users["supervisor"],
            people=[workday.person],
            starts_at=start,
            ends_at=start + timedelta(hours=1),
        )
    assert "starts_at" in raised.value.error_dict


def test_notes_are_guarded_and_private(client, world, login, setup):
    workday, supervision = setup
    session = supervision.session
    with pytest.raises(ValidationError):
        services.session_record(
            actor=world.users["supervisor"],
            session=session,
            status="held",
            notes="Hon heter 19811218-9876",
        )
    services.session_record(
        actor=world.users["supervisor"],
        session=session,
        status="held",
        notes="Vi pratade om gränser.",
    )
    url = reverse("supervision:session", args=[session.code])
    login(world.users["peer"])
    assert "Vi pratade om gränser." in client.get(url).content.decode()
    for persona in ["manager", "coordinator", "network", "trainer"]:
        login(world.users[persona])
        assert client.get(url).status_code in (403, 404)
    login(world.users["manager"])
    page = client.get(reverse("supervision:check_ins")).content.decode()
    assert "2026-03-03" in page  # the employer sees that it happened, and when
    assert "gränser" not in page  # never what was said


def test_the_peer_asks_for_a_session_from_the_phone(client, world, login, setup):
    login(world.users["peer"])
    client.post(reverse("supervision:mine"), {"message": "Behöver prata om en situation"})
    login(world.users["supervisor"])
    assert (
        "Behöver prata om en situation" in client.get(reverse("supervision:home")).content.decode()
    )


def answers(value=4):
    return {key: value for key, _text in QUESTIONS}


def test_self_assessment_only_for_oneself_and_within_the_scale(world, setup):
    workday, _ = setup
    with pytest.raises(PermissionDenied):
        services.self_assess(
            actor=world.users["manager"],
            person=workday.person,
            month=date(2026, 3, 1),
            answers=answers(),
        )
    bad = answers()
    bad["secure"] = 7
    with pytest.raises(ValidationError):
        services.self_assess(
            actor=world.users["peer"], person=workday.person, month=date(2026, 3, 1), answers=bad
        )
    services.self_assess(
        actor=world.users["peer"],
        person=workday.person,
        month=date(2026, 3, 14),
        answers=answers(3),
    )
    assert SelfAssessment.objects.get().month == date(2026, 3, 1)


def test_journey_four_amber_with_both_reasons_then_supervision_clears_one(world, setup):
    workday, supervision = setup
    today = timezone.localdate()
    colleague = Person.objects.create(network=world.network, full_name="Ola", email="o@t.se")
    Certification.objects.create(person=colleague, kind="basic", certified_on=date(2025, 1, 1))
    Employment.objects.create(
        person=colleague, unit=world.unit_a1, fte_percent=50, starts_on=date(2026, 1, 1)
    )
    supervisor = world.users["supervisor"]
    old = today - timedelta(weeks=5)
    services.session_record(actor=supervisor, session=supervision.session, status="cancelled")
    held = services.session_book(
        actor=supervisor, people=[workday.person], starts_at=at(old), ends_at=at(old, 10)
    )
    services.session_record(actor=supervisor, session=held, status="held")
    for _ in range(9):
        work.entry_log(
            actor=world.users["peer"],
            unit=world.unit_a1,
            day=today,
            category="conversation",
            minutes=300,
        )
    work.entry_log(
        actor=world.users["peer"],
        unit=world.unit_a1,
        day=today,
        category="out_coercion",
        minutes=180,
        note="Satt med vid bältesläggning.",
    )
    signal = drift.signal(workday.person, today)
    assert signal.level == drift.Level.AMBER
    assert [r.key for r in signal.reasons] == ["outside_role", "supervision"]
    assert "5 veckor" in signal.reasons[1].text
    yesterday = today - timedelta(days=1)
    fresh = services.session_book(
        actor=supervisor,
        people=[workday.person],
        starts_at=at(yesterday),
        ends_at=at(yesterday, 10),
    )
    services.session_record(actor=supervisor, session=fresh, status="held")
    assert [r.key for r in drift.signal(workday.person, today).reasons] == ["outside_role"]


def test_the_employer_does_not_see_the_signal_unless_shared(client, world, login, setup):
    workday, _ = setup
    login(world.users["manager"])
    assert "Inget tyder på" not in client.get(reverse("supervision:check_ins")).content.decode()
    services.drift_share_set(actor=world.users["peer"], person=workday.person, shared=True)
    page = client.get(reverse("supervision:check_ins")).content.decode()
    assert "Driftsignaler delade med dig" in page


def test_reminders_are_sent_once_a_day(world, setup):
    workday, _ = setup
    today = date(2026, 6, 10)
    first = run_all(today)
    assert first == {
        "supervision_overdue": 2,  # supervisor and peer supporter
        "self_assessment_due": 1,
        "actions_past_due": 1,
        "forum_minutes_escalated": 0,  # the forum's reminders, asked through the registry
    }
    sent = len(mail.outbox)
    assert all(n == 0 for n in run_all(today).values())
    assert len(mail.outbox) == sent
    assert Notification.objects.filter(user=world.users["peer"]).count() == 2
    out = io.StringIO()
    call_command("remind", stdout=out)
    # The command runs for the real today: the lines, in the apps' order, not their counts.
    assert [line.split(":")[0] for line in out.getvalue().splitlines()] == [
        "supervision_overdue",
        "self_assessment_due",
        "actions_past_due",
        "forum_minutes_escalated",
    ]


def test_a_check_in_for_someone_not_on_the_unit_is_refused(world, setup):
    from peerstod.accounts.scope import scope_for

    stranger = Person.objects.create(network=world.network, full_name="X", email="x@t.se")
    with pytest.raises(ValidationError):
        services.check_in_record(
            scope=scope_for(world.users["manager"]),
            actor=world.users["manager"],
            person=stranger,
            unit=world.unit_a1,
            held_on=date(2026, 3, 1),
            attendees=["manager"],
            actions=[],
        )
    with pytest.raises(PermissionDenied):
        services.check_in_record(
            scope=scope_for(world.users["outsider"]),
            actor=world.users["outsider"],
            person=stranger,
            unit=world.unit_a1,
            held_on=date(2026, 3, 1),
            attendees=["manager"],
            actions=[],
        )


def test_network_meeting_attendance_only_for_the_invited(client, world, login, setup):
    workday, supervision = setup
    stranger = Person.objects.create(network=world.network, full_name="Y", email="y@t.se")
    from peerstod.accounts.scope import scope_for

    with pytest.raises(ValidationError):
        services.meeting_attendance(
            scope=scope_for(world.users["network"]),
            actor=world.users["network"],
            meeting=supervision.meeting,
            attended=[stranger],
        )
    login(world.users["network"])
    client.post(
        reverse("supervision:meeting", args=[supervision.meeting.code]),
        {"attended": [workday.person.code]},
    )
    assert list(supervision.meeting.attended.all()) == [workday.person]
    login(world.users["peer"])
    assert "Nätverksträff" in client.get(reverse("supervision:mine")).content.decode()


def test_assignments_exist_for_the_supervisor(setup, world):
    assert Assignment.objects.filter(supervisor=world.users["supervisor"]).count() == 1
