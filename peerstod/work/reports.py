"""Activity reports, read from the monthly roll-up (never from the entries).

A unit or organisation report is an aggregate over peer supporters, and it must not be
one person's timesheet. Every figure is hidden ("–") when it describes fewer than
`settings.SUPPRESSION_THRESHOLD` peer supporters: a month's figures when fewer people
logged that month, an hours cell when fewer people logged that kind of work that month.
Because a month's total hours is shown, a single hidden cell in a month could be worked
out by subtraction, so a second cell is hidden too (complementary suppression), and the
split in and outside the peer role (a partial sum) is not shown for a month with hidden
cells; a kind's total over the period is shown only when none of its months is hidden.
A peer supporter's own report shows all of their own figures.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db.models import Count, QuerySet, Sum

from peerstod.core.suppression import Cell, Reason, suppress_each
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


def months_between(first: date, last: date) -> list[date]:
    months, month = [], first
    while month <= last:
        months.append(month)
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
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


def build(
    rows: QuerySet[ActivityMonth], *, first: date, last: date, suppress: bool
) -> ActivityReport:
    """`suppress`: hide figures that describe fewer peer supporters than the threshold,
    and small counts of activities and participants (unit and organisation reports). A
    peer supporter's own report shows everything."""
    logged = rows.filter(month__gte=first, month__lte=last, entries__gt=0)
    figures = (
        logged.values("month", "category")
        .annotate(
            minutes=Sum("minutes"),
            entries=Sum("entries"),
            groups=Sum("group_entries"),
            participants=Sum("participants"),
            people=Count("person", distinct=True),
        )
        .order_by("month")
    )
    by_month: dict[date, dict[str, dict]] = defaultdict(dict)
    for row in figures:
        by_month[row["month"]][row["category"]] = row
    people: dict[date, int] = {}
    if suppress:
        people = dict(
            logged.values("month")
            .annotate(people=Count("person", distinct=True))
            .values_list("month", "people")
        )
    limit = settings.SUPPRESSION_THRESHOLD if suppress else 0
    months = [
        _month(month, by_month.get(month, {}), people.get(month, 0), limit)
        for month in months_between(first, last)
    ]
    used = {c for m in months for c in m.hours}
    return ActivityReport(months, [c for c in Category if c.value in used], limit)


def _month(month: date, data: dict[str, dict], people: int, limit: int) -> MonthFigures:
    minutes = {c: r["minutes"] for c, r in data.items()}
    total = sum(minutes.values())
    core = sum(m for c, m in minutes.items() if c not in OUTSIDE_ROLE)
    counts = {
        "conversations": data.get(Category.CONVERSATION.value, {}).get("entries", 0),
        "groups": sum(r["groups"] for r in data.values()),
        "participants": sum(r["participants"] for c, r in data.items() if c in WITH_PATIENTS),
    }
    figures = MonthFigures(
        month=month,
        hours={c: _hours(m) for c, m in minutes.items()},
        total_hours=_hours(total),
        core_hours=_hours(core),
        outside_hours=_hours(total - core),
        core_share=core / total if total else None,
    )
    if not limit:
        cells = {k: Cell(v) for k, v in counts.items()}
    elif 0 < people < limit:
        # Fewer people than the threshold logged this month: nothing of it is shown.
        figures.hours = dict.fromkeys(minutes)
        figures.total_hours = figures.core_hours = figures.outside_hours = None
        figures.core_share = None
        figures.hidden = True
        cells = {k: Cell(None, Reason.SMALL) for k in counts}
    else:
        hidden = {c for c, r in data.items() if 0 < r["people"] < limit}
        if len(hidden) == 1:
            # One hidden cell would be the total minus the others: hide a second one.
            shown = sorted((m, c) for c, m in minutes.items() if c not in hidden)
            if shown:
                hidden.add(shown[0][1])
            else:
                figures.total_hours = None
        if hidden:
            for category in hidden:
                figures.hours[category] = None
            figures.core_hours = figures.outside_hours = figures.core_share = None
            figures.hidden = True
        cells = suppress_each(counts)
        if Category.CONVERSATION.value in hidden:
            cells["conversations"] = Cell(None, Reason.SMALL)
        if any(c.suppressed for c in cells.values()):
            figures.hidden = True
    figures.conversations = cells["conversations"]
    figures.group_activities = cells["groups"]
    figures.participants = cells["participants"]
    return figures
