"""The calendar feed says what the week page says: cancelled days (Juldagen, a day the
peer supporter cancelled) are not in it, a moved day is at its new time; it carries
Stockholm's VTIMEZONE; the link page offers copy, webcal and a download."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rruleset, rrulestr
from django.urls import reverse
from icalendar import Calendar

from peerstod.accounts.scope import scope_for
from peerstod.work import services
from peerstod.work.models import ScheduleItem
from peerstod.work.week import occurrences
from tests.work_world import make_workday

STOCKHOLM = ZoneInfo("Europe/Stockholm")
CHRISTMAS_WEEK = date(2026, 12, 21)  # Juldagen, 25 December 2026, is a Friday


def feed_starts(content: bytes, first: date, last: date) -> list[datetime]:
    """Every start the feed gives between `first` and `last`, as a calendar program
    expands it: RRULE minus EXDATE, each RECURRENCE-ID replaced by its own event."""
    events = Calendar.from_ical(content).walk("VEVENT")
    starts: list[datetime] = []
    overrides = [e for e in events if "RECURRENCE-ID" in e]
    for event in (e for e in events if "RECURRENCE-ID" not in e):
        dtstart = event.decoded("DTSTART")
        rules = rruleset()
        rules.rrule(rrulestr(event["RRULE"].to_ical().decode(), dtstart=dtstart))
        exdates = event.get("EXDATE", [])
        for group in exdates if isinstance(exdates, list) else [exdates]:
            for value in group.dts:
                rules.exdate(value.dt)
        for override in overrides:
            if override["UID"] == event["UID"]:
                rules.exdate(override.decoded("RECURRENCE-ID"))
        low = datetime.combine(first, datetime.min.time(), tzinfo=STOCKHOLM)
        high = datetime.combine(last, datetime.max.time(), tzinfo=STOCKHOLM)
        starts += rules.between(low, high, inc=True)
    starts += [
        o.decoded("DTSTART")
        for o in overrides
        if first <= o.decoded("DTSTART").astimezone(STOCKHOLM).date() <= last
    ]
    return sorted(s.astimezone(STOCKHOLM).replace(tzinfo=None) for s in starts)


def page_starts(item: ScheduleItem, first: date, last: date) -> list[datetime]:
    found = []
    monday = first - timedelta(days=first.weekday())
    while monday <= last:
        for o in occurrences(ScheduleItem.objects.filter(pk=item.pk), monday):
            if not o.cancelled and first <= o.day <= last:
                found.append(datetime.combine(o.day, o.starts_at))
        monday += timedelta(days=7)
    return sorted(found)


def test_juldagen_is_not_in_the_feed_as_it_is_cancelled_on_the_week_page(client, world):
    workday = make_workday(world)  # every Friday 10:30 from 2 January 2026
    week = occurrences(ScheduleItem.objects.filter(pk=workday.item.pk), CHRISTMAS_WEEK)
    assert [(o.day, o.cancelled, o.note) for o in week] == [(date(2026, 12, 25), True, "Juldagen")]
    content = client.get(reverse("work:feed", args=[workday.token])).content
    starts = feed_starts(content, date(2026, 12, 14), date(2027, 1, 3))
    assert datetime(2026, 12, 25, 10, 30) not in starts
    assert datetime(2026, 12, 18, 10, 30) in starts  # the Friday before is still there


def test_the_feed_and_the_week_page_agree_on_every_day_cancelled_or_moved(client, world):
    workday = make_workday(world)
    scope, peer = scope_for(world.users["peer"]), world.users["peer"]
    services.schedule_exception_set(
        scope=scope, actor=peer, item=workday.item, day=date(2026, 3, 13), note="Sjuk"
    )
    services.schedule_exception_set(
        scope=scope,
        actor=peer,
        item=workday.item,
        day=date(2026, 3, 20),
        moved_to=datetime(2026, 3, 19, 14, 0, tzinfo=STOCKHOLM),
    )
    content = client.get(reverse("work:feed", args=[workday.token])).content
    first, last = date(2026, 1, 1), date(2027, 12, 31)
    from_feed = feed_starts(content, first, last)
    assert from_feed == page_starts(workday.item, first, last)
    assert datetime(2026, 3, 13, 10, 30) not in from_feed
    assert datetime(2026, 3, 19, 14, 0) in from_feed
    assert datetime(2026, 4, 3, 10, 30) not in from_feed  # Långfredagen
    assert len(from_feed) > 90  # two years of Fridays, not an empty comparison


def test_the_feed_has_a_vtimezone_for_stockholm(client, world):
    workday = make_workday(world)
    calendar = Calendar.from_ical(client.get(reverse("work:feed", args=[workday.token])).content)
    zones = calendar.walk("VTIMEZONE")
    assert [str(z["TZID"]) for z in zones] == ["Europe/Stockholm"]
    assert {c.name for c in zones[0].subcomponents} == {"STANDARD", "DAYLIGHT"}
    event = calendar.walk("VEVENT")[0]
    assert event["DTSTART"].params["TZID"] == "Europe/Stockholm"


def test_the_feed_can_be_downloaded_as_a_file(client, world):
    workday = make_workday(world)
    url = reverse("work:feed", args=[workday.token])
    assert client.get(url)["Content-Disposition"].startswith("inline")
    download = client.get(url + "?ladda-ner")
    assert download["Content-Disposition"] == 'attachment; filename="peerstod.ics"'
    assert download.content == client.get(url).content


def test_the_first_calendar_link_does_not_say_an_old_one_stopped_working(client, world, login):
    workday = make_workday(world)
    services.calendar_feed_revoke(actor=world.users["peer"], person=workday.person)
    login(world.users["peer"])
    page = client.post(reverse("work:feed_link"), follow=True).content.decode()
    assert "Din kalenderlänk är gjord." in page
    assert "slutade fungera" not in page
    again = client.post(reverse("work:feed_link"), follow=True).content.decode()
    assert "den gamla slutade fungera" in again


def test_a_new_link_comes_with_copy_webcal_and_download_without_inline_script(client, world, login):
    make_workday(world)
    login(world.users["peer"])
    page = client.post(reverse("work:feed_link"), follow=True).content.decode()
    field = page.split('id="feed-url" type="text" readonly value="', 1)[1].split('"', 1)[0]
    assert field.startswith("http://testserver/arbete/kalender/") and field.endswith(".ics")
    assert f'href="webcal://{field.split("://", 1)[1]}"' in page
    assert "Lägg till i kalendern" in page
    assert f'href="{field}?ladda-ner" download="peerstod.ics"' in page
    assert 'data-copy="feed-url"' in page and "Kopiera länken" in page
    assert '<script src="/static/work/copy.js" defer></script>' in page
    assert "<script>" not in page
