"""Demo supervision (journey 4): Marianne's last supervision was five weeks ago and she
has logged three hours outside the peer role this month, so her signal is amber with
both reasons. A second peer supporter works on unit 21, so she is not alone."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from peerstod.accounts.models import User
from peerstod.orgs.models import Organisation, Unit
from peerstod.people.models import Certification, CertificationKind, Person
from peerstod.placement.models import Employment
from peerstod.supervision.models import (
    Action,
    Assignment,
    CheckIn,
    MeetingKind,
    NetworkMeeting,
    SelfAssessment,
    Session,
    SessionStatus,
)
from peerstod.supervision.questions import QUESTIONS


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def load(*, network: Organisation, unit: Unit, today: date) -> None:
    marianne = Person.objects.get(user__email="peer@example.org")
    supervisor = User.objects.get(email="supervisor@example.org")
    if Assignment.objects.filter(person=marianne).exists():
        return
    Assignment.objects.create(supervisor=supervisor, person=marianne, valid_from=date(2025, 6, 1))
    colleague = Person.objects.create(
        network=network,
        full_name="Ola Kollega",
        email="ola.kollega@example.org",
        fte_min=50,
        fte_max=50,
    )
    Certification.objects.create(
        person=colleague, kind=CertificationKind.BASIC, certified_on=date(2024, 12, 1)
    )
    Employment.objects.create(
        person=colleague,
        unit=unit,
        fte_percent=50,
        starts_on=date(2025, 9, 1),
        readiness_override="Före Peerstöd.",
    )
    Assignment.objects.create(supervisor=supervisor, person=colleague, valid_from=date(2025, 9, 1))
    last = today - timedelta(weeks=5)
    for weeks_back in (0, 4, 8, 12):
        day = last - timedelta(weeks=weeks_back)
        session = Session.objects.create(
            supervisor=supervisor,
            starts_at=_at(day, 9),
            ends_at=_at(day, 10),
            status=SessionStatus.HELD,
            notes="Vi pratade om gränser mot vårdarbetet och om forumet.",
        )
        session.participants.set([marianne])
    recent = Session.objects.create(
        supervisor=supervisor,
        starts_at=_at(today - timedelta(days=6), 13),
        ends_at=_at(today - timedelta(days=6), 14),
        status=SessionStatus.HELD,
    )
    recent.participants.set([colleague])
    month = today.replace(day=1)
    for back, value in ((3, 4), (2, 4), (1, 4)):
        m = (month - timedelta(days=28 * back)).replace(day=1)
        answers = {key: value for key, _text in QUESTIONS}
        SelfAssessment.objects.create(
            person=marianne, month=m, answers=answers, score=Decimal(value)
        )
    check_in = CheckIn.objects.create(
        person=marianne,
        unit=unit,
        held_on=today - timedelta(days=16),
        attendees=["manager", "developer"],
    )
    Action.objects.create(
        check_in=check_in,
        text="Presentera forumet på arbetsplatsträffen",
        due_on=today + timedelta(days=10),
    )
    Action.objects.create(
        check_in=check_in,
        text="Boka rum för öppna timmen i arbetsterapin",
        due_on=today - timedelta(days=2),
    )
    meeting = NetworkMeeting.objects.create(
        network=network,
        kind=MeetingKind.NETWORK,
        title="Peer-nätverksträff Halland",
        starts_at=_at(today + timedelta(days=10), 13),
        place="Halmstad",
    )
    meeting.invited.set([marianne, colleague])
