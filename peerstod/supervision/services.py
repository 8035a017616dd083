"""Every change in supervision, check-ins, the peer network and self-assessment.

Each public function that writes is a use case (core.usecase): one transaction, every
check before the first write, one audit row (supervision/actions.py)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from peerstod.accounts.models import Membership, User
from peerstod.accounts.roles import Role
from peerstod.accounts.scope import Scope
from peerstod.core import audit, idempotency
from peerstod.core.dates import in_range
from peerstod.core.periods import not_ended, valid_on
from peerstod.core.usecase import use_case
from peerstod.orgs.models import Organisation, Unit
from peerstod.people.models import Person
from peerstod.supervision import actions as audit_actions
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

# A session is a conversation, not a booking of the supervisor's whole week.
LONGEST_SESSION = timedelta(hours=12)


def supervisees(supervisor, day: date):
    return Person.objects.filter(
        valid_on(day, "supervisors__valid_from", "supervisors__valid_to"),
        supervisors__supervisor=supervisor,
    ).distinct()


def _already_sent() -> ValidationError:
    return ValidationError(_("This form was already sent once. Reload the page to send a new one."))


def _sent_before(once: str, purpose: str, candidates: QuerySet, by: str = "code") -> Any:
    """None when the form's one-time key is fresh; else what the first POST made (the one
    of `candidates` whose `by` is the result remembered: a repeat changes nothing), or a
    refusal when it cannot be found."""
    fresh, earlier = idempotency.claim(once, purpose=purpose)
    if fresh:
        return None
    first = candidates.filter(**{by: earlier}).first() if earlier else None
    if first is None:
        raise _already_sent()
    return first


def _within_years(value: date | datetime | None) -> bool:
    return value is not None and in_range(value if isinstance(value, date) else value.date())


@use_case
def assign(*, scope: Scope, actor, supervisor, person: Person, valid_from: date) -> Assignment:
    if person.network_id not in scope.coordinated_network_ids() and not scope.is_platform_admin:
        raise PermissionDenied
    errors: dict[str, Any] = {}
    if not _within_years(valid_from):
        errors["valid_from"] = _("The date must be in the years 1990–2100.")
    elif (
        not Membership.objects.active_on(valid_from)
        .filter(user=supervisor, role=Role.SUPERVISOR, organisation_id=person.network_id)
        .exists()
    ):
        errors["supervisor"] = _("Choose a supervisor of the peer supporter's network.")
    elif Assignment.objects.filter(
        not_ended(valid_from), supervisor=supervisor, person=person
    ).exists():
        errors["person"] = _("The supervisor is already assigned to this peer supporter.")
    if errors:
        raise ValidationError(errors)
    assignment = Assignment(supervisor=supervisor, person=person, valid_from=valid_from)
    assignment.full_clean()
    assignment.save()
    audit.record(
        actor=actor, action=audit_actions.ASSIGNED, obj=person, organisation=person.network
    )
    return assignment


@use_case
def session_book(
    *,
    actor,
    people: list[Person],
    starts_at: datetime,
    ends_at: datetime,
    kind: str = SessionKind.INDIVIDUAL,
    mode: str = "planned",
    once: str = "",
) -> Session:
    """The supervisor books a session with one or more of their supervisees."""
    first = _sent_before(once, "supervision.session", Session.objects.filter(supervisor=actor))
    if first is not None:
        return first
    errors: dict[str, Any] = {}
    if not _within_years(starts_at):
        errors["starts_at"] = _("The date must be in the years 1990–2100.")
    if not _within_years(ends_at):
        errors["ends_at"] = _("The date must be in the years 1990–2100.")
    if errors:
        raise ValidationError(errors)
    # One booking at a time per supervisor, so two at the same moment cannot overlap.
    User.objects.select_for_update().filter(pk=actor.pk).first()
    day = timezone.localdate(starts_at)
    mine = set(supervisees(actor, day).values_list("id", flat=True))
    if not people:
        errors["participants"] = _("Choose who the session is with.")
    elif any(p.pk not in mine for p in people):
        assigned = set(
            Assignment.objects.filter(supervisor=actor, person__in=people).values_list(
                "person_id", flat=True
            )
        )
        if all(p.pk in mine or p.pk in assigned for p in people):
            errors["starts_at"] = _(
                "On that day you are not the supervisor of everyone chosen: the session "
                "is outside the period of your assignment."
            )
        else:
            errors["participants"] = _("You can only book sessions with your own supervisees.")
    if kind == SessionKind.INDIVIDUAL and len(people) > 1:
        errors["kind"] = _("An individual session is with one peer supporter.")
    if ends_at <= starts_at:
        errors["ends_at"] = _("It must end after it starts.")
    elif ends_at - starts_at > LONGEST_SESSION:
        errors["ends_at"] = _("A session lasts at most 12 hours.")
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
    session.save()
    session.participants.set(people)
    Request.objects.filter(person__in=people, handled_at__isnull=True).update(
        handled_at=timezone.now()
    )
    audit.record(
        actor=actor,
        action=audit_actions.SESSION_BOOKED,
        obj=session,
        organisation=people[0].network,
    )
    idempotency.remember(once, purpose="supervision.session", result=session.code)
    return session


@use_case
def session_record(*, actor, session: Session, status: str, notes: str = "") -> Session:
    if session.supervisor_id != actor.pk:
        raise PermissionDenied
    if status not in audit_actions.SESSION_RECORDED:
        raise ValidationError({"status": _("Unknown status.")})
    session = Session.objects.select_for_update().get(pk=session.pk)
    if status == SessionStatus.HELD and session.starts_at > timezone.now():
        raise ValidationError(_("A session cannot be recorded as held before it starts."))
    session.status = status
    session.notes = notes
    session.full_clean()
    session.save()
    audit.record(actor=actor, action=audit_actions.SESSION_RECORDED[status], obj=session)
    return session


@use_case
def request_session(*, actor, message: str = "", once: str = "") -> Request:
    person = getattr(actor, "person", None)
    if person is None:
        raise PermissionDenied
    mine = Request.objects.filter(person=person)
    first = _sent_before(once, "supervision.request", mine, by="pk")
    if first is not None:
        return first
    request = Request(person=person, message=message.strip())
    request.full_clean()
    request.save()
    audit.record(
        actor=actor, action=audit_actions.REQUESTED, obj=person, organisation=person.network
    )
    idempotency.remember(once, purpose="supervision.request", result=str(request.pk))
    return request


@use_case
def self_assess(*, actor, person: Person, month: date, answers: dict[str, int]) -> SelfAssessment:
    if person.user_id != actor.pk:
        raise PermissionDenied  # nobody answers for someone else
    keys = [key for key, _text in QUESTIONS]
    if set(answers) != set(keys) or any(
        not isinstance(v, int) or isinstance(v, bool) or not 1 <= v <= 5 for v in answers.values()
    ):
        raise ValidationError(_("Answer every statement with 1 to 5."))
    month = month.replace(day=1)
    if month > timezone.localdate().replace(day=1) or not in_range(month):
        raise ValidationError(_("A self-assessment is for this month or an earlier one."))
    score = Decimal(sum(answers.values())) / len(answers)
    assessment, _created = SelfAssessment.objects.update_or_create(
        person=person,
        month=month,
        defaults={"answers": answers, "score": score.quantize(Decimal("0.01"))},
    )
    audit.record(
        actor=actor,
        action=audit_actions.SELF_ASSESSED,
        obj=person,
        organisation=person.network,
        month=f"{month:%Y-%m}",
    )
    return assessment


@use_case
def drift_share_set(*, actor, person: Person, shared: bool) -> None:
    if person.user_id != actor.pk:
        raise PermissionDenied
    DriftShare.objects.update_or_create(person=person, defaults={"shared": shared})
    audit.record(
        actor=actor,
        action=audit_actions.DRIFT_SHARED if shared else audit_actions.DRIFT_UNSHARED,
        obj=person,
        organisation=person.network,
    )


@use_case
def check_in_record(
    *,
    scope: Scope,
    actor,
    person: Person,
    unit: Unit,
    held_on: date,
    attendees: list[str],
    actions: list[tuple[str, date]],
    once: str = "",
) -> CheckIn:
    if unit.pk not in scope.unit_ids(Role.UNIT_MANAGER, Role.PROGRAMME_COORDINATOR):
        raise PermissionDenied
    first = _sent_before(once, "supervision.check_in", CheckIn.objects.filter(unit=unit))
    if first is not None:
        return first
    errors: dict[str, Any] = {}
    if not attendees or any(a not in Attendee.values for a in attendees):
        errors["attendees"] = _("Choose who took part.")
    if not person.employments.filter(unit=unit).exists():
        errors["person"] = _("The peer supporter does not work on this unit.")
    if not _within_years(held_on):
        errors["held_on"] = _("The date must be in the years 1990–2100.")
    rows = [Action(text=text.strip(), due_on=due) for text, due in actions if text.strip()]
    for number, row in enumerate(rows, 1):
        if not _within_years(row.due_on):
            errors[f"due_{number}"] = _("The date must be in the years 1990–2100.")
        elif _within_years(held_on) and row.due_on < held_on:
            errors[f"due_{number}"] = _("The due date cannot be before the meeting.")
        try:
            row.full_clean(exclude=["check_in"])
        except ValidationError as error:
            for problems in error.message_dict.values():
                errors.setdefault(f"action_{number}", []).extend(problems)
    if errors:
        raise ValidationError(errors)
    check_in = CheckIn(person=person, unit=unit, held_on=held_on, attendees=attendees)
    check_in.full_clean()
    check_in.save()
    for row in rows:
        row.check_in = check_in
        row.save()
    audit.record(
        actor=actor,
        action=audit_actions.CHECK_IN_RECORDED,
        obj=check_in,
        organisation=unit.organisation,
    )
    idempotency.remember(once, purpose="supervision.check_in", result=check_in.code)
    return check_in


@use_case
def action_done(*, scope: Scope, actor, action: Action, on: date) -> None:
    if action.check_in.unit_id not in scope.unit_ids(Role.UNIT_MANAGER, Role.PROGRAMME_COORDINATOR):
        raise PermissionDenied
    action = Action.objects.select_for_update().select_related("check_in__unit").get(pk=action.pk)
    if action.done_on is not None:
        return  # marked already (a second click): nothing changes
    action.done_on = on
    action.save(update_fields=["done_on"])
    audit.record(
        actor=actor,
        action=audit_actions.ACTION_DONE,
        obj=action.check_in,
        organisation=action.check_in.unit.organisation,
        agreed_action=action.pk,
    )


@use_case
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
    once: str = "",
) -> NetworkMeeting:
    if network.pk not in scope.coordinated_network_ids() and not scope.is_platform_admin:
        raise PermissionDenied
    network_meetings = NetworkMeeting.objects.filter(network=network)
    first = _sent_before(once, "supervision.meeting", network_meetings)
    if first is not None:
        return first
    if not _within_years(starts_at):
        raise ValidationError({"starts_at": _("The date must be in the years 1990–2100.")})
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
    meeting.save()
    meeting.invited.set(invited)
    audit.record(
        actor=actor,
        action=audit_actions.MEETING_CREATED,
        obj=meeting,
        organisation=network,
        invited=len(invited),
    )
    idempotency.remember(once, purpose="supervision.meeting", result=meeting.code)
    return meeting


@use_case
def meeting_attendance(
    *, scope: Scope, actor, meeting: NetworkMeeting, attended: list[Person]
) -> None:
    if meeting.network_id not in scope.coordinated_network_ids() and not scope.is_platform_admin:
        raise PermissionDenied
    invited = set(meeting.invited.values_list("id", flat=True))
    if any(p.pk not in invited for p in attended):
        raise ValidationError(_("Only invited peer supporters can be marked as present."))
    meeting.attended.set(attended)
    audit.record(
        actor=actor,
        action=audit_actions.MEETING_ATTENDANCE,
        obj=meeting,
        organisation=meeting.network,
        attended=len(attended),
    )
