"""The workday: logging in three taps, the roll-up, the lock, the week, the feed."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase
from icalendar import Calendar

from peerstod.accounts.scope import scope_for
from peerstod.work import reports, services
from peerstod.work.models import ActivityEntry, ActivityMonth
from peerstod.work.week import occurrences
from tests.work_world import make_peer, make_workday

TODAY = timezone.localdate


def log(world, **overrides):
    fields = dict(
        actor=world.users["peer"],
        unit=world.unit_a1,
        day=TODAY(),
        category="conversation",
        minutes=30,
    )
    fields.update(overrides)
    return services.entry_log(**fields)


def rollup_matches_entries():
    rolled = ActivityMonth.objects.aggregate(
        m=Sum("minutes"), n=Sum("entries"), p=Sum("participants")
    )
    actual = ActivityEntry.objects.aggregate(m=Sum("minutes"), p=Sum("participants"))
    return (rolled["m"] or 0, rolled["n"] or 0, rolled["p"] or 0) == (
        actual["m"] or 0,
        ActivityEntry.objects.count(),
        actual["p"] or 0,
    )


def test_three_taps_log_an_entry(client, world, login):
    make_workday(world)
    login(world.users["peer"])
    page = client.get(reverse("work:log"))  # tap 1: open the log
    assert "Samtal med patient" in page.content.decode()
    page = client.get(reverse("work:log") + "?kategori=conversation")  # tap 2: what
    assert "Tryck för att spara" in page.content.decode()
    response = client.post(
        reverse("work:log"),
        {  # tap 3: how long
            "category": "conversation",
            "unit": world.unit_a1.code,
            "participants": "1",
            "minutes": "30",
        },
    )
    assert response.status_code == 302
    assert ActivityEntry.objects.filter(day=TODAY(), minutes=30).count() == 1
    assert rollup_matches_entries()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"day": "tomorrow"}, "day"),
        ({"day": "before"}, "unit"),
        ({"unit": "b1"}, "unit"),
        ({"minutes": 0}, "minutes"),
        ({"minutes": 721}, "minutes"),
        ({"participants": -1}, "participants"),
        ({"note": "Ring 070-123 45 67"}, "note"),
        ({"note": "Patient 811218-9876 ville prata"}, "note"),
        ({"category": "out_coercion", "note": ""}, "note"),
        ({"category": "singing"}, "category"),
    ],
)
def test_bad_entries_are_refused_and_nothing_is_saved(world, overrides, field):
    make_workday(world)
    before = ActivityEntry.objects.count()
    if overrides.get("day") == "tomorrow":
        overrides["day"] = TODAY() + timedelta(days=1)
    if overrides.get("day") == "before":
        overrides["day"] = date(2025, 12, 31)
    if overrides.get("unit") == "b1":
        overrides["unit"] = world.unit_b1
    with pytest.raises(ValidationError) as raised:
        log(world, **overrides)
    assert field in raised.value.error_dict
    assert ActivityEntry.objects.count() == before
    assert rollup_matches_entries()


def test_a_task_outside_the_role_asks_one_line(world):
    make_workday(world)
    entry = log(
        world,
        category="out_coercion",
        minutes=60,
        note="Personalen bad mig sitta med vid en bältesläggning.",
    )
    assert entry.note.startswith("Personalen")


def test_only_the_peer_supporter_logs_for_themselves(world):
    make_workday(world)
    with pytest.raises(PermissionDenied):
        log(world, actor=world.users["manager"])


def test_corrections_keep_the_rollup_right_and_lock_after_14_days(world):
    workday = make_workday(world)
    entry = log(world, minutes=30)
    services.entry_update(
        actor=world.users["peer"], entry=entry, minutes=45, category="walk", participants=3
    )
    assert rollup_matches_entries()
    services.entry_delete(actor=world.users["peer"], entry=workday.entry)
    assert rollup_matches_entries()
    ActivityEntry.objects.filter(pk=entry.pk).update(created_at=timezone.now() - timedelta(days=15))
    entry.refresh_from_db()
    with pytest.raises(ValidationError) as raised:
        services.entry_update(actor=world.users["peer"], entry=entry, minutes=60)
    assert "14" in raised.value.messages[0]
    entry.refresh_from_db()
    assert entry.minutes == 45
    with pytest.raises(PermissionDenied):
        services.entry_delete(actor=world.users["manager"], entry=entry)


class RollupProperty(HypothesisTestCase):
    """Any sequence of logs, corrections and removals leaves the roll-up equal to a
    fresh count of the entries."""

    @settings(max_examples=25, deadline=None)
    @given(
        st.lists(
            st.tuples(
                st.sampled_from(["log", "edit", "delete"]),
                st.integers(1, 720),
                st.integers(1, 30),
                st.sampled_from(["conversation", "forum", "walk"]),
                st.integers(0, 40),
            ),
            max_size=12,
        )
    )
    def test_the_rollup_always_equals_the_entries(self, steps):
        from tests.conftest import World  # noqa: F401 - world built by hand below
        from tests.factories import (
            MembershipFactory,
            NetworkFactory,
            OrganisationFactory,
            UnitFactory,
            UserFactory,
        )

        network, region = NetworkFactory(), OrganisationFactory()
        unit = UnitFactory(organisation=region)
        user = UserFactory()
        MembershipFactory(user=user, role="peer_supporter", organisation=region, unit=unit)

        class W:
            def tenant(self, name):
                return self

        world = W()
        world.network, world.unit_a1 = network, unit
        world.users = {"peer": user}
        person = make_peer(world)
        from peerstod.placement.models import Employment

        Employment.objects.create(
            person=person, unit=unit, fte_percent=50, starts_on=TODAY() - timedelta(days=60)
        )
        for action, minutes, participants, category, back in steps:
            entries = list(ActivityEntry.objects.all())
            if action == "log" or not entries:
                services.entry_log(
                    actor=user,
                    unit=unit,
                    day=TODAY() - timedelta(days=back),
                    category=category,
                    minutes=minutes,
                    participants=participants,
                )
            elif action == "edit":
                services.entry_update(
                    actor=user,
                    entry=entries[0],
                    minutes=minutes,
                    category=category,
                    day=TODAY() - timedelta(days=back),
                )
            else:
                services.entry_delete(actor=user, entry=entries[-1])
            assert rollup_matches_entries()


def test_the_week_shows_changes_and_public_holidays(world):
    workday = make_workday(world)
    item = workday.item  # Fridays
    good_friday = date(2026, 4, 3)
    week = occurrences(type(item).objects.filter(pk=item.pk), good_friday - timedelta(days=4))
    assert [o.cancelled for o in week] == [True]
    assert "Långfredagen" in week[0].note
    normal_friday = date(2026, 3, 6)
    services.schedule_exception_set(
        scope=scope_for(world.users["peer"]),
        actor=world.users["peer"],
        item=item,
        day=normal_friday,
        note="Studiedag",
    )
    week = occurrences(type(item).objects.filter(pk=item.pk), normal_friday - timedelta(days=4))
    assert week[0].cancelled and week[0].note == "Studiedag"
    with pytest.raises(ValidationError):
        services.schedule_exception_set(
            scope=scope_for(world.users["peer"]),
            actor=world.users["peer"],
            item=item,
            day=date(2026, 3, 5),
        )  # a Thursday


def test_the_ical_feed_recurs_weekly_and_dies_when_renewed(client, world):
    workday = make_workday(world)
    url = reverse("work:feed", args=[workday.token])
    response = client.get(url)
    assert response["Content-Type"].startswith("text/calendar")
    events = [c for c in Calendar.from_ical(response.content).walk("VEVENT")]
    assert events[0]["SUMMARY"] == "Forum för inflytande"
    assert events[0]["RRULE"]["FREQ"] == ["WEEKLY"]
    assert events[0]["RRULE"]["BYDAY"] == ["FR"]
    services.calendar_feed_renew(actor=world.users["peer"], person=workday.person)
    assert client.get(url).status_code == 404


def test_the_week_poster_is_a_printable_page(client, world, login):
    make_workday(world)
    login(world.users["manager"])
    page = client.get(reverse("work:poster", args=[world.unit_a1.code]) + "?vecka=2026-03-02")
    text = page.content.decode()
    assert "Peer support den här veckan" in text and "Forum för inflytande" in text
    assert "10:30–11:15" in text


def test_the_unit_report_of_one_peer_supporter_hides_counts_and_hours(world):
    make_workday(world)
    log(world, category="forum", minutes=45, participants=3, format="group")
    month = TODAY().replace(day=1)
    unit_report = reports.build(
        ActivityMonth.objects.filter(unit=world.unit_a1), first=month, last=month, suppress=True
    )
    own = reports.build(
        ActivityMonth.objects.filter(unit=world.unit_a1), first=month, last=month, suppress=False
    )
    assert unit_report.months[0].participants.suppressed
    assert own.months[0].participants.value == 3
    assert unit_report.months[0].total_hours is None  # one person's hours: hidden
    assert own.months[0].total_hours == 0.8  # 45 min, all of it the person's own


def test_the_report_pages_and_excel(client, world, login):
    make_workday(world)
    login(world.users["peer"])
    url = reverse("work:report") + "?fran=2026-03&till=2026-03"
    page = client.get(url).content.decode()
    assert "Samtal med patient" in page
    response = client.get(url + "&format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    login(world.users["outsider"])
    assert client.get(reverse("work:report") + f"?enhet={world.unit_a1.code}").status_code == 404


def test_a_session_moved_to_another_day_shows_there(client, world, login):
    workday = make_workday(world)
    login(world.users["peer"])
    url = reverse("work:schedule_item", args=[workday.item.code])
    client.post(url, {"day": "2026-03-06", "moved_to": "2026-03-05T14:00", "note": ""})
    week = occurrences(type(workday.item).objects.filter(pk=workday.item.pk), date(2026, 3, 2))
    assert [(o.day, o.starts_at.hour, o.moved) for o in week] == [(date(2026, 3, 5), 14, True)]
