"""Every change in placement: positions, staff training, readiness, matching, employment.

Each public function is a use case (core.usecase): one transaction, validated before it
writes, with its audit row. Limits (a position's seats, a person's 100 %) are checked
with the row that owns the limit locked, so two coordinators at once cannot both pass.
Access follows employment: a peer supporter's membership on a unit is granted and ended
through the accounts services, on the days the employment begins and ends.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from peerstod.accounts.models import Membership
from peerstod.accounts.roles import Role
from peerstod.accounts.scope import Scope
from peerstod.accounts.services import membership_end, membership_grant
from peerstod.core import audit, dates, idempotency
from peerstod.core.privacy import no_personal_data
from peerstod.core.usecase import use_case
from peerstod.orgs.models import Organisation, Unit
from peerstod.people.models import CertificationKind, Person
from peerstod.placement import actions, matching, readiness, selectors
from peerstod.placement.models import (
    Duty,
    Employment,
    EndReason,
    MatchingEvent,
    Meeting,
    Position,
    Ranking,
    SickLeave,
    StaffTraining,
    StaffTrainingParticipant,
    UnitReadiness,
)
from peerstod.placement.selectors import COORDINATORS, ROLE_EDITORS
from peerstod.recruitment.models import Application, Step
from peerstod.recruitment.services import application_mark_employed


def _require_unit(scope: Scope, unit: Unit, roles=COORDINATORS) -> None:
    if unit.pk not in scope.unit_ids(*roles):
        raise PermissionDenied


def _require_organisation(scope: Scope, organisation: Organisation) -> None:
    if organisation.pk not in scope.organisation_ids(*COORDINATORS):
        raise PermissionDenied


def _check_days(errors: dict[str, Any], **days: date | None) -> None:
    """Dates lie within the years the platform works in (core.dates)."""
    for name, day in days.items():
        if day is not None and not dates.in_range(day):
            errors[name] = _("Placement dates lie between the years %(first)d and %(last)d.") % {
                "first": dates.FIRST_YEAR,
                "last": dates.LAST_YEAR,
            }


def _check_fte(errors: dict[str, Any], name: str, value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int) or not 25 <= value <= 100:
        errors[name] = _("Service degrees lie between 25 and 100 %.")
        return False
    return True


def _raise(errors: dict[str, Any]) -> None:
    if errors:
        raise ValidationError(errors)


def _repeat(actor, obj, organisation, purpose: str):
    """A form sent twice: nothing new is made and the first result is returned. The
    repeat is noted in the audit log, so a double submission can be told from a second
    real one."""
    if obj is None:
        raise ValidationError(
            _("This placement form was already sent. Reload the page and try again.")
        )
    audit.record(
        actor=actor,
        action=actions.REPEAT_IGNORED,
        obj=obj,
        organisation=organisation,
        purpose=purpose,
    )
    return obj


# Positions -----------------------------------------------------------------------------


@use_case
def position_create(*, scope: Scope, actor, unit: Unit, once: str = "", **fields: Any) -> Position:
    _require_unit(scope, unit)
    fresh, earlier = idempotency.claim(once, purpose="placement.position")
    if not fresh:
        found = Position.objects.filter(code=earlier, unit=unit).first()
        return _repeat(actor, found, unit.organisation, "placement.position")
    position = Position(unit=unit, **fields)
    errors: dict[str, Any] = {}
    _check_days(errors, starts_on=fields.get("starts_on"))
    _raise(errors)
    _clean_duties(position.duties)
    position.full_clean()
    position.save()
    audit.record(
        actor=actor,
        action=actions.POSITION_CREATED,
        obj=position,
        organisation=unit.organisation,
    )
    idempotency.remember(once, purpose="placement.position", result=position.code)
    return position


def _clean_duties(duties) -> None:
    if not isinstance(duties, list) or any(d not in Duty.values for d in duties):
        raise ValidationError({"duties": _("Choose duties from the list.")})


@use_case
def position_describe_role(
    *,
    scope: Scope,
    actor,
    position: Position,
    duties: list[str],
    role_notes: str,
    agreed: bool,
) -> Position:
    """The unit edits the role description; coordinators and the unit's managers may."""
    _require_unit(scope, position.unit, ROLE_EDITORS)
    _clean_duties(duties)
    position = Position.objects.select_for_update().select_related("unit").get(pk=position.pk)
    position.duties = list(duties)
    position.role_notes = role_notes
    if agreed and position.role_agreed_on is None:
        position.role_agreed_on = timezone.localdate()
    if not agreed:
        position.role_agreed_on = None
    position.full_clean()
    position.save()
    audit.record(
        actor=actor,
        action=actions.POSITION_ROLE_DESCRIBED,
        obj=position,
        organisation=position.unit.organisation,
        agreed=agreed,
    )
    return position


