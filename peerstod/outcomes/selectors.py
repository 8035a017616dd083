"""Scoped reads for outcomes: the organisation's coordinators and evaluators see its
units, unit managers their own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Count, Max, Min, Q, QuerySet

from peerstod.accounts.roles import Role
from peerstod.accounts.scope import Scope
from peerstod.core import audit
from peerstod.orgs.models import Organisation, Unit
from peerstod.outcomes import actions
from peerstod.outcomes.models import (
    Builtin,
    ComparisonUnit,
    ImportUpload,
    Indicator,
    IndicatorValue,
    PeerSupportPeriod,
)

READERS = (Role.PROGRAMME_COORDINATOR, Role.EVALUATOR, Role.UNIT_MANAGER)
WRITERS = (Role.PROGRAMME_COORDINATOR,)


def units(*, scope: Scope) -> QuerySet[Unit]:
    return (
        Unit.objects.filter(pk__in=scope.unit_ids(*READERS))
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )


def writable_units(*, scope: Scope) -> QuerySet[Unit]:
    return Unit.objects.filter(organisation_id__in=scope.organisation_ids(*WRITERS)).order_by(
        "name"
    )


def coordinated_organisations(*, scope: Scope) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=scope.organisation_ids(*WRITERS))


def can_write(*, scope: Scope) -> bool:
    return scope.has_role(*WRITERS)


def indicators(*, scope: Scope) -> QuerySet[Indicator]:
    return Indicator.objects.filter(
        Q(organisation__isnull=True) | Q(organisation_id__in=scope.organisation_ids(*READERS))
    )


def coverage(*, unit_ids: list[int]) -> dict[int, dict]:
    """Per unit: how many months have bed-days, and the first and last of them."""
    return {
        row["unit_id"]: dict(row)
        for row in IndicatorValue.objects.filter(
            unit_id__in=unit_ids, indicator__key=Builtin.BED_DAYS
        )
        .values("unit_id")
        .annotate(n=Count("pk"), first=Min("month"), last=Max("month"))
    }


def values_count(*, unit_ids: list[int], first: date, last: date) -> int:
    """How many indicator values the units have from month `first` to `last`."""
    return IndicatorValue.objects.filter(
        unit_id__in=unit_ids, month__gte=first, month__lte=last
    ).count()


def periods(*, unit_ids: list[int]) -> QuerySet[PeerSupportPeriod]:
    return PeerSupportPeriod.objects.filter(unit_id__in=unit_ids).select_related("unit")


def period_get(*, scope: Scope, pk: int) -> PeerSupportPeriod | None:
    return (
        PeerSupportPeriod.objects.select_related("unit")
        .filter(pk=pk, unit__organisation_id__in=scope.organisation_ids(*WRITERS))
        .first()
    )


def comparison_ids(*, unit_ids: list[int]) -> set[int]:
    return set(
        ComparisonUnit.objects.filter(unit_id__in=unit_ids).values_list("unit_id", flat=True)
    )


def series_rows(
    *, unit_ids: set[int], indicator: Indicator
) -> list[tuple[int, date, float, float]]:
    """(unit, month, indicator value, bed-days) for every unit-month with both."""
    values = {
        (v.unit_id, v.month): float(v.value)
        for v in IndicatorValue.objects.filter(unit_id__in=unit_ids, indicator=indicator).only(
            "unit_id", "month", "value"
        )
    }
    rows = []
    for v in IndicatorValue.objects.filter(
        unit_id__in=unit_ids, indicator__key=Builtin.BED_DAYS, indicator__organisation=None
    ).only("unit_id", "month", "value"):
        found = values.get((v.unit_id, v.month))
        if found is not None and v.value > 0:
            rows.append((v.unit_id, v.month, found, float(v.value)))
    return rows


def data_version(*, unit_ids: set[int], indicator: Indicator) -> tuple:
    """What an analysis of these units and this indicator is built from, in short: the
    number of values and when the last one was written (indicator and bed-days), the
    units' names and peer-support periods, and which of them are comparison units. Two
    queries; any change to the figures or the periods gives another version."""
    values = IndicatorValue.objects.filter(unit_id__in=unit_ids).filter(
        Q(indicator=indicator) | Q(indicator__key=Builtin.BED_DAYS, indicator__organisation=None)
    )
    summary = values.aggregate(n=Count("id"), last=Max("changed_at"))
    periods = sorted(
        PeerSupportPeriod.objects.filter(unit_id__in=unit_ids).values_list(
            "unit_id", "starts_on", "ends_on"
        )
    )
    units = sorted(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "name"))
    return (
        summary["n"],
        summary["last"].isoformat() if summary["last"] else "",
        tuple(periods),
        tuple(units),
        tuple(sorted(comparison_ids(unit_ids=list(unit_ids)))),
        indicator.name,
    )


def export_noted(*, actor, export: str, indicator, units: list[Unit]) -> None:
    """Aggregates only (the page writes no read row), but every file that leaves the
    platform is audited (DESIGN.md rule 5)."""
    audit.read(
        actor=actor,
        action=actions.ANALYSIS_EXPORTED,
        organisation=units[0].organisation,
        export=export,
        indicator=indicator.key,
        units=[u.code for u in units],
    )


# ---------------------------------------------------------------- figures due

# A month's figures are due by this day of the next month (the registers close the
# month first): on 2026-12-14 the figures up to October are due, from the 15th November's.
DUE_DAY = 15


def due_month(day: date) -> date:
    """The last month whose figures are due on `day`."""
    back = 1 if day.day >= DUE_DAY else 2
    year, month = day.year, day.month - back
    while month < 1:
        year, month = year - 1, month + 12
    return date(year, month, 1)


def _month_range(first: date, last: date) -> list[date]:
    found, year, month = [], first.year, first.month
    while date(year, month, 1) <= last:
        found.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


@dataclass
class Reporting:
    """A unit that reports figures: which due months have no bed-days yet."""

    unit: Unit
    last: date | None
    missing: list[date]


def reporting(*, scope: Scope, role: str, day: date) -> list[Reporting]:
    """The units the role sees that report figures – they have some, or peer support, or
    serve as a comparison – with the months due by `day` that have no bed-days, from
    their first month with figures (or with peer support) on."""
    unit_ids = scope.unit_ids(role)
    months: dict[int, set[date]] = {}
    for unit_id, month in IndicatorValue.objects.filter(
        unit_id__in=unit_ids, indicator__key=Builtin.BED_DAYS, indicator__organisation=None
    ).values_list("unit_id", "month"):
        months.setdefault(unit_id, set()).add(month)
    starts = dict(
        PeerSupportPeriod.objects.filter(unit_id__in=unit_ids)
        .values("unit_id")
        .annotate(first=Min("starts_on"))
        .values_list("unit_id", "first")
    )
    compared = comparison_ids(unit_ids=list(unit_ids))
    due = due_month(day)
    found = []
    for unit in Unit.objects.filter(pk__in=unit_ids).order_by("name"):
        have = months.get(unit.pk, set())
        firsts = [*have, *([starts[unit.pk]] if unit.pk in starts else [])]
        if not firsts and unit.pk not in compared:
            continue
        first = min(firsts) if firsts else due
        missing = [m for m in _month_range(first, due) if m not in have]
        found.append(Reporting(unit=unit, last=max(have) if have else None, missing=missing))
    return found


def import_upload(*, pk: int, owner_id: int) -> ImportUpload | None:
    """The file a background import reads: only its owner's."""
    return ImportUpload.objects.select_related("owner").filter(pk=pk, owner_id=owner_id).first()


def job_owner(*, owner_id: int):
    """The user a background job runs for (its scope is read again from the roles)."""
    return get_user_model().objects.filter(pk=owner_id, is_active=True).first()
