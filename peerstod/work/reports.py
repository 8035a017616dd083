"""Activity reports, read from the monthly roll-up (never from the entries).

A unit or organisation report is an aggregate over peer supporters, and it must not be
one person's timesheet. Every figure is hidden ("–") when the peer supporters behind it
are 1 to `settings.SUPPRESSION_THRESHOLD`-1, whatever its size (`work.by_people`): all of
a unit's month – zeros too – when fewer people logged there that month (or, when nobody
logged, fewer were employed there), an hours cell when fewer people logged that kind of
work, a count of activities when fewer people did them; participants reached (patients)
also when they are few. A month's figures form one table: every unit the viewer can
choose, by kind of work, with each unit's total and the total of all of them. A row or
column of it with a single hidden figure gets a second one hidden (complementary), so
neither the month's total nor "all my units" minus the other units gives a hidden
figure back. The split in and outside the peer role (partial sums) is shown only where
nothing behind it is hidden; a kind's total over the period only when none of its
months is. A month's table depends on that month alone, so a longer or shorter period
hides the same cells. A peer supporter's own report shows all of their own figures.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db.models import QuerySet

from peerstod.core.periods import overlaps
from peerstod.core.suppression import TOTAL, Cell, suppress_by_people
from peerstod.placement.models import Employment
from peerstod.work.categories import OUTSIDE_ROLE, WITH_PATIENTS, Category
from peerstod.work.models import ActivityMonth

MAX_MONTHS = 60  # a report spans at most five years


@dataclass
class MonthFigures:
    month: date
    hours: dict[str, float | None] = field(default_factory=dict)
    total_hours: float | None = 0
    core_hours: float | None = 0
    outside_hours: float | None = 0
    core_share: float | None = None
    conversations: Cell = Cell(0)
    group_activities: Cell = Cell(0)
    participants: Cell = Cell(0)
    hidden: bool = False  # some figure of this month is hidden


@dataclass
class ActivityReport:
    months: list[MonthFigures]
    categories: list[Category]
    threshold: int = 0  # 0: nothing is suppressed (a person's own report)

    @property
    def suppressed(self) -> bool:
        return any(m.hidden for m in self.months)

    def hours_by_category(self) -> list[tuple[str, list[float | None]]]:
        return [
            (str(c.label), [m.hours.get(c.value, 0) for m in self.months]) for c in self.categories
        ]

    def category_totals(self) -> list[tuple[str, float | None]]:
        """Hours per kind over the whole period; hidden when one of its months is."""
        totals = []
        for name, values in self.hours_by_category():
            hidden = any(v is None for v in values)
            totals.append((name, None if hidden else round(sum(values), 1)))
        return totals


def _next(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    months, month = [], first
    while month <= last:
        months.append(month)
        month = _next(month)
    return months


def span(first: date, last: date) -> tuple[date, date]:
    """The months asked for, in order, at most `MAX_MONTHS` long (ending at `last`)."""
    if first > last:
        first, last = last, first
    if (last.year - first.year) * 12 + last.month - first.month >= MAX_MONTHS:
        index = last.year * 12 + last.month - 1 - (MAX_MONTHS - 1)
        first = date(index // 12, index % 12 + 1, 1)
    return first, last


def _hours(minutes: int) -> float:
    return round(minutes / 60, 1)


# The per-month counts beside the hours, each with the people behind it.
COUNTS = ("conversations", "groups", "participants")


@dataclass
class _Leaf:
    """One unit-month (or all of them): figures and the distinct people behind each."""

    minutes: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    people: dict[str, set] = field(default_factory=lambda: defaultdict(set))
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    counted: dict[str, set] = field(default_factory=lambda: defaultdict(set))
    loggers: set = field(default_factory=set)
    employed: set = field(default_factory=set)

    def add(self, person: int, category: str, row: dict) -> None:
        self.loggers.add(person)
        self.minutes[category] += row["minutes"]
        self.people[category].add(person)
        if category == Category.CONVERSATION.value:
            self.counts["conversations"] += row["entries"]
            self.counted["conversations"].add(person)
        if row["group_entries"]:
            self.counts["groups"] += row["group_entries"]
            self.counted["groups"].add(person)
        if category in WITH_PATIENTS and row["participants"]:
            self.counts["participants"] += row["participants"]
            self.counted["participants"].add(person)

    @property
    def group(self) -> int:
        """The people the row is about: those who logged, or when nobody did, those
        employed (a unit of one who logged nothing would otherwise show that 0)."""
        return len(self.loggers) or len(self.employed)


def build(
    rows: QuerySet[ActivityMonth],
    *,
    first: date,
    last: date,
    suppress: bool,
    units: list | None = None,
    chosen=None,
) -> ActivityReport:
    """The report of `rows` for the months `first`..`last`.

    Without `suppress`: a peer supporter's own report, everything shown. With it: the
    figures of unit `chosen` (a Unit), or of all `units` together when `chosen` is None.
    `units` are every unit the viewer can choose in the report (default: the units in
    `rows`): the figures are suppressed as one table of those units and their total, so
    the chosen unit's view, the other units' views and the total hide the same figures
    and none of them gives a hidden one back by subtraction."""
    logged = rows.filter(month__gte=first, month__lte=last, entries__gt=0)
    fetched = list(
        logged.values(
            "month",
            "unit_id",
            "person_id",
            "category",
            "minutes",
            "entries",
            "group_entries",
            "participants",
        )
    )
    if not suppress:
        return _own(fetched, first, last)
    unit_ids = (
        [u.pk for u in units] if units is not None else sorted({r["unit_id"] for r in fetched})
    )
    leaves: dict[tuple[date, object], _Leaf] = defaultdict(_Leaf)
    for row in fetched:
        if row["unit_id"] not in unit_ids:
            continue
        for key in (row["unit_id"], TOTAL):
            leaves[(row["month"], key)].add(row["person_id"], row["category"], row)
    for unit_id, person_id, starts_on, ends_on in _employments(unit_ids, first, _next(last)):
        for month in months_between(first, last):
            if starts_on < _next(month) and (ends_on is None or ends_on >= month):
                for key in (unit_id, TOTAL):
                    leaves[(month, key)].employed.add(person_id)
    row_key = TOTAL if chosen is None else chosen.pk
    limit = settings.SUPPRESSION_THRESHOLD
    months = [
        _suppressed_month(month, unit_ids, leaves, row_key, limit)
        for month in months_between(first, last)
    ]
    used = {c for m in months for c in m.hours}
    return ActivityReport(months, [c for c in Category if c.value in used], limit)


def _employments(unit_ids, first: date, following: date):
    """Employments on the units on some day from `first` to the day before `following`."""
    return Employment.objects.filter(
        overlaps(first, following - timedelta(days=1)), unit_id__in=unit_ids
    ).values_list("unit_id", "person_id", "starts_on", "ends_on")


def _own(fetched: list[dict], first: date, last: date) -> ActivityReport:
    """A peer supporter's own figures: nothing is hidden from the person they describe."""
    by_month: dict[date, _Leaf] = defaultdict(_Leaf)
    for row in fetched:
        by_month[row["month"]].add(row["person_id"], row["category"], row)
    months = []
    for month in months_between(first, last):
        leaf = by_month.get(month, _Leaf())
        minutes = {c: m for c, m in leaf.minutes.items() if m}
        total = sum(minutes.values())
        core = sum(m for c, m in minutes.items() if c not in OUTSIDE_ROLE)
        months.append(
            MonthFigures(
                month=month,
                hours={c: _hours(m) for c, m in minutes.items()},
                total_hours=_hours(total),
                core_hours=_hours(core),
                outside_hours=_hours(total - core),
                core_share=core / total if total else None,
                conversations=Cell(leaf.counts["conversations"]),
                group_activities=Cell(leaf.counts["groups"]),
                participants=Cell(leaf.counts["participants"]),
            )
        )
    used = {c for m in months for c in m.hours}
    return ActivityReport(months, [c for c in Category if c.value in used], 0)