# Staff training and readiness ------------------------------------------------------------


@use_case
def staff_training_record(
    *,
    scope: Scope,
    actor,
    organisation: Organisation,
    kind: str,
    held_on: date,
    title: str,
    participants: list[tuple[Unit, str]],
    once: str = "",
) -> StaffTraining:
    _require_organisation(scope, organisation)
    for unit, _name in participants:
        _require_unit(scope, unit)
    fresh, earlier = idempotency.claim(once, purpose="placement.staff_training")
    if not fresh:
        found = StaffTraining.objects.filter(code=earlier, organisation=organisation).first()
        return _repeat(actor, found, organisation, "placement.staff_training")
    errors: dict[str, Any] = {}
    _check_days(errors, held_on=held_on)
    _raise(errors)
    training = StaffTraining(organisation=organisation, kind=kind, held_on=held_on, title=title)
    training.full_clean()
    rows = []
    seen = set()
    for unit, name in participants:
        name = " ".join(name.split())
        if not name or (unit.pk, name.lower()) in seen:
            continue
        seen.add((unit.pk, name.lower()))
        row = StaffTrainingParticipant(training=training, unit=unit, name=name)
        row.full_clean(exclude=["training"])
        rows.append(row)
    if not rows:
        raise ValidationError({"participants": _("Write at least one participant.")})
    training.save()
    for row in rows:
        row.training = training
    StaffTrainingParticipant.objects.bulk_create(rows)
    audit.record(
        actor=actor,
        action=actions.STAFF_TRAINING_RECORDED,
        obj=training,
        organisation=organisation,
        participants=len(rows),
    )
    idempotency.remember(once, purpose="placement.staff_training", result=training.code)
    return training


@use_case
def readiness_update(*, scope: Scope, actor, unit: Unit, **fields: Any) -> UnitReadiness:
    _require_unit(scope, unit, ROLE_EDITORS)
    errors: dict[str, Any] = {}
    _check_days(
        errors,
        manager_briefed_on=fields.get("manager_briefed_on"),
        supervision_arranged_on=fields.get("supervision_arranged_on"),
    )
    _raise(errors)
    record = UnitReadiness.objects.select_for_update().filter(unit=unit).first() or UnitReadiness(
        unit=unit
    )
    for name, value in fields.items():
        setattr(record, name, value)
    record.full_clean()
    record.save()
    audit.record(
        actor=actor,
        action=actions.READINESS_UPDATED,
        obj=unit,
        organisation=unit.organisation,
        fields=sorted(fields),
    )
    return record


# Employment ---------------------------------------------------------------------------


def _overlap_total(
    person: Person, starts_on: date, ends_on: date | None, exclude: Employment | None = None
) -> int:
    """The highest service degree the person already has on any day of the period."""
    others = Employment.objects.filter(person=person).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on)
    )
    if ends_on is not None:
        others = others.filter(starts_on__lte=ends_on)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    periods = list(others.values_list("starts_on", "ends_on", "fte_percent"))
    # The total is highest at one of the starts within the period.
    days = {max(starts_on, s) for s, _e, _f in periods} | {starts_on}
    best = 0
    for day in days:
        total = sum(f for s, e, f in periods if s <= day and (e is None or e >= day))
        best = max(best, total)
    return best


