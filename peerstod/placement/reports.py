"""Placement reports: supply and demand, retention, long-term sick leave."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from peerstod.core.suppression import Cell, suppress_each
from peerstod.people.models import Person
from peerstod.placement.models import Employment, Position, SickLeave

DEGREES = [25, 50, 75, 100]


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


@dataclass(frozen=True)
class SupplyRow:
    fte: int
    supply: int  # available certified peer supporters who accept this degree
    demand: int  # open seats at this degree


def supply_and_demand(people: list[Person], positions: list[Position]) -> list[SupplyRow]:
    """Counts per service degree. A person counts at every degree in their accepted range.

    Shown to the coordinators who may see (and place) the people themselves; the page
    lists them beside the figures, so these counts are exact, not suppressed.
    """
    rows = []
    for degree in DEGREES:
        supply = sum(1 for p in people if p.fte_min <= degree <= p.fte_max)
        demand = sum(q.seats for q in positions if q.fte_percent == degree)
        rows.append(SupplyRow(degree, supply, demand))
    return rows


def open_positions(unit_ids) -> list[Position]:
    """Open positions, whenever they start: planned seats are demand too."""
    return list(Position.objects.filter(unit_id__in=unit_ids, is_open=True).select_related("unit"))


@dataclass(frozen=True)
class RetentionRow:
    months: int
    started: Cell
    still_employed: Cell
    share: float | None


def _spells(employments: list[Employment]) -> list[tuple[date, date | None]]:
    """Join one person's back-to-back employments (service-degree changes) into spells."""
    by_person: dict[int, list[Employment]] = {}
    for employment in employments:
        by_person.setdefault(employment.person_id, []).append(employment)
    spells = []
    for items in by_person.values():
        items.sort(key=lambda e: e.starts_on)
        start, end = items[0].starts_on, items[0].ends_on
        for employment in items[1:]:
            if end is not None and (employment.starts_on - end).days <= 1:
                end = employment.ends_on
            else:
                spells.append((start, end))
                start, end = employment.starts_on, employment.ends_on
        spells.append((start, end))
    return spells


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def retention(employments: list[Employment], today: date) -> list[RetentionRow]:
    spells = _spells(employments)
    rows = []
    for months in (6, 12, 24):
        eligible = [(s, e) for s, e in spells if _add_months(s, months) <= today]
        kept = [1 for s, e in eligible if e is None or e >= _add_months(s, months)]
        cells = suppress_each({"started": len(eligible), "kept": len(kept)})
        share = (
            len(kept) / len(eligible)
            if eligible and not cells["started"].suppressed and not cells["kept"].suppressed
            else None
        )
        rows.append(RetentionRow(months, cells["started"], cells["kept"], share))
    return rows


def sick_leave_by_year(unit_ids) -> list[tuple[int, Cell, Cell]]:
    """(year, employed that year, long-term sick-leave periods starting that year)."""
    employments = list(Employment.objects.filter(unit_id__in=unit_ids))
    leaves = list(SickLeave.objects.filter(employment__unit_id__in=unit_ids))
    years = sorted({e.starts_on.year for e in employments})
    if years:
        years = list(range(years[0], date.today().year + 1))
    rows = []
    for year in years:
        first, last = date(year, 1, 1), date(year, 12, 31)
        employed = len(
            {
                e.person_id
                for e in employments
                if e.starts_on <= last and (e.ends_on is None or e.ends_on >= first)
            }
        )
        started = sum(1 for leave in leaves if leave.starts_on.year == year)
        cells = suppress_each({"employed": employed, "leaves": started})
        rows.append((year, cells["employed"], cells["leaves"]))
    return rows


def employments_for(unit_ids) -> list[Employment]:
    return list(Employment.objects.filter(unit_id__in=unit_ids).filter(Q(starts_on__isnull=False)))
