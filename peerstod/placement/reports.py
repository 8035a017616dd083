"""Placement reports: supply and demand, retention, long-term sick leave."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from peerstod.core.suppression import Cell, suppress_growing
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
    share: int | None  # whole percent, from shown counts only


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


RETENTION_MONTHS = (6, 12, 24)


def _month_ends(first: date, last: date) -> list[date]:
    """The last day of every month from `first`'s to before `last`, then `last`."""
    days, day = [], month_end(first)
    while day < last:
        days.append(day)
        day = month_end(day + timedelta(days=1))
    return [*days, last]


def _retention_figures(spells, day: date) -> dict[tuple[str, int], int]:
    """("started", M): spells begun at least M months before `day`; ("kept", M): of
    them, those still running M months after they began."""
    figures = {}
    for months in RETENTION_MONTHS:
        eligible = [(s, e) for s, e in spells if _add_months(s, months) <= day]
        figures[("started", months)] = len(eligible)
        figures[("kept", months)] = sum(
            1 for s, e in eligible if e is None or e >= _add_months(s, months)
        )
    return figures


# Which figures of one day are subsets of which: started 6 ⊇ started 12 ⊇ started 24,
# kept 6 ⊇ kept 12 ⊇ kept 24, started M ⊇ kept M, and what follows from those.
_RETENTION_NESTED = [
    (("started", a), (kind, b))
    for a in RETENTION_MONTHS
    for b in RETENTION_MONTHS
    for kind in ("started", "kept")
    if b > a or (kind == "kept" and b == a)
] + [(("kept", a), ("kept", b)) for a in RETENTION_MONTHS for b in RETENTION_MONTHS if b > a]


def retention(employments: list[Employment], today: date) -> list[RetentionRow]:
    """Still employed 6, 12 and 24 months after starting, as of `today` (the view
    passes the end of last month, so the page changes once a month).

    The six figures are nested sets, and each only grows over time: the difference of
    two shown ones is a group of people ("started 12 months ago" minus "still employed"
    is who left; this month's figure minus last month's is who just passed the mark).
    They are suppressed by `suppress_growing` over every month end from the first
    employment on, as a reader looking each month would have seen them. The share is
    computed from shown counts only, in whole percent."""
    spells = _spells(employments)
    first = min((s for s, _e in spells), default=today)
    cells = suppress_growing(
        [_retention_figures(spells, day) for day in _month_ends(first, today)],
        nested=_RETENTION_NESTED,
        population={("kept", m): ("started", m) for m in RETENTION_MONTHS},
    )
    rows = []
    for months in RETENTION_MONTHS:
        started, kept = cells[("started", months)], cells[("kept", months)]
        share = (
            round(100 * kept.value / started.value)
            if started.value and kept.value is not None
            else None
        )
        rows.append(RetentionRow(months, started, kept, share))
    return rows


def sick_leave_by_year(unit_ids, today: date | None = None) -> list[tuple[int, Cell, Cell]]:
    """(year, peer supporters employed that year, of them those whose long-term sick
    leave began that year), up to `today` (the view passes the end of last month).

    Sick leave is health data, so what is counted is PEOPLE on leave, never periods
    (one person can have five). The two figures are nested steps, and both grow while
    the year runs, so each year is suppressed by `suppress_growing` over its month
    ends: hidden when 1 to threshold-1 people are behind a figure, between it and the
    employed, or between it and last month's; hidden when the employed are (even
    "none" is then about the few), and when everybody employed was on leave."""
    today = today or timezone.localdate()
    employments = list(Employment.objects.filter(unit_id__in=unit_ids, starts_on__lte=today))
    leaves = list(
        SickLeave.objects.filter(
            employment__unit_id__in=unit_ids, starts_on__lte=today
        ).values_list("starts_on", "employment__person_id")
    )
    years = sorted({e.starts_on.year for e in employments})
    if years:
        years = list(range(years[0], today.year + 1))

    def figures(year: int, day: date) -> dict[str, int]:
        first = date(year, 1, 1)
        employed = {
            e.person_id
            for e in employments
            if e.starts_on <= day and (e.ends_on is None or e.ends_on >= first)
        }
        on_leave = {p for start, p in leaves if first <= start <= day} & employed
        return {"employed": len(employed), "on_leave": len(on_leave)}

    rows = []
    for year in years:
        days = _month_ends(date(year, 1, 1), min(date(year, 12, 31), today))
        cells = suppress_growing(
            [figures(year, day) for day in days],
            nested=[("employed", "on_leave")],
            population={"on_leave": "employed"},
            everyone_hidden=frozenset({"on_leave"}),
        )
        rows.append((year, cells["employed"], cells["on_leave"]))
    return rows


def employments_for(unit_ids) -> list[Employment]:
    return list(Employment.objects.filter(unit_id__in=unit_ids))