def _seats_taken(position: Position, starts_on: date, ends_on: date | None) -> int:
    """People employed on the position on some day of the period."""
    taken = position.employments.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on))
    if ends_on is not None:
        taken = taken.filter(starts_on__lte=ends_on)
    return taken.values("person_id").distinct().count()


def _lock_person(person: Person) -> Person:
    """Lock the person (the owner of the 100 % limit) until the use case ends."""
    return Person.objects.select_for_update().get(pk=person.pk)


def _lock_position(position: Position) -> Position:
    """Lock the position (the owner of its seats) until the use case ends."""
    return Position.objects.select_for_update().select_related("unit").get(pk=position.pk)


def _grant_access(person: Person, unit: Unit, starts_on: date, ends_on: date | None, actor):
    """The peer-supporter role on the unit for the period, unless a membership already
    covers all of it. Called from the employment use cases only."""
    if person.user_id is None:
        return
    covering = Membership.objects.filter(
        user_id=person.user_id,
        role=Role.PEER_SUPPORTER,
        unit=unit,
        valid_from__lte=starts_on,
    )
    covering = (
        covering.filter(valid_to__isnull=True)
        if ends_on is None
        else covering.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=ends_on))
    )
    if covering.exists():
        return
    assert person.user is not None
    membership_grant(
        user=person.user,
        role=Role.PEER_SUPPORTER,
        organisation=unit.organisation,
        unit=unit,
        valid_from=starts_on,
        valid_to=ends_on,
        actor=actor,
    )


def _end_access(employment: Employment, last_day: date, actor) -> None:
    """The peer-supporter role on the unit ends with the employment's last day, unless
    another employment of the person on the unit carries on without a gap; then it ends
    with that one. Later employments after a gap keep (or get back) their own access."""
    person = employment.person
    if person.user_id is None:
        return
    others = list(
        Employment.objects.filter(person=person, unit=employment.unit).exclude(pk=employment.pk)
    )
    covered_to: date | None = last_day
    grown = True
    while grown and covered_to is not None:
        grown = False
        for other in others:
            carries_on = other.ends_on is None or other.ends_on > covered_to
            if carries_on and other.starts_on <= covered_to + timedelta(days=1):
                covered_to, grown = other.ends_on, True
                break
    if covered_to is None:
        return  # an open-ended employment on the unit continues: so does the access
    assert person.user is not None
    membership_end(
        user=person.user,
        role=Role.PEER_SUPPORTER,
        unit=employment.unit,
        last_day=covered_to,
        actor=actor,
    )
    for later in others:
        if later.starts_on > covered_to:
            _grant_access(person, employment.unit, later.starts_on, later.ends_on, actor)


