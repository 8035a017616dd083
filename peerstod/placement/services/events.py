"""Matching events: peer supporters and positions meet, both sides rank each other, the
stable matching proposes who goes where, and the confirmation turns it into employments
(all or nothing)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from peerstod.accounts.scope import Scope
from peerstod.core import audit
from peerstod.core.privacy import no_personal_data
from peerstod.core.usecase import use_case
from peerstod.orgs.models import Organisation
from peerstod.people.models import Person
from peerstod.placement import actions, matching, selectors
from peerstod.placement.models import Employment, MatchingEvent, Meeting, Position, Ranking
from peerstod.placement.services._common import (
    _check_days,
    _created,
    _lock_person,
    _lock_position,
    _raise,
    _require_organisation,
    _require_unit,
    _sent_before,
)
from peerstod.placement.services.employment import employment_create

PURPOSE_EVENT = "placement.event"


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
    earlier = _sent_before(
        actor,
        once,
        PURPOSE_EVENT,
        MatchingEvent.objects.filter(organisation=organisation),
        organisation,
    )
    if earlier is not None:
        return earlier
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
    _created(
        event,
        actor=actor,
        action=actions.EVENT_CREATED,
        organisation=organisation,
        once=once,
        purpose=PURPOSE_EVENT,
    )
    return event


def _lock_event(event: MatchingEvent) -> MatchingEvent:
    return MatchingEvent.objects.select_for_update().select_related("organisation").get(pk=event.pk)


def _invited(event: MatchingEvent) -> tuple[set[int], set[int]]:
    """The ids of the event's invited peer supporters and positions."""
    return (
        set(event.peers.values_list("id", flat=True)),
        set(event.positions.values_list("id", flat=True)),
    )


@use_case
def meetings_save(*, scope: Scope, actor, event: MatchingEvent, met: set[tuple[int, int]]) -> None:
    """Record who met whom: (person id, position id) pairs; the rest did not meet."""
    _require_organisation(scope, event.organisation)
    event = _lock_event(event)
    peer_ids, position_ids = _invited(event)
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
    peer_ids, position_ids = _invited(event)
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
