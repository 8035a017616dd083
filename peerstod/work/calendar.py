"""The peer supporter's schedule as an iCal feed (RFC 5545), weekly recurring events."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from icalendar import Calendar, Event

from peerstod.people.models import Person
from peerstod.work.models import ScheduleItem

STOCKHOLM = ZoneInfo("Europe/Stockholm")
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def ical(person: Person, items: QuerySet[ScheduleItem], today: date) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Peerstöd//schema//SV")
    calendar.add("version", "2.0")
    # No name: a link that has spread shows a week, not whose week it is.
    calendar.add("x-wr-calname", "Peerstöd")
    for item in items.prefetch_related("exceptions"):
        first = item.valid_from + timedelta(days=(item.weekday - item.valid_from.weekday()) % 7)
        event = Event()
        event.add("uid", f"{item.code}@peerstod")
        event.add("summary", item.title)
        if item.place:
            event.add("location", f"{item.place}, {item.unit.name}")
        event.add("dtstart", datetime.combine(first, item.starts_at, tzinfo=STOCKHOLM))
        event.add("dtend", datetime.combine(first, item.ends_at, tzinfo=STOCKHOLM))
        event.add("dtstamp", datetime.combine(today, datetime.min.time(), tzinfo=STOCKHOLM))
        rule = {"freq": "weekly", "byday": DAYS[item.weekday]}
        if item.valid_to:
            rule["until"] = datetime.combine(item.valid_to, item.ends_at, tzinfo=STOCKHOLM)
        event.add("rrule", rule)
        for change in item.exceptions.all():
            event.add("exdate", datetime.combine(change.day, item.starts_at, tzinfo=STOCKHOLM))
        calendar.add_component(event)
    return calendar.to_ical()