@use_case
def employment_create(
    *,
    scope: Scope,
    actor,
    person: Person,
    unit: Unit,
    fte_percent: int,
    starts_on: date,
    ends_on: date | None = None,
    position: Position | None = None,
    readiness_override: str = "",
    matching_event: MatchingEvent | None = None,
    once: str = "",
) -> Employment:
    _require_unit(scope, unit)
    fresh, earlier = idempotency.claim(once, purpose="placement.employment")
    if not fresh:
        found = Employment.objects.filter(code=earlier, unit=unit).first()
        return _repeat(actor, found, unit.organisation, "placement.employment")
    if position is not None:
        position = _lock_position(position)
    person = _lock_person(person)
    errors: dict[str, Any] = {}
    if not selectors.person_placeable(scope=scope, person=person, day=timezone.localdate()):
        errors["person"] = _("Choose a peer supporter from the list.")
    elif not person.certifications.filter(kind=CertificationKind.BASIC).exists():
        errors["person"] = _("Only a certified peer supporter can be employed as one.")
    if position is not None and position.unit_id != unit.pk:
        errors["position"] = _("The position belongs to another unit.")
    _check_days(errors, starts_on=starts_on, ends_on=ends_on)
    fte_ok = _check_fte(errors, "fte_percent", fte_percent)
    if errors:
        raise ValidationError(errors)
    if ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = _("The employment cannot end before it starts.")
    elif fte_ok and _overlap_total(person, starts_on, ends_on) + fte_percent > 100:
        errors["fte_percent"] = _(
            "%(person)s would work more than 100 %% in total during this period."
        ) % {"person": person}
    taken = 0
    if position is not None and "ends_on" not in errors:
        taken = _seats_taken(position, starts_on, ends_on)
        if taken >= position.seats:
            errors["position"] = _(
                "All seats of the position are taken (%(seats)d). Choose another position "
                "or end an employment first."
            ) % {"seats": position.seats}
    if not readiness.check(unit, starts_on).ready and not readiness_override.strip():
        errors["readiness_override"] = _(
            "The unit is not ready for a peer supporter yet (see its readiness checklist). "
            "Give the reason for placing someone anyway."
        )
    _raise(errors)
    employment = Employment(
        person=person,
        unit=unit,
        position=position,
        fte_percent=fte_percent,
        starts_on=starts_on,
        ends_on=ends_on,
        readiness_override=readiness_override.strip(),
        matching_event=matching_event,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    employment.full_clean()
    employment.save()
    if position is not None and taken + 1 >= position.seats and position.is_open:
        position.is_open = False
        position.save(update_fields=["is_open"])
    _grant_access(person, unit, starts_on, ends_on, actor)
    application = (
        Application.objects.filter(person=person, step=Step.CERTIFIED)
        .order_by("-submitted_at")
        .first()
    )
    if application is not None:
        application_mark_employed(application=application, at=timezone.now(), actor=actor)
    audit.record(
        actor=actor,
        action=actions.EMPLOYMENT_CREATED,
        obj=employment,
        organisation=unit.organisation,
        fte=fte_percent,
        not_ready_reason=employment.readiness_override,
    )
    idempotency.remember(once, purpose="placement.employment", result=employment.code)
    return employment


@use_case
def employment_end(
    *, scope: Scope, actor, employment: Employment, ends_on: date, reason: str
) -> Employment:
    """The employment's last day is `ends_on`; the person's access to the unit ends the
    same day (memberships through accounts.services.membership_end)."""
    _require_unit(scope, employment.unit)
    employment = (
        Employment.objects.select_for_update()
        .select_related("person", "unit", "unit__organisation")
        .get(pk=employment.pk)
    )
    errors: dict[str, Any] = {}
    if reason not in EndReason.values:
        errors["end_reason"] = _("Choose why the employment ends.")
    _check_days(errors, ends_on=ends_on)
    if "ends_on" not in errors:
        if ends_on < employment.starts_on:
            errors["ends_on"] = _("The employment cannot end before it starts.")
        elif employment.ends_on is not None and ends_on > employment.ends_on:
            errors["ends_on"] = _(
                "The employment already ends on %(day)s. It can end earlier, not later: "
                "record a new employment for the time after."
            ) % {"day": employment.ends_on.isoformat()}
    _raise(errors)
    before = employment.ends_on
    employment.ends_on, employment.end_reason = ends_on, reason
    employment.full_clean()
    employment.save()
    _end_access(employment, ends_on, actor)
    audit.record(
        actor=actor,
        action=actions.EMPLOYMENT_ENDED,
        obj=employment,
        organisation=employment.unit.organisation,
        reason=reason,
        last_day=ends_on.isoformat(),
        before=before.isoformat() if before else None,
    )
    return employment


@use_case
def employment_change_fte(
    *, scope: Scope, actor, employment: Employment, fte_percent: int, effective_on: date
) -> Employment:
    """A new service degree from a date: the old employment ends the day before and a new
    one continues, so history and retention stay right."""
    _require_unit(scope, employment.unit)
    person = _lock_person(employment.person)
    employment = (
        Employment.objects.select_for_update()
        .select_related("person", "unit", "unit__organisation")
        .get(pk=employment.pk)
    )
    errors: dict[str, Any] = {}
    _check_days(errors, effective_on=effective_on)
    fte_ok = _check_fte(errors, "fte_percent", fte_percent)
    _raise(errors)
    if effective_on <= employment.starts_on:
        errors["effective_on"] = _("The change must come after the start.")
    elif employment.ends_on is not None and effective_on > employment.ends_on:
        errors["effective_on"] = _("The change must come before the employment ends.")
    elif fte_ok and (
        _overlap_total(person, effective_on, employment.ends_on, exclude=employment) + fte_percent
        > 100
    ):
        errors["fte_percent"] = _("That would be more than 100 %% in total.") % {}
    _raise(errors)
    following = Employment(
        person=person,
        unit=employment.unit,
        position=employment.position,
        fte_percent=fte_percent,
        starts_on=effective_on,
        ends_on=employment.ends_on,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    following.full_clean()
    employment.ends_on = effective_on - timedelta(days=1)
    employment.end_reason = ""
    employment.save()
    following.save()
    # Same unit, same period as a whole: the access stays; grant it if it is missing.
    _grant_access(person, employment.unit, effective_on, following.ends_on, actor)
    audit.record(
        actor=actor,
        action=actions.EMPLOYMENT_FTE_CHANGED,
        obj=following,
        organisation=employment.unit.organisation,
        before=employment.fte_percent,
        after=fte_percent,
    )
    return following


@use_case
def sick_leave_record(
    *,
    scope: Scope,
    actor,
    employment: Employment,
    starts_on: date,
    ends_on: date | None = None,
    once: str = "",
) -> SickLeave:
    _require_unit(scope, employment.unit)
    fresh, earlier = idempotency.claim(once, purpose="placement.sick_leave")
    if not fresh:
        found = idempotency.earlier(SickLeave.objects.filter(employment=employment), earlier)
        return _repeat(actor, found, employment.unit.organisation, "placement.sick_leave")
    errors: dict[str, Any] = {}
    _check_days(errors, starts_on=starts_on, ends_on=ends_on)
    _raise(errors)
    if starts_on < employment.starts_on or (
        employment.ends_on is not None and starts_on > employment.ends_on
    ):
        errors["starts_on"] = _("The sick leave must begin during the employment.")
    elif ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = _("The sick leave cannot end before it starts.")
    _raise(errors)
    leave = SickLeave(employment=employment, starts_on=starts_on, ends_on=ends_on)
    leave.full_clean()
    leave.save()
    audit.record(
        actor=actor,
        action=actions.SICK_LEAVE_RECORDED,
        obj=employment,
        organisation=employment.unit.organisation,
    )
    idempotency.remember(once, purpose="placement.sick_leave", result=str(leave.pk))
    return leave


# Matching events ------------------------------------------------------------------------


@use_case
def event_create(
    *,
    scope: Scope,
    actor,
    organisation: Organisation,
    title: str,
    held_on: date,
    peers: list[Person],
    positions: list[Position],
    once: str = "",
) -> MatchingEvent:
    _require_organisation(scope, organisation)
    for position in positions:
        _require_unit(scope, position.unit)
    fresh, earlier = idempotency.claim(once, purpose="placement.event")
    if not fresh:
        found = MatchingEvent.objects.filter(code=earlier, organisation=organisation).first()
        return _repeat(actor, found, organisation, "placement.event")
    errors: dict[str, Any] = {}
    _check_days(errors, held_on=held_on)
    today = timezone.localdate()
    if any(not selectors.person_placeable(scope=scope, person=p, day=today) for p in peers):
        errors["peers"] = _("Choose peer supporters from the list.")
    _raise(errors)
    event = MatchingEvent(organisation=organisation, title=title, held_on=held_on)
    event.full_clean()
    event.save()
    event.peers.set(peers)
    event.positions.set(positions)
    audit.record(actor=actor, action=actions.EVENT_CREATED, obj=event, organisation=organisation)
    idempotency.remember(once, purpose="placement.event", result=event.code)
    return event


def _lock_event(event: MatchingEvent) -> MatchingEvent:
    return MatchingEvent.objects.select_for_update().select_related("organisation").get(pk=event.pk)


@use_case
def meetings_save(*, scope: Scope, actor, event: MatchingEvent, met: set[tuple[int, int]]) -> None:
    """Record who met whom: (person id, position id) pairs; the rest did not meet."""
    _require_organisation(scope, event.organisation)
    event = _lock_event(event)
    peer_ids = set(event.peers.values_list("id", flat=True))
    position_ids = set(event.positions.values_list("id", flat=True))
    if any(p not in peer_ids or q not in position_ids for p, q in met):
        raise ValidationError(_("A ranking names someone or something not invited to the event."))
    event.meetings.exclude(
        pk__in=[m.pk for m in event.meetings.all() if (m.person_id, m.position_id) in met]
    ).delete()
    existing = set(event.meetings.values_list("person_id", "position_id"))
    Meeting.objects.bulk_create(
        Meeting(event=event, person_id=p, position_id=q) for p, q in met - existing
    )
    audit.record(
        actor=actor,
        action=actions.EVENT_MEETINGS,
        obj=event,
        organisation=event.organisation,
        meetings=len(met),
    )


@use_case
def rankings_save(
    *,
    scope: Scope,
    actor,
    event: MatchingEvent,
    side: str,
    ranks: dict[tuple[int, int], int | None],
) -> None:
    """Save one side's ranks: (person id, position id) → rank, None for not acceptable."""
    _require_organisation(scope, event.organisation)
    if side not in Ranking.Side.values:
        raise ValidationError(_("Choose whose rankings these are."))
    event = _lock_event(event)  # a confirmation at the same moment waits, or is seen
    if event.confirmed_at is not None:
        raise ValidationError(_("The matching has been confirmed; rankings are closed."))
    peer_ids = set(event.peers.values_list("id", flat=True))
    position_ids = set(event.positions.values_list("id", flat=True))
    errors = []
    for (person_id, position_id), rank in ranks.items():
        if person_id not in peer_ids or position_id not in position_ids:
            errors.append(_("A ranking names someone or something not invited to the event."))
        elif rank is not None and not 1 <= rank <= 999:
            errors.append(_("Ranks are whole numbers from 1 (first choice)."))
    by_owner: dict[int, list[int]] = {}
    for (person_id, position_id), rank in ranks.items():
        if rank is None:
            continue
        owner = person_id if side == Ranking.Side.PEER else position_id
        by_owner.setdefault(owner, []).append(rank)
    if any(len(set(values)) != len(values) for values in by_owner.values()):
        errors.append(_("Each rank may be used once per peer supporter or position."))
    if errors:
        raise ValidationError(sorted(set(map(str, errors))))
    for (person_id, position_id), rank in ranks.items():
        Ranking.objects.update_or_create(
            event=event,
            side=side,
            person_id=person_id,
            position_id=position_id,
            defaults={"rank": rank},
        )
    audit.record(
        actor=actor,
        action=actions.EVENT_RANKED,
        obj=event,
        organisation=event.organisation,
        side=side,
    )


def event_solve(event: MatchingEvent) -> tuple[matching.Result, dict, dict]:
    """The stable matching for the event's current rankings."""
    people = {p.pk: p for p in event.peers.all()}
    positions = {q.pk: q for q in event.positions.select_related("unit")}
    peer_lists: dict[int, list[tuple[int, int]]] = {pk: [] for pk in people}
    position_lists: dict[int, list[tuple[int, int]]] = {pk: [] for pk in positions}
    for ranking in event.rankings.exclude(rank__isnull=True):
        if ranking.person_id not in people or ranking.position_id not in positions:
            continue
        rank = ranking.rank or 0  # excluded above: never None here
        if ranking.side == Ranking.Side.PEER:
            peer_lists[ranking.person_id].append((rank, ranking.position_id))
        else:
            position_lists[ranking.position_id].append((rank, ranking.person_id))
    peers = [
        matching.Peer(pk, p.fte_min, p.fte_max, tuple(q for _, q in sorted(peer_lists[pk])))
        for pk, p in people.items()
    ]
    seats = [
        matching.Position(
            pk, q.fte_percent, q.seats, tuple(p for _, p in sorted(position_lists[pk]))
        )
        for pk, q in positions.items()
    ]
    return matching.solve(peers, seats), people, positions


def _override_reason_problems(reason: str) -> list[ValidationError]:
    """What is wrong with the reason given for changing the matching: it is free text,
    kept in the audit log, so the personal-data guard reads it like every other."""
    if not reason.strip():
        return [ValidationError(_("Give the reason for each change to the matching."))]
    if len(reason) > 300:
        return [ValidationError(_("A reason for a change is at most 300 characters."))]
    try:
        no_personal_data(reason)
    except ValidationError as error:
        return error.error_list
    return []


@use_case
def event_confirm(
    *,
    scope: Scope,
    actor,
    event: MatchingEvent,
    starts_on: date,
    overrides: dict[int, tuple[int | None, str]] | None = None,
    readiness_override: str = "",
) -> list[Employment]:
    """Turn the matching into employments. An override (person → position or None, with
    a reason) replaces the solver's answer for that person. All or nothing: when one
    employment is refused, none is made and the matching stays open."""
    _require_organisation(scope, event.organisation)
    event = _lock_event(event)  # a second confirmation waits, then finds this one's
    if event.confirmed_at is not None:
        raise ValidationError(_("The matching has already been confirmed."))
    errors: dict[str, Any] = {}
    _check_days(errors, starts_on=starts_on)
    _raise(errors)
    result, people, positions = event_solve(event)
    placement: dict[Any, Any] = dict(result.matches)
    reasons_refused: dict[str, list] = {}
    for person_id, (position_id, reason) in (overrides or {}).items():
        if person_id not in people or (position_id is not None and position_id not in positions):
            raise ValidationError(_("An override names someone or something not invited."))
        problems = _override_reason_problems(reason)
        if problems:
            reasons_refused[people[person_id].code] = problems
        placement[person_id] = position_id
    if reasons_refused:
        # Keyed by the person's code, so the page can show each at its reason.
        raise ValidationError(reasons_refused)
    chosen = {pk: q for pk, q in placement.items() if q is not None}
    # Lock the owners of the limits in one order (positions, then people) before any
    # counting, the same order employment_create takes them in.
    for position_id in sorted(set(chosen.values())):
        _lock_position(positions[position_id])
    for person_id in sorted(chosen):
        _lock_person(people[person_id])
    employments = []
    for person_id, position_id in sorted(chosen.items(), key=lambda x: str(x)):
        position = positions[position_id]
        try:
            employments.append(
                employment_create(
                    scope=scope,
                    actor=actor,
                    person=people[person_id],
                    unit=position.unit,
                    position=position,
                    fte_percent=position.fte_percent,
                    starts_on=starts_on,
                    readiness_override=readiness_override,
                    matching_event=event,
                )
            )
        except ValidationError as error:
            raise ValidationError(
                _("%(person)s cannot be employed: %(problem)s")
                % {"person": people[person_id], "problem": " ".join(error.messages)}
            ) from error
    event.confirmed_at = timezone.now()
    event.save(update_fields=["confirmed_at"])
    audit.record(
        actor=actor,
        action=actions.EVENT_CONFIRMED,
        obj=event,
        organisation=event.organisation,
        employments=len(employments),
        overrides={str(k): [v[0], v[1]] for k, v in (overrides or {}).items()},
    )
    return employments
