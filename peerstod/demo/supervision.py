"""Demo supervision (journey 4): Marianne's last supervision was five weeks ago and she
has logged three hours outside the peer role this month, so her signal is amber with
both reasons. A second peer supporter works on unit 21, so she is not alone.

Everything is made through supervision's and placement's services, as the demo's
network coordinator, supervisor, programme coordinator, manager and Marianne herself
would make it. Only the colleague and her certificate are written directly: a person
and a certification come out of a recruitment, and people has no service of its own."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from peerstod.accounts.models import User
from peerstod.accounts.scope import scope_for
from peerstod.orgs.models import Organisation, Unit
from peerstod.people import services as people_services
from peerstod.people.models import Person
from peerstod.placement import services as placement_services
from peerstod.supervision import services
from peerstod.supervision.models import Assignment, MeetingKind, SessionStatus
from peerstod.supervision.questions import QUESTIONS


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def load(*, network: Organisation, unit: Unit, today: date) -> None:
    marianne = Person.objects.get(user__email="peer@example.org")
    if Assignment.objects.filter(person=marianne).exists():
        return
    supervisor = User.objects.get(email="supervisor@example.org")
    coordinator = User.objects.get(email="network@example.org")
    manager = User.objects.get(email="manager@example.org")
    network_scope = scope_for(coordinator, today)
    services.assign(
        scope=network_scope,
        actor=coordinator,
        supervisor=supervisor,
        person=marianne,
        valid_from=date(2025, 6, 1),
    )
    colleague = _colleague(network=network, unit=unit)
    services.assign(
        scope=network_scope,
        actor=coordinator,
        supervisor=supervisor,
        person=colleague,
        valid_from=date(2025, 9, 1),
    )
    last = today - timedelta(weeks=5)
    for weeks_back in (0, 4, 8, 12):
        day = last - timedelta(weeks=weeks_back)
        _held(
            supervisor,
            marianne,
            day,
            9,
            notes="Vi pratade om gränser mot vårdarbetet och om forumet.",
        )
    _held(supervisor, colleague, today - timedelta(days=6), 13)
    month = today.replace(day=1)
    for back, value in ((3, 4), (2, 4), (1, 4)):
        services.self_assess(
            actor=marianne.user,
            person=marianne,
            month=(month - timedelta(days=28 * back)).replace(day=1),
            answers={key: value for key, _text in QUESTIONS},
        )
    services.check_in_record(
        scope=scope_for(manager, today),
        actor=manager,
        person=marianne,
        unit=unit,
        held_on=today - timedelta(days=16),
        attendees=["manager", "developer"],
        actions=[
            ("Presentera forumet på arbetsplatsträffen", today + timedelta(days=10)),
            ("Boka rum för öppna timmen i arbetsterapin", today - timedelta(days=2)),
        ],
    )
    services.meeting_create(
        scope=network_scope,
        actor=coordinator,
        network=network,
        kind=MeetingKind.NETWORK,
        title="Peer-nätverksträff Halland",
        starts_at=_at(today + timedelta(days=10), 13),
        place="Halmstad",
        invited=[marianne, colleague],
    )


def _colleague(*, network: Organisation, unit: Unit) -> Person:
    """Ola, certified before Peerstöd and employed on unit 21 by the programme
    coordinator (placement's service: the same checks as any employment)."""
    colleague = people_services.earlier_certified_register(
        actor=User.objects.get(email="network@example.org"),
        network=network,
        full_name="Ola Kollega",
        email="ola.kollega@example.org",
        fte_min=50,
        fte_max=50,
        certified_on=date(2024, 12, 1),
    )
    employer = User.objects.get(email="coordinator@example.org")
    placement_services.employment_create(
        scope=scope_for(employer),
        actor=employer,
        person=colleague,
        unit=unit,
        fte_percent=50,
        starts_on=date(2025, 9, 1),
        readiness_override="Före Peerstöd.",
    )
    return colleague


def _held(supervisor: User, person: Person, day: date, hour: int, notes: str = "") -> None:
    """A session booked by the supervisor and afterwards recorded as held."""
    session = services.session_book(
        actor=supervisor, people=[person], starts_at=_at(day, hour), ends_at=_at(day, hour + 1)
    )
    services.session_record(
        actor=supervisor, session=session, status=SessionStatus.HELD, notes=notes
    )