def _suppressed_month(
    month: date, unit_ids: list, leaves: dict, row_key, limit: int
) -> MonthFigures:
    """One month of the chosen row, suppressed as part of the table of every unit the
    viewer can choose (rows) by kind of work (columns), with its totals."""
    empty = _Leaf()
    leaf = {u: leaves.get((month, u), empty) for u in unit_ids}
    total_leaf = leaves.get((month, TOTAL), empty)
    # Kinds anyone logged this month on any of these units: a month's table does not
    # depend on the months around it, so every period asked for hides the same cells.
    columns = [c.value for c in Category if total_leaf.minutes.get(c.value)]
    hours = suppress_by_people(
        rows=unit_ids,
        columns=columns,
        values={(u, c): leaf[u].minutes.get(c, 0) for u in unit_ids for c in columns},
        people={(u, c): len(leaf[u].people.get(c, ())) for u in unit_ids for c in columns},
        row_people={u: leaf[u].group for u in unit_ids},
        column_people={c: len(total_leaf.people.get(c, ())) for c in columns},
        total_people=total_leaf.group,
        limit=limit,
    )
    counts = {
        name: suppress_by_people(
            rows=unit_ids,
            columns=[name],
            values={(u, name): leaf[u].counts.get(name, 0) for u in unit_ids},
            people={(u, name): len(leaf[u].counted.get(name, ())) for u in unit_ids},
            row_people={u: leaf[u].group for u in unit_ids},
            column_people={name: len(total_leaf.counted.get(name, ()))},
            total_people=total_leaf.group,
            # Participants reached are patients: a small number of them is hidden too.
            small_values=name == "participants",
            limit=limit,
        )
        for name in COUNTS
    }
    mine = total_leaf if row_key is TOTAL else leaf.get(row_key, empty)
    minutes = {c: mine.minutes.get(c, 0) for c in columns}
    total = sum(minutes.values())
    core = sum(m for c, m in minutes.items() if c not in OUTSIDE_ROLE)
    hidden_kinds = {c for c in columns if hours.is_hidden(row_key, c)}
    figures = MonthFigures(
        month=month,
        hours={
            c: (None if c in hidden_kinds else _hours(m))
            for c, m in minutes.items()
            if m or c in hidden_kinds
        },
        total_hours=None if hours.is_hidden(row_key, TOTAL) else _hours(total),
        core_hours=_hours(core),
        outside_hours=_hours(total - core),
        core_share=core / total if total else None,
    )
    # In and outside the role are partial sums: shown only where every kind behind them
    # is, and for the total of all units only where every unit's are (else the total
    # minus the shown units would give a hidden unit's split).
    partial_hidden = bool(hidden_kinds) or (
        row_key is TOTAL and any(hours.row_hidden(u) for u in unit_ids)
    )
    if partial_hidden or figures.total_hours is None:
        figures.core_hours = figures.outside_hours = figures.core_share = None
    cells = {}
    for name, table in counts.items():
        key = (row_key, name)
        value = mine.counts.get(name, 0)
        cells[name] = Cell(None, table.hidden[key]) if key in table.hidden else Cell(value)
    figures.conversations = cells["conversations"]
    figures.group_activities = cells["groups"]
    figures.participants = cells["participants"]
    figures.hidden = (
        bool(hidden_kinds)
        or figures.total_hours is None
        or partial_hidden
        or any(c.suppressed for c in cells.values())
    )
    return figures
