"""The peer supporter's schedule as an iCal feed (RFC 5545), weekly recurring events.

The feed says what the week page says: a day cancelled on the page (by the peer
supporter, or a public holiday such as Juldagen) is not in the feed (EXDATE), and a day
moved is the same event at its new time (RECURRENCE-ID). The times are Stockholm's, with
the VTIMEZONE block calendars need to read them."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import timezone
from icalendar import Calendar, Event

from peerstod.people.models import Person
from peerstod.work.models import ScheduleItem
from peerstod.work.week import public_holidays

STOCKHOLM = ZoneInfo("Europe/Stockholm")
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
# An item without an end recurs for ever; its holidays are listed up to the end of next
# year (the feed is fetched again every few hours, and the list moves on with it).
YEARS_AHEAD = 1


def _at(day: date, clock) -> datetime:
    return datetime.combine(day, clock, tzinfo=STOCKHOLM)


def _event(item: ScheduleItem, starts: datetime, ends: datetime, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", f"{item.code}@peerstod")
    event.add("summary", item.title)
    if item.place:
        event.add("location", f"{item.place}, {item.unit.name}")
    event.add("dtstart", starts)
    event.add("dtend", ends)
    event.add("dtstamp", stamp)
    return event


def _holidays_on_weekday(item: ScheduleItem, first: date, today: date) -> list[date]:
    last_year = item.valid_to.year if item.valid_to else today.year + YEARS_AHEAD
    found: list[date] = []
    for year in range(first.year, last_year + 1):
        found += [
            day
            for day in public_holidays(year)
            if day.weekday() == item.weekday
            and day >= first
            and (item.valid_to is None or day <= item.valid_to)
        ]
    return sorted(found)


def ical(person: Person, items: QuerySet[ScheduleItem], today: date) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Peerstöd//schema//SV")
    calendar.add("version", "2.0")
    # No name: a link that has spread shows a week, not whose week it is.
    calendar.add("x-wr-calname", "Peerstöd")
    stamp = _at(today, datetime.min.time())
    for item in items.select_related("unit").prefetch_related("exceptions"):
        first = item.valid_from + timedelta(days=(item.weekday - item.valid_from.weekday()) % 7)
        length = datetime.combine(first, item.ends_at) - datetime.combine(first, item.starts_at)
        event = _event(item, _at(first, item.starts_at), _at(first, item.ends_at), stamp)
        rule = {"freq": "weekly", "byday": DAYS[item.weekday]}
        if item.valid_to:
            rule["until"] = _at(item.valid_to, item.ends_at)
        event.add("rrule", rule)
        changes = {change.day: change for change in item.exceptions.all()}
        skipped = {day for day, change in changes.items() if change.moved_to is None}
        # As on the page: a change of that day wins over the holiday.
        skipped |= {d for d in _holidays_on_weekday(item, first, today) if d not in changes}
        for day in sorted(skipped):
            event.add("exdate", _at(day, item.starts_at))
        calendar.add_component(event)
        for day, change in sorted(changes.items()):
            if change.moved_to is None:
                continue
            starts = timezone.localtime(change.moved_to, STOCKHOLM)
            override = _event(item, starts, starts + length, stamp)
            override.add("recurrence-id", _at(day, item.starts_at))
            calendar.add_component(override)
    calendar.add_missing_timezones()
    return calendar.to_ical()
