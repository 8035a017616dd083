"""Employment: a peer supporter placed on a unit, its service degree, its end and sick
leave. Limits (a position's seats, a person's 100 %) are checked with the row that owns
the limit locked, so two coordinators at once cannot both pass. Access follows
employment: a peer supporter's membership on a unit is granted and ended through the
accounts services, on the days the employment begins and ends."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from peerstod.accounts.models import Membership
from peerstod.accounts.roles import Role
from peerstod.accounts.scope import Scope
from peerstod.accounts.services import membership_end, membership_grant
from peerstod.core import audit, idempotency
from peerstod.core.periods import not_ended, overlaps
from peerstod.core.usecase import use_case
from peerstod.orgs.models import Unit
from peerstod.people.models import CertificationKind, Person
from peerstod.placement import actions, readiness, selectors
from peerstod.placement.models import (
    Employment,
    EndReason,
    MatchingEvent,
    Position,
    SickLeave,
)
from peerstod.placement.services._common import (
    _check_days,
    _check_fte,
    _created,
    _lock_person,
    _lock_position,
    _raise,
    _require_unit,
    _sent_before,
)
from peerstod.recruitment.models import Application, Step
from peerstod.recruitment.services import application_mark_employed

PURPOSE_EMPLOYMENT = "placement.employment"
PURPOSE_SICK_LEAVE = "placement.sick_leave"


def _overlap_total(
    person: Person, starts_on: date, ends_on: date | None, exclude: Employment | None = None
) -> int:
    """The highest service degree the person already has on any day of the period."""
    others = Employment.objects.filter(overlaps(starts_on, ends_on), person=person)
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
    taken = position.employments.filter(overlaps(starts_on, ends_on))
    return taken.values("person_id").distinct().count()


def _lock_employment(employment: Employment) -> Employment:
    return (
        Employment.objects.select_for_update()
        .select_related("person", "unit", "unit__organisation")
        .get(pk=employment.pk)
    )


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
        else covering.filter(not_ended(ends_on))
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
    earlier = _sent_before(
        actor, once, PURPOSE_EMPLOYMENT, Employment.objects.filter(unit=unit), unit.organisation
    )
    if earlier is not None:
        return earlier
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
    _created(
        employment,
        actor=actor,
        action=actions.EMPLOYMENT_CREATED,
        organisation=unit.organisation,
        once=once,
        purpose=PURPOSE_EMPLOYMENT,
        fte=fte_percent,
        not_ready_reason=employment.readiness_override,
    )
    return employment


@use_case
def employment_end(
    *, scope: Scope, actor, employment: Employment, ends_on: date, reason: str
) -> Employment:
    """The employment's last day is `ends_on`; the person's access to the unit ends the
    same day (memberships through accounts.services.membership_end)."""
    _require_unit(scope, employment.unit)
    employment = _lock_employment(employment)
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
    employment = _lock_employment(employment)
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
    earlier = _sent_before(
        actor,
        once,
        PURPOSE_SICK_LEAVE,
        SickLeave.objects.filter(employment=employment),
        employment.unit.organisation,
        by_pk=True,
    )
    if earlier is not None:
        return earlier
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
    idempotency.remember(once, purpose=PURPOSE_SICK_LEAVE, result=str(leave.pk))
    return leave
