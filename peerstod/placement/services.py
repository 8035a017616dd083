"""Every change in placement: positions, staff training, readiness, matching, employment."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from peerstod.accounts.models import Membership
from peerstod.accounts.roles import Role
from peerstod.accounts.scope import Scope
from peerstod.core import audit
from peerstod.orgs.models import Organisation, Unit
from peerstod.people.models import CertificationKind, Person
from peerstod.placement import matching, readiness
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


# Positions -----------------------------------------------------------------------------


def position_create(*, scope: Scope, actor, unit: Unit, **fields: Any) -> Position:
    _require_unit(scope, unit)
    position = Position(unit=unit, **fields)
    _clean_duties(position.duties)
    position.full_clean()
    with transaction.atomic():
        position.save()
        audit.record(
            actor=actor,
            action="placement.position.created",
            obj=position,
            organisation=unit.organisation,
        )
    return position


def _clean_duties(duties) -> None:
    if not isinstance(duties, list) or any(d not in Duty.values for d in duties):
        raise ValidationError({"duties": _("Choose duties from the list.")})


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
    position.duties = list(duties)
    position.role_notes = role_notes
    if agreed and position.role_agreed_on is None:
        position.role_agreed_on = timezone.localdate()
    if not agreed:
        position.role_agreed_on = None
    position.full_clean()
    with transaction.atomic():
        position.save()
        audit.record(
            actor=actor,
            action="placement.position.role_described",
            obj=position,
            organisation=position.unit.organisation,
            agreed=agreed,
        )
    return position


# Staff training and readiness ------------------------------------------------------------


def staff_training_record(
    *,
    scope: Scope,
    actor,
    organisation: Organisation,
    kind: str,
    held_on: date,
    title: str,
    participants: list[tuple[Unit, str]],
) -> StaffTraining:
    _require_organisation(scope, organisation)
    training = StaffTraining(organisation=organisation, kind=kind, held_on=held_on, title=title)
    training.full_clean()
    rows = []
    seen = set()
    for unit, name in participants:
        _require_unit(scope, unit)
        name = " ".join(name.split())
        if not name or (unit.pk, name.lower()) in seen:
            continue
        seen.add((unit.pk, name.lower()))
        row = StaffTrainingParticipant(training=training, unit=unit, name=name)
        row.full_clean(exclude=["training"])
        rows.append(row)
    if not rows:
        raise ValidationError({"participants": _("Write at least one participant.")})
    with transaction.atomic():
        training.save()
        for row in rows:
            row.training = training
        StaffTrainingParticipant.objects.bulk_create(rows)
        audit.record(
            actor=actor,
            action="placement.staff_training.recorded",
            obj=training,
            organisation=organisation,
            participants=len(rows),
        )
    return training


def readiness_update(*, scope: Scope, actor, unit: Unit, **fields: Any) -> UnitReadiness:
    _require_unit(scope, unit, ROLE_EDITORS)
    record, _created = UnitReadiness.objects.get_or_create(unit=unit)
    for name, value in fields.items():
        setattr(record, name, value)
    record.full_clean()
    with transaction.atomic():
        record.save()
        audit.record(
            actor=actor,
            action="placement.readiness.updated",
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
) -> Employment:
    _require_unit(scope, unit)
    errors: dict[str, Any] = {}
    if not person.certifications.filter(kind=CertificationKind.BASIC).exists():
        errors["person"] = _("Only a certified peer supporter can be employed as one.")
    if position is not None and position.unit_id != unit.pk:
        errors["position"] = _("The position belongs to another unit.")
    if ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = _("The employment cannot end before it starts.")
    elif _overlap_total(person, starts_on, ends_on) + fte_percent > 100:
        errors["fte_percent"] = _(
            "%(person)s would work more than 100 %% in total during this period."
        ) % {"person": person}
    if not readiness.check(unit, starts_on).ready and not readiness_override.strip():
        errors["readiness_override"] = _(
            "The unit is not ready for a peer supporter yet (see its readiness checklist). "
            "Give the reason for placing someone anyway."
        )
    if errors:
        raise ValidationError(errors)
    employment = Employment(
        person=person,
        unit=unit,
        position=position,
        fte_percent=fte_percent,
        starts_on=starts_on,
        ends_on=ends_on,
        readiness_override=readiness_override.strip(),
        matching_event=matching_event,
        created_by=actor,
    )
    employment.full_clean()
    with transaction.atomic():
        employment.save()
        if (
            position is not None
            and position.seats
            <= position.employments.filter(
                Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on)
            ).count()
        ):
            position.is_open = False
            position.save(update_fields=["is_open"])
        if person.user_id is not None:
            Membership.objects.create(
                user_id=person.user_id,
                role=Role.PEER_SUPPORTER,
                organisation=unit.organisation,
                unit=unit,
                valid_from=starts_on,
                valid_to=ends_on,
            )
        application = (
            Application.objects.filter(person=person, step=Step.CERTIFIED)
            .order_by("-submitted_at")
            .first()
        )
        if application is not None:
            application_mark_employed(application=application, at=timezone.now(), actor=actor)
        audit.record(
            actor=actor,
            action="placement.employment.created",
            obj=employment,
            organisation=unit.organisation,
            fte=fte_percent,
            not_ready_reason=employment.readiness_override,
        )
    return employment


def employment_end(
    *, scope: Scope, actor, employment: Employment, ends_on: date, reason: str
) -> Employment:
    _require_unit(scope, employment.unit)
    if reason not in EndReason.values:
        raise ValidationError({"end_reason": _("Choose why the employment ends.")})
    if ends_on < employment.starts_on:
        raise ValidationError({"ends_on": _("The employment cannot end before it starts.")})
    with transaction.atomic():
        employment.ends_on, employment.end_reason = ends_on, reason
        employment.full_clean()
        employment.save()
        if employment.person.user_id is not None:
            Membership.objects.filter(
                user_id=employment.person.user_id,
                role=Role.PEER_SUPPORTER,
                unit=employment.unit,
                valid_to__isnull=True,
            ).update(valid_to=ends_on)
        audit.record(
            actor=actor,
            action="placement.employment.ended",
            obj=employment,
            organisation=employment.unit.organisation,
            reason=reason,
        )
    return employment


def employment_change_fte(
    *, scope: Scope, actor, employment: Employment, fte_percent: int, effective_on: date
) -> Employment:
    """A new service degree from a date: the old employment ends the day before and a new
    one continues, so history and retention stay right."""
    _require_unit(scope, employment.unit)
    if effective_on <= employment.starts_on:
        raise ValidationError({"effective_on": _("The change must come after the start.")})
    if (
        _overlap_total(employment.person, effective_on, employment.ends_on, exclude=employment)
        + fte_percent
        > 100
    ):
        raise ValidationError({"fte_percent": _("That would be more than 100 %% in total.")})
    with transaction.atomic():
        following = Employment(
            person=employment.person,
            unit=employment.unit,
            position=employment.position,
            fte_percent=fte_percent,
            starts_on=effective_on,
            ends_on=employment.ends_on,
            created_by=actor,
        )
        following.full_clean()
        employment.ends_on = effective_on - timedelta(days=1)
        employment.end_reason = ""
        employment.save()
        following.save()
        audit.record(
            actor=actor,
            action="placement.employment.fte_changed",
            obj=following,
            organisation=employment.unit.organisation,
            before=employment.fte_percent,
            after=fte_percent,
        )
    return following


def sick_leave_record(
    *, scope: Scope, actor, employment: Employment, starts_on: date, ends_on: date | None = None
) -> SickLeave:
    _require_unit(scope, employment.unit)
    leave = SickLeave(employment=employment, starts_on=starts_on, ends_on=ends_on)
    leave.full_clean()
    with transaction.atomic():
        leave.save()
        audit.record(
            actor=actor,
            action="placement.sick_leave.recorded",
            obj=employment,
            organisation=employment.unit.organisation,
        )
    return leave


# Matching events ------------------------------------------------------------------------


def event_create(
    *,
    scope: Scope,
    actor,
    organisation: Organisation,
    title: str,
    held_on: date,
    peers: list[Person],
    positions: list[Position],
) -> MatchingEvent:
    _require_organisation(scope, organisation)
    for position in positions:
        _require_unit(scope, position.unit)
    event = MatchingEvent(organisation=organisation, title=title, held_on=held_on)
    event.full_clean()
    with transaction.atomic():
        event.save()
        event.peers.set(peers)
        event.positions.set(positions)
        audit.record(
            actor=actor, action="placement.event.created", obj=event, organisation=organisation
        )
    return event


def meetings_save(*, scope: Scope, actor, event: MatchingEvent, met: set[tuple[int, int]]) -> None:
    """Record who met whom: (person id, position id) pairs; the rest did not meet."""
    _require_organisation(scope, event.organisation)
    peer_ids = set(event.peers.values_list("id", flat=True))
    position_ids = set(event.positions.values_list("id", flat=True))
    if any(p not in peer_ids or q not in position_ids for p, q in met):
        raise ValidationError(_("A ranking names someone or something not invited to the event."))
    with transaction.atomic():
        event.meetings.exclude(
            pk__in=[m.pk for m in event.meetings.all() if (m.person_id, m.position_id) in met]
        ).delete()
        existing = set(event.meetings.values_list("person_id", "position_id"))
        Meeting.objects.bulk_create(
            Meeting(event=event, person_id=p, position_id=q) for p, q in met - existing
        )
        audit.record(
            actor=actor,
            action="placement.event.meetings",
            obj=event,
            organisation=event.organisation,
            meetings=len(met),
        )


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
    with transaction.atomic():
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
            action="placement.event.ranked",
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
    a reason) replaces the solver's answer for that person."""
    _require_organisation(scope, event.organisation)
    if event.confirmed_at is not None:
        raise ValidationError(_("The matching has already been confirmed."))
    result, people, positions = event_solve(event)
    placement: dict[Any, Any] = dict(result.matches)
    for person_id, (position_id, reason) in (overrides or {}).items():
        if person_id not in people or (position_id is not None and position_id not in positions):
            raise ValidationError(_("An override names someone or something not invited."))
        if not reason.strip():
            raise ValidationError(_("Give the reason for each change to the matching."))
        placement[person_id] = position_id
    employments = []
    with transaction.atomic():
        for person_id, position_id in sorted(placement.items(), key=lambda x: str(x)):
            if position_id is None:
                continue
            position = positions[position_id]
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
        event.confirmed_at = timezone.now()
        event.save(update_fields=["confirmed_at"])
        audit.record(
            actor=actor,
            action="placement.event.confirmed",
            obj=event,
            organisation=event.organisation,
            employments=len(employments),
            overrides={str(k): [v[0], v[1]] for k, v in (overrides or {}).items()},
        )
    return employments
