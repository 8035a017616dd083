"""A week of the schedule: recurring items, this week's changes and public holidays."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import holidays
from django.db.models import QuerySet
from django.utils import timezone

from peerstod.core.periods import overlaps
from peerstod.work.models import ScheduleItem


@dataclass(frozen=True)
class Occurrence:
    item: ScheduleItem
    day: date
    starts_at: time
    ends_at: time
    cancelled: bool
    moved: bool
    note: str


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def public_holidays(year: int) -> dict[date, str]:
    return dict(holidays.country_holidays("SE", years=year, language="sv"))


def occurrences(items: QuerySet[ScheduleItem], monday: date) -> list[Occurrence]:
    sunday = monday + timedelta(days=6)
    active = (
        items.filter(overlaps(monday, sunday, "valid_from", "valid_to"))
        .prefetch_related("exceptions")
        .select_related("unit", "person")
    )
    free_days = public_holidays(monday.year) | public_holidays(sunday.year)
    found = []
    for item in active:
        day = monday + timedelta(days=item.weekday)
        if day < item.valid_from or (item.valid_to and day > item.valid_to):
            continue
        change = next((e for e in item.exceptions.all() if e.day == day), None)
        if change is not None and change.moved_to is not None:
            moved = change.moved_to
            length = datetime.combine(day, item.ends_at) - datetime.combine(day, item.starts_at)
            local = timezone.localtime(moved) if timezone.is_aware(moved) else moved
            found.append(
                Occurrence(
                    item,
                    local.date(),
                    local.time(),
                    (local + length).time(),
                    False,
                    True,
                    change.note,
                )
            )
            continue
        cancelled = change is not None or day in free_days
        note = change.note if change else free_days.get(day, "")
        found.append(
            Occurrence(item, day, item.starts_at, item.ends_at, cancelled, False, str(note))
        )
    return sorted(found, key=lambda o: (o.day, o.starts_at))
