"""The unit readiness checklist: is the unit ready to receive a peer supporter?"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

from peerstod.core.periods import valid_on
from peerstod.orgs.models import Unit
from peerstod.placement import selectors
from peerstod.placement.models import (
    Employment,
    Position,
    StaffTrainingKind,
    StaffTrainingParticipant,
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
    return (
        StaffTrainingParticipant.objects.filter(
            unit=unit, training__kind=StaffTrainingKind.RECOVERY
        )
        .values("name")
        .distinct()
        .count()
    )


def peer_supporters_planned(unit: Unit, day: date) -> int:
    """Peer supporters working or planned on the unit and on its organisation's other units:
    the seeds' "vikten av flera PEER Supportrar" – nobody should be alone in the role."""
    nearby = Q(unit__organisation_id=unit.organisation_id)
    working = Employment.objects.filter(nearby, valid_on(day, "starts_on", "ends_on")).count()
    open_seats = Position.objects.filter(nearby, is_open=True).aggregate(n=Sum("seats"))["n"] or 0
    return working + open_seats


def check(unit: Unit, day: date) -> Readiness:
    readiness = selectors.readiness_record(unit=unit)
    trained = staff_trained(unit)
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
    planned = peer_supporters_planned(unit, day)
    agreed = Position.objects.filter(unit=unit, role_agreed_on__isnull=False).exists()
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
