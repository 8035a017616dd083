"""Positions and the units' readiness: the role described with the unit, the staff
trained, the readiness checklist kept."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from peerstod.accounts.scope import Scope
from peerstod.core import audit
from peerstod.core.usecase import use_case
from peerstod.orgs.models import Organisation, Unit
from peerstod.placement import actions
from peerstod.placement.models import (
    Duty,
    Position,
    StaffTraining,
    StaffTrainingParticipant,
    UnitReadiness,
)
from peerstod.placement.selectors import ROLE_EDITORS
from peerstod.placement.services._common import (
    _check_days,
    _created,
    _raise,
    _require_organisation,
    _require_unit,
    _sent_before,
)

PURPOSE_POSITION = "placement.position"
PURPOSE_STAFF_TRAINING = "placement.staff_training"


@use_case
def position_create(*, scope: Scope, actor, unit: Unit, once: str = "", **fields: Any) -> Position:
    _require_unit(scope, unit)
    earlier = _sent_before(
        actor, once, PURPOSE_POSITION, Position.objects.filter(unit=unit), unit.organisation
    )
    if earlier is not None:
        return earlier
    position = Position(unit=unit, **fields)
    errors: dict[str, Any] = {}
    _check_days(errors, starts_on=fields.get("starts_on"))
    _raise(errors)
    _clean_duties(position.duties)
    position.full_clean()
    position.save()
    _created(
        position,
        actor=actor,
        action=actions.POSITION_CREATED,
        organisation=unit.organisation,
        once=once,
        purpose=PURPOSE_POSITION,
    )
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
    earlier = _sent_before(
        actor,
        once,
        PURPOSE_STAFF_TRAINING,
        StaffTraining.objects.filter(organisation=organisation),
        organisation,
    )
    if earlier is not None:
        return earlier
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
    _created(
        training,
        actor=actor,
        action=actions.STAFF_TRAINING_RECORDED,
        organisation=organisation,
        once=once,
        purpose=PURPOSE_STAFF_TRAINING,
        participants=len(rows),
    )
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
