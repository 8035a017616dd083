"""Every change in supervision, check-ins, the peer network and self-assessment."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from peerstod.accounts.roles import Role
from peerstod.accounts.scope import Scope
from peerstod.core import audit
from peerstod.orgs.models import Organisation, Unit
from peerstod.people.models import Person
from peerstod.supervision.models import (
    Action,
    Assignment,
    Attendee,
    CheckIn,
    DriftShare,
    MeetingKind,
    NetworkMeeting,
    Request,
    SelfAssessment,
    Session,
    SessionKind,
    SessionStatus,
)
from peerstod.supervision.questions import QUESTIONS


def supervisees(supervisor, day: date):
    return (
        Person.objects.filter(supervisors__supervisor=supervisor, supervisors__valid_from__lte=day)
        .filter(Q(supervisors__valid_to__isnull=True) | Q(supervisors__valid_to__gte=day))
        .distinct()
    )


def assign(*, scope: Scope, actor, supervisor, person: Person, valid_from: date) -> Assignment:
    if person.network_id not in scope.coordinated_network_ids() and not scope.is_platform_admin:
        raise PermissionDenied
    assignment = Assignment(supervisor=supervisor, person=person, valid_from=valid_from)
    assignment.full_clean()
    assignment.save()
    audit.record(
        actor=actor, action="supervision.assigned", obj=person, organisation=person.network
    )
    return assignment


def session_book(
    *,
    actor,
    people: list[Person],
    starts_at: datetime,
    ends_at: datetime,
    kind: str = SessionKind.INDIVIDUAL,
    mode: str = "planned",
) -> Session:
    """The supervisor books a session with one or more of their supervisees."""
    errors: dict[str, Any] = {}
    mine = set(supervisees(actor, timezone.localdate(starts_at)).values_list("id", flat=True))
    if not people:
        errors["participants"] = _("Choose who the session is with.")
    elif any(p.pk not in mine for p in people):
        errors["participants"] = _("You can only book sessions with your own supervisees.")
    if kind == SessionKind.INDIVIDUAL and len(people) > 1:
        errors["kind"] = _("An individual session is with one peer supporter.")
    if ends_at <= starts_at:
        errors["ends_at"] = _("It must end after it starts.")
    elif (
        Session.objects.filter(supervisor=actor, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .exclude(status=SessionStatus.CANCELLED)
        .exists()
    ):
        errors["starts_at"] = _("You already have a session at that time.")
    if errors:
        raise ValidationError(errors)
    session = Session(supervisor=actor, starts_at=starts_at, ends_at=ends_at, kind=kind, mode=mode)
    session.full_clean()
    with transaction.atomic():
        session.save()
        session.participants.set(people)
        Request.objects.filter(person__in=people, handled_at__isnull=True).update(
            handled_at=timezone.now()
        )
        audit.record(actor=actor, action="supervision.session.booked", obj=session)
    return session


def session_record(*, actor, session: Session, status: str, notes: str = "") -> Session:
    if session.supervisor_id != actor.pk:
        raise PermissionDenied
    if status not in SessionStatus.values:
        raise ValidationError(_("Unknown status."))
    if status == SessionStatus.HELD and session.starts_at > timezone.now():
        raise ValidationError(_("A session cannot be recorded as held before it starts."))
    session.status = status
    session.notes = notes
    session.full_clean()
    with transaction.atomic():
        session.save()
        audit.record(actor=actor, action=f"supervision.session.{status}", obj=session)
    return session


def request_session(*, actor, message: str = "") -> Request:
    person = getattr(actor, "person", None)
    if person is None:
        raise PermissionDenied
    request = Request(person=person, message=message)
    request.full_clean()
    request.save()
    return request


def self_assess(*, actor, person: Person, month: date, answers: dict[str, int]) -> SelfAssessment:
    if person.user_id != actor.pk:
        raise PermissionDenied  # nobody answers for someone else
    keys = [key for key, _text in QUESTIONS]
    if set(answers) != set(keys) or any(
        not isinstance(v, int) or isinstance(v, bool) or not 1 <= v <= 5 for v in answers.values()
    ):
        raise ValidationError(_("Answer every statement with 1 to 5."))
    score = Decimal(sum(answers.values())) / len(answers)
    assessment, _created = SelfAssessment.objects.update_or_create(
        person=person,
        month=month.replace(day=1),
        defaults={"answers": answers, "score": score.quantize(Decimal("0.01"))},
    )
    return assessment


def drift_share_set(*, actor, person: Person, shared: bool) -> None:
    if person.user_id != actor.pk:
        raise PermissionDenied
    DriftShare.objects.update_or_create(person=person, defaults={"shared": shared})
    audit.record(
        actor=actor,
        action="supervision.drift.shared" if shared else "supervision.drift.unshared",
        obj=person,
    )


def check_in_record(
    *,
    scope: Scope,
    actor,
    person: Person,
    unit: Unit,
    held_on: date,
    attendees: list[str],
    actions: list[tuple[str, date]],
) -> CheckIn:
    if unit.pk not in scope.unit_ids(Role.UNIT_MANAGER, Role.PROGRAMME_COORDINATOR):
        raise PermissionDenied
    errors: dict[str, Any] = {}
    if not attendees or any(a not in Attendee.values for a in attendees):
        errors["attendees"] = _("Choose who took part.")
    if not person.employments.filter(unit=unit).exists():
        errors["person"] = _("The peer supporter does not work on this unit.")
    if errors:
        raise ValidationError(errors)
    check_in = CheckIn(person=person, unit=unit, held_on=held_on, attendees=attendees)
    rows = [Action(text=text, due_on=due) for text, due in actions if text.strip()]
    for row in rows:
        row.full_clean(exclude=["check_in"])
    with transaction.atomic():
        check_in.save()
        for row in rows:
            row.check_in = check_in
            row.save()
        audit.record(
            actor=actor,
            action="supervision.check_in.recorded",
            obj=check_in,
            organisation=unit.organisation,
        )
    return check_in


def action_done(*, scope: Scope, actor, action: Action, on: date) -> None:
    if action.check_in.unit_id not in scope.unit_ids(Role.UNIT_MANAGER, Role.PROGRAMME_COORDINATOR):
        raise PermissionDenied
    action.done_on = on
    action.save(update_fields=["done_on"])


def meeting_create(
    *,
    scope: Scope,
    actor,
    network: Organisation,
    kind: str,
    title: str,
    starts_at: datetime,
    place: str,
    invited: list[Person],
) -> NetworkMeeting:
    if network.pk not in scope.coordinated_network_ids() and not scope.is_platform_admin:
        raise PermissionDenied
    if any(p.network_id != network.pk for p in invited):
        raise ValidationError({"invited": _("Invite peer supporters of this network.")})
    meeting = NetworkMeeting(
        network=network,
        kind=kind or MeetingKind.NETWORK,
        title=title,
        starts_at=starts_at,
        place=place,
    )
    meeting.full_clean()
    with transaction.atomic():
        meeting.save()
        meeting.invited.set(invited)
    return meeting


def meeting_attendance(
    *, scope: Scope, actor, meeting: NetworkMeeting, attended: list[Person]
) -> None:
    if meeting.network_id not in scope.coordinated_network_ids() and not scope.is_platform_admin:
        raise PermissionDenied
    invited = set(meeting.invited.values_list("id", flat=True))
    if any(p.pk not in invited for p in attended):
        raise ValidationError(_("Only invited peer supporters can be marked as present."))
    meeting.attended.set(attended)
