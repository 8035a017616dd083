"""The unit readiness checklist: is the unit ready to receive a peer supporter?"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from peerstod.core.periods import valid_on
from peerstod.orgs.models import Unit
from peerstod.placement.models import (
    Employment,
    Position,
    StaffTrainingKind,
    StaffTrainingParticipant,
    UnitReadiness,
)


@dataclass(frozen=True)
class Item:
    key: str
    label: object
    done: bool
    detail: str = ""


@dataclass(frozen=True)
class Readiness:
    items: list[Item]
    trained: int
    staff: int | None

    @property
    def ready(self) -> bool:
        return all(item.done for item in self.items)

    @property
    def done_count(self) -> int:
        return sum(item.done for item in self.items)


def staff_trained(unit: Unit) -> int:
    """Distinct staff of the unit trained in the recovery-oriented approach."""
    return _staff_trained([unit]).get(unit.pk, 0)


def _staff_trained(units: list[Unit]) -> dict[int, int]:
    rows = (
        StaffTrainingParticipant.objects.filter(
            unit__in=units, training__kind=StaffTrainingKind.RECOVERY
        )
        .values_list("unit_id", "name")
        .distinct()
    )
    counts: dict[int, int] = {}
    for unit_id, _name in rows:
        counts[unit_id] = counts.get(unit_id, 0) + 1
    return counts


def peer_supporters_planned(unit: Unit, day: date) -> int:
    """Peer supporters working or planned on the unit and on its organisation's other units:
    the seeds' "vikten av flera PEER Supportrar" – nobody should be alone in the role."""
    return _planned_by_organisation([unit], day).get(unit.organisation_id, 0)


def _planned_by_organisation(units: list[Unit], day: date) -> dict[int, int]:
    organisations = {unit.organisation_id for unit in units}
    working = (
        Employment.objects.filter(
            valid_on(day, "starts_on", "ends_on"), unit__organisation_id__in=organisations
        )
        .values("unit__organisation_id")
        .annotate(n=Count("id"))
        .values_list("unit__organisation_id", "n")
    )
    seats = (
        Position.objects.filter(is_open=True, unit__organisation_id__in=organisations)
        .values("unit__organisation_id")
        .annotate(n=Sum("seats"))
        .values_list("unit__organisation_id", "n")
    )
    planned: dict[int, int] = {}
    for organisation_id, n in [*working, *seats]:
        planned[organisation_id] = planned.get(organisation_id, 0) + (n or 0)
    return planned


def check(unit: Unit, day: date) -> Readiness:
    return check_many([unit], day)[unit.pk]


def check_many(units, day: date) -> dict[int, Readiness]:
    """The checklist of every unit, by unit id, in the same few queries for 1 unit as
    for 30 (the overview and the start pages)."""
    units = list(units)
    if not units:
        return {}
    records = {r.unit_id: r for r in UnitReadiness.objects.filter(unit__in=units)}
    trained = _staff_trained(units)
    planned = _planned_by_organisation(units, day)
    agreed = set(
        Position.objects.filter(unit__in=units, role_agreed_on__isnull=False).values_list(
            "unit_id", flat=True
        )
    )
    return {
        unit.pk: _check(
            unit,
            records.get(unit.pk) or UnitReadiness(unit=unit),
            trained.get(unit.pk, 0),
            planned.get(unit.organisation_id, 0),
            unit.pk in agreed,
        )
        for unit in units
    }


def _check(unit: Unit, readiness, trained: int, planned: int, agreed: bool) -> Readiness:
    needed = settings.READINESS_STAFF_SHARE
    staff = unit.staff_count or 0
    share_ok = staff > 0 and trained >= needed * staff
    share: object
    if staff:
        share = _("%(trained)d of %(staff)d staff trained (%(share)d %%), %(needed)d %% needed") % {
            "trained": trained,
            "staff": staff,
            "share": round(100 * trained / staff),
            "needed": round(100 * needed),
        }
    else:
        share = _("Record the unit's number of staff to compute the share.")
    items = [
        Item(
            "staff_trained",
            _("Staff trained in the recovery-oriented approach"),
            share_ok,
            str(share),
        ),
        Item(
            "manager_briefed",
            _("Manager briefed"),
            readiness.manager_briefed_on is not None,
            str(readiness.manager_briefed_on or ""),
        ),
        Item("role_agreed", _("Role description agreed"), agreed),
        Item(
            "supervision",
            _("Supervision arranged"),
            readiness.supervision_arranged_on is not None,
            str(readiness.supervision_arranged_on or ""),
        ),
        Item(
            "two_peers",
            _("At least two peer supporters on the unit or nearby"),
            planned >= 2,
            str(_("%(n)d working or planned") % {"n": planned}),
        ),
        Item("introduction", _("Introduction plan"), bool(readiness.introduction_plan.strip())),
    ]
    return Readiness(items=items, trained=trained, staff=unit.staff_count)
