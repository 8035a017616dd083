"""Activity reports, read from the monthly roll-up (never from the entries)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import QuerySet, Sum

from peerstod.core.suppression import Cell, suppress_each
from peerstod.work.categories import OUTSIDE_ROLE, WITH_PATIENTS, Category
from peerstod.work.models import ActivityMonth


@dataclass
class MonthFigures:
    month: date
    hours: dict[str, float] = field(default_factory=dict)
    total_hours: float = 0
    core_share: float | None = None
    conversations: Cell = Cell(0)
    group_activities: Cell = Cell(0)
    participants: Cell = Cell(0)


@dataclass
class ActivityReport:
    months: list[MonthFigures]
    categories: list[Category]

    def hours_by_category(self) -> list[tuple[str, list[float]]]:
        return [
            (str(c.label), [m.hours.get(c.value, 0) for m in self.months]) for c in self.categories
        ]


def build(
    rows: QuerySet[ActivityMonth], *, first: date, last: date, suppress: bool
) -> ActivityReport:
    """`suppress`: hide small counts of activities and participants (unit and
    organisation reports). A peer supporter's own report shows everything."""
    figures = (
        rows.filter(month__gte=first, month__lte=last)
        .values("month", "category")
        .annotate(
            minutes=Sum("minutes"),
            entries=Sum("entries"),
            groups=Sum("group_entries"),
            participants=Sum("participants"),
        )
        .order_by("month")
    )
    by_month: dict[date, dict[str, dict]] = defaultdict(dict)
    for row in figures:
        by_month[row["month"]][row["category"]] = row
    months = []
    month = first
    while month <= last:
        data = by_month.get(month, {})
        hours = {c: round(r["minutes"] / 60, 1) for c, r in data.items()}
        total = sum(r["minutes"] for r in data.values())
        core = sum(r["minutes"] for c, r in data.items() if c not in OUTSIDE_ROLE)
        counts = {
            "conversations": data.get(Category.CONVERSATION.value, {}).get("entries", 0),
            "groups": sum(r["groups"] for r in data.values()),
            "participants": sum(r["participants"] for c, r in data.items() if c in WITH_PATIENTS),
        }
        cells = suppress_each(counts) if suppress else {k: Cell(v) for k, v in counts.items()}
        months.append(
            MonthFigures(
                month=month,
                hours=hours,
                total_hours=round(total / 60, 1),
                core_share=core / total if total else None,
                conversations=cells["conversations"],
                group_activities=cells["groups"],
                participants=cells["participants"],
            )
        )
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    used = {c for m in months for c in m.hours}
    return ActivityReport(months, [c for c in Category if c.value in used])
