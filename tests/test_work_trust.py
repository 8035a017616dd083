"""Issue 13 for the workday: every change whole and audited, checked before it is
written, once only; reports that never show one person's hours; dates, codes and bytes
from the URL that answer without a 500; reads of someone else's week audited."""

import io
from datetime import date, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from peerstod.accounts.roles import Role
from peerstod.accounts.scope import scope_for
from peerstod.core.models import AuditEvent
from peerstod.people.models import Person
from peerstod.placement.models import Employment
from peerstod.work import reports, services
from peerstod.work.models import ActivityEntry, ActivityMonth, ScheduleException, ScheduleItem
from tests.factories import MembershipFactory, UserFactory
from tests.test_work import rollup_matches_entries
from tests.work_world import make_workday

PERSONNUMMER = "19121212-1212"  # valid check digit: the guard finds it
TODAY = timezone.localdate


def rollup():
    return list(
        ActivityMonth.objects.order_by("pk").values_list("entries", "minutes", "participants")
    )


def actions_written():
    return list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))


# Checked before anything is written --------------------------------------------------


def test_a_personal_number_in_a_logged_note_saves_no_entry_and_no_rollup(world):
    workday = make_workday(world)
    before = rollup()
    with pytest.raises(services.ValidationError) as raised:
        services.entry_log(
            actor=world.users["peer"],
            unit=world.unit_a1,
            day=TODAY(),
            category="out_coercion",
            minutes=30,
            note=f"Patienten {PERSONNUMMER} lades i bälte",
        )
    assert "note" in raised.value.error_dict
    assert list(ActivityEntry.objects.all()) == [workday.entry]
    assert rollup() == before


def test_a_personal_number_in_a_correction_leaves_the_entry_and_rollup_unchanged(world):
    workday = make_workday(world)
    before = rollup()
    with pytest.raises(services.ValidationError):
        services.entry_update(
            actor=world.users["peer"], entry=workday.entry, minutes=60, note=PERSONNUMMER
        )
    workday.entry.refresh_from_db()
    assert (workday.entry.minutes, workday.entry.note) == (30, "")
    assert rollup() == before


def test_a_personal_number_in_a_schedule_change_called_directly_saves_nothing(world):
    workday = make_workday(world)
    scope, peer = scope_for(world.users["peer"]), world.users["peer"]
    with pytest.raises(services.ValidationError) as raised:
        services.schedule_exception_set(
            scope=scope, actor=peer, item=workday.item, day=date(2026, 3, 6), note=PERSONNUMMER
        )
    assert "note" in raised.value.error_dict
    assert not ScheduleException.objects.exists()


def test_a_personal_number_does_not_overwrite_an_earlier_schedule_change(world):
    workday = make_workday(world)
    scope, peer = scope_for(world.users["peer"]), world.users["peer"]
    services.schedule_exception_set(
        scope=scope, actor=peer, item=workday.item, day=date(2026, 3, 6), note="Studiedag"
    )
    with pytest.raises(services.ValidationError):
        services.schedule_exception_set(
            scope=scope,
            actor=peer,
            item=workday.item,
            day=date(2026, 3, 6),
            note=f"Ring 070-123 45 67 eller {PERSONNUMMER}",
        )
    assert list(ScheduleException.objects.values_list("note", "cancelled")) == [("Studiedag", True)]


def test_a_personal_number_in_a_schedule_title_called_directly_saves_nothing(world):
    workday = make_workday(world)
    with pytest.raises(services.ValidationError) as raised:
        services.schedule_item_add(
            scope=scope_for(world.users["peer"]),
            actor=world.users["peer"],
            person=workday.person,
            unit=world.unit_a1,
            weekday=1,
            starts_at=time(9),
            ends_at=time(10),
            title=f"Samtal med {PERSONNUMMER}",
            category="conversation",
            valid_from=date(2026, 2, 1),
        )
    assert "title" in raised.value.error_dict
    assert list(ScheduleItem.objects.all()) == [workday.item]


@pytest.mark.parametrize("field", ["valid_from", "day", "moved_to"])
def test_schedule_dates_outside_the_working_years_are_refused(world, field):
    workday = make_workday(world)
    scope, peer = scope_for(world.users["peer"]), world.users["peer"]
    with pytest.raises(services.ValidationError) as raised:
        if field == "valid_from":
            services.schedule_item_add(
                scope=scope,
                actor=peer,
                person=workday.person,
                unit=world.unit_a1,
                weekday=4,
                starts_at=time(9),
                ends_at=time(10),
                title="Promenad",
                category="walk",
                valid_from=date(9999, 12, 31),
            )
        else:
            services.schedule_exception_set(
                scope=scope,
                actor=peer,
                item=workday.item,
                day=date(9999, 12, 31) if field == "day" else date(2026, 3, 6),
                moved_to=timezone.make_aware(timezone.datetime(9999, 12, 30, 14))
                if field == "moved_to"
                else None,
            )
    assert field in raised.value.error_dict
    assert ScheduleItem.objects.count() == 1 and not ScheduleException.objects.exists()


def test_a_cancelled_day_in_year_9999_is_refused_on_the_page_without_a_500(client, world, login):
    workday = make_workday(world)
    login(world.users["peer"])
    url = reverse("work:schedule_item", args=[workday.item.code])
    response = client.post(url, {"day": "9999-12-31", "note": ""})  # a Friday
    assert response.status_code == 200
    assert "Veckan gäller åren 1990–2100" in response.content.decode()
    assert not ScheduleException.objects.exists()
    assert client.get(reverse("work:schedule") + "?vecka=9999-12-31").status_code == 200


def test_a_note_on_a_cancelled_day_may_be_as_long_as_the_poster_keeps(client, world, login):
    """200 characters, as the note is stored; it used to borrow the item title's cap of 120."""
    workday = make_workday(world)
    login(world.users["peer"])
    note = "Inställt på grund av personalbrist, vi ses nästa vecka i dagrummet som vanligt. " * 2
    assert 120 < len(note.strip()) <= 200
    url = reverse("work:schedule_item", args=[workday.item.code])
    response = client.post(url, {"day": "2026-03-06", "note": note})  # a Friday
    assert response.status_code == 302
    assert ScheduleException.objects.get().note == note.strip()


# Data that should not be accepted ------------------------------------------------------


@pytest.mark.parametrize("category", ["conversation", "walk", "open_hour", "relatives"])
def test_work_with_patients_needs_at_least_one_participant(world, category):
    make_workday(world)
    with pytest.raises(services.ValidationError) as raised:
        services.entry_log(
            actor=world.users["peer"],
            unit=world.unit_a1,
            day=TODAY(),
            category=category,
            minutes=30,
            participants=0,
        )
    assert "participants" in raised.value.error_dict
    assert ActivityEntry.objects.count() == 1
    assert rollup_matches_entries()


def test_planning_may_be_logged_with_nobody_taking_part(world):
    make_workday(world)
    entry = services.entry_log(
        actor=world.users["peer"],
        unit=world.unit_a1,
        day=TODAY(),
        category="planning",
        minutes=60,
        participants=0,
    )
    assert entry.participants == 0


def test_a_correction_to_zero_participants_in_a_conversation_is_refused(world):
    workday = make_workday(world)
    with pytest.raises(services.ValidationError):
        services.entry_update(actor=world.users["peer"], entry=workday.entry, participants=0)
    workday.entry.refresh_from_db()
    assert workday.entry.participants == 1


def test_zero_participants_on_the_phone_says_why_in_swedish(client, world, login):
    make_workday(world)
    login(world.users["peer"])
    response = client.post(
        reverse("work:log") + "?kategori=walk",
        {"category": "walk", "unit": world.unit_a1.code, "participants": "0", "minutes": "45"},
    )
    assert response.status_code == 200
    assert "Minst en patient deltar" in response.content.decode()
    assert ActivityEntry.objects.count() == 1


@pytest.mark.parametrize(
    ("minutes", "participants"),
    [("abc", "1"), ("30", "två"), ("9" * 5000, "1"), ("30", "9" * 40), ("", "1")],
)
def test_wrong_numbers_on_the_phone_answer_with_a_message(
    client, world, login, minutes, participants
):
    make_workday(world)
    login(world.users["peer"])
    response = client.post(
        reverse("work:log"),
        {
            "category": "conversation",
            "unit": world.unit_a1.code,
            "participants": participants,
            "minutes": minutes,
        },
    )
    assert response.status_code == 200
    assert "Inget sparades" in response.content.decode()
    assert ActivityEntry.objects.count() == 1


def test_the_same_log_form_sent_twice_logs_the_work_once(client, world, login):
    make_workday(world)
    login(world.users["peer"])
    page = client.get(reverse("work:log") + "?kategori=conversation")
    once = page.context["form"]["once"].value()
    assert once and f'value="{once}"' in page.content.decode()
    data = {
        "category": "conversation",
        "unit": world.unit_a1.code,
        "participants": "1",
        "minutes": "30",
        "once": once,
    }
    first = client.post(reverse("work:log"), data)
    second = client.post(reverse("work:log"), data)
    assert first.status_code == second.status_code == 302
    assert ActivityEntry.objects.filter(day=TODAY()).count() == 1
    month = ActivityMonth.objects.get(month=TODAY().replace(day=1), category="conversation")
    assert (month.entries, month.minutes) == (1, 30)
    assert rollup_matches_entries()


def test_two_log_forms_with_their_own_keys_log_twice(client, world, login):
    make_workday(world)
    login(world.users["peer"])
    for once in ["first-key", "second-key"]:
        client.post(
            reverse("work:log"),
            {
                "category": "conversation",
                "unit": world.unit_a1.code,
                "minutes": "30",
                "once": once,
            },
        )
    assert ActivityEntry.objects.filter(day=TODAY()).count() == 2


# Every change is audited -------------------------------------------------------------


def test_every_change_to_the_log_week_and_feed_writes_its_audit_action(world):
    workday = make_workday(world)
    peer, scope = world.users["peer"], scope_for(world.users["peer"])
    AuditEvent.objects.all().delete()
    entry = services.entry_log(
        actor=peer, unit=world.unit_a1, day=TODAY(), category="walk", minutes=45, participants=2
    )
    services.entry_update(actor=peer, entry=entry, minutes=60)
    services.entry_delete(actor=peer, entry=entry)
    item = services.schedule_item_add(
        scope=scope,
        actor=peer,
        person=workday.person,
        unit=world.unit_a1,
        weekday=1,
        starts_at=time(9),
        ends_at=time(10),
        title="Promenad",
        category="walk",
        valid_from=date(2026, 2, 1),
    )
    services.schedule_exception_set(scope=scope, actor=peer, item=item, day=date(2026, 3, 3))
    services.schedule_item_end(scope=scope, actor=peer, item=item, last_day=date(2026, 6, 30))
    later = services.schedule_item_add(
        scope=scope,
        actor=peer,
        person=workday.person,
        unit=world.unit_a1,
        weekday=2,
        starts_at=time(9),
        ends_at=time(10),
        title="Fika",
        category="activity_fun",
        valid_from=TODAY() + timedelta(days=30),
    )
    services.schedule_item_end(scope=scope, actor=peer, item=later, last_day=TODAY())
    services.calendar_feed_renew(actor=peer, person=workday.person)
    services.calendar_feed_revoke(actor=peer, person=workday.person)
    assert actions_written() == [
        "work.entry.logged",
        "work.entry.corrected",
        "work.entry.removed",
        "work.schedule.item_added",
        "work.schedule.exception_set",
        "work.schedule.item_ended",
        "work.schedule.item_added",
        "work.schedule.item_removed",
        "work.calendar.renewed",
        "work.calendar.revoked",
    ]
    assert not ScheduleItem.objects.filter(pk=later.pk).exists()
    assert rollup_matches_entries()


def test_a_refused_change_writes_no_audit_row(world):
    workday = make_workday(world)
    before = actions_written()
    with pytest.raises(services.ValidationError):
        services.entry_update(actor=world.users["peer"], entry=workday.entry, minutes=0)
    assert actions_written() == before


# Reports that never show one person's hours --------------------------------------------


def peers_on_a1(world, count: int, *, coercion: int | None = None) -> None:
    """`count` peer supporters on unit A1 log a 30-minute conversation today; the first
    `coercion` of them (all by default) also log 111 minutes at a coercive measure."""
    coercion = count if coercion is None else coercion
    for n in range(count):
        user = UserFactory(email=f"peer{n}@test.se")
        MembershipFactory(
            user=user, role=Role.PEER_SUPPORTER, organisation=world.region_a, unit=world.unit_a1
        )
        person = Person.objects.create(
            network=world.network, full_name=f"Peer {n}", email=user.email, user=user
        )
        Employment.objects.create(
            person=person, unit=world.unit_a1, fte_percent=50, starts_on=date(2026, 1, 1)
        )
        services.entry_log(
            actor=user, unit=world.unit_a1, day=TODAY(), category="conversation", minutes=30
        )
        if n < coercion:
            services.entry_log(
                actor=user,
                unit=world.unit_a1,
                day=TODAY(),
                category="out_coercion",
                minutes=111,
                note="Satt med vid en bältesläggning.",
            )


def unit_report(client, world, login, *, xlsx=False):
    login(world.users["manager"])
    month = f"{TODAY():%Y-%m}"
    url = reverse("work:report") + f"?enhet={world.unit_a1.code}&fran={month}&till={month}"
    return client.get(url + ("&format=xlsx" if xlsx else ""))


def sheet_rows(response) -> dict[str, list]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return {row[0]: list(row[1:]) for row in sheet.iter_rows(min_row=2, values_only=True) if row}


@pytest.mark.parametrize("count", [1, 4])
def test_a_unit_of_fewer_than_five_peer_supporters_shows_no_hours(client, world, login, count):
    peers_on_a1(world, count)
    response = unit_report(client, world, login)
    result = response.context["report"]
    assert [values for _name, values in result.hours_by_category()] == [[None], [None]]
    assert result.months[0].total_hours is None
    assert result.months[0].conversations.suppressed
    text = response.content.decode()
    coercion = round(count * 111 / 60, 1)
    total = round(count * 141 / 60, 1)
    for hours in {coercion, total, round(count * 30 / 60, 1)}:
        assert f"{hours}".replace(".", ",") not in text and f">{hours}<" not in text
    assert "färre än 5 peer supporters döljs" in text
    rows = sheet_rows(unit_report(client, world, login, xlsx=True))
    assert rows["Utanför rollen: tvångsåtgärd"] == ["–"]
    assert rows["Samtal med patient"] == ["–"]
    assert any(str(k).startswith("– dolt: färre än 5") for k in rows)


def test_a_unit_of_five_peer_supporters_shows_its_hours(client, world, login):
    peers_on_a1(world, 5)
    response = unit_report(client, world, login)
    result = response.context["report"]
    assert dict(result.hours_by_category()) == {
        "Samtal med patient": [2.5],
        "Utanför rollen: tvångsåtgärd": [9.2],
    }
    assert result.months[0].total_hours == 11.8
    assert "9,2" in response.content.decode()
    rows = sheet_rows(unit_report(client, world, login, xlsx=True))
    assert rows["Utanför rollen: tvångsåtgärd"] == [9.2]


def test_one_persons_coercion_hours_are_hidden_in_a_unit_of_five(client, world, login):
    peers_on_a1(world, 5, coercion=1)
    result = unit_report(client, world, login).context["report"]
    hours = dict(result.hours_by_category())
    assert hours["Utanför rollen: tvångsåtgärd"] == [None]
    # The total is shown, so a second cell is hidden: no subtraction gives the first.
    assert hours["Samtal med patient"] == [None]
    month = result.months[0]
    assert month.total_hours == round((5 * 30 + 111) / 60, 1)
    assert (month.core_hours, month.outside_hours, month.core_share) == (None, None, None)
    assert dict(result.category_totals()) == {
        "Samtal med patient": None,
        "Utanför rollen: tvångsåtgärd": None,
    }


def test_the_peer_supporters_own_report_shows_all_their_hours(client, world, login):
    make_workday(world)
    services.entry_log(
        actor=world.users["peer"],
        unit=world.unit_a1,
        day=TODAY(),
        category="out_coercion",
        minutes=111,
        note="Satt med vid en bältesläggning.",
    )
    login(world.users["peer"])
    month = f"{TODAY():%Y-%m}"
    response = client.get(reverse("work:report") + f"?fran={month}&till={month}")
    result = response.context["report"]
    assert dict(result.hours_by_category()) == {"Utanför rollen: tvångsåtgärd": [1.9]}
    assert "1,9" in response.content.decode()
    assert result.threshold == 0
    rows = sheet_rows(
        client.get(reverse("work:report") + f"?fran={month}&till={month}&format=xlsx")
    )
    assert rows == {"Utanför rollen: tvångsåtgärd": [1.9]}


def test_the_report_spans_at_most_five_years(client, world, login):
    make_workday(world)
    login(world.users["peer"])
    response = client.get(reverse("work:report") + "?fran=1990-01&till=2100-12")
    assert response.status_code == 200
    assert len(response.context["report"].months) == reports.MAX_MONTHS
    assert response.context["last"] == date(2100, 12, 1)


# Answers, never a 500 ------------------------------------------------------------------

BAD_DAYS = ["9999-12-31", "0001-01-01", "1989-12-31", "2101-01-01", "2026-02-30", "abc", "9" * 60]
BAD_MONTHS = ["0001-01", "9999-12", "2026-00", "2026-13", "x-y", "99999999-1", "1989-12", "-"]


@pytest.mark.parametrize("value", BAD_DAYS)
def test_a_week_outside_the_working_years_shows_this_week(client, world, login, value):
    make_workday(world)
    monday = TODAY() - timedelta(days=TODAY().weekday())
    login(world.users["peer"])
    response = client.get(reverse("work:schedule"), {"vecka": value})
    assert response.status_code == 200 and response.context["monday"] == monday
    login(world.users["manager"])
    poster = client.get(reverse("work:poster", args=[world.unit_a1.code]), {"vecka": value})
    assert poster.status_code == 200 and poster.context["monday"] == monday


@pytest.mark.parametrize("value", BAD_MONTHS)
@pytest.mark.parametrize("parameter", ["fran", "till"])
def test_a_report_month_outside_the_working_years_falls_back(
    client, world, login, parameter, value
):
    make_workday(world)
    login(world.users["manager"])
    response = client.get(reverse("work:report"), {parameter: value})
    assert response.status_code == 200
    assert response.context["last"] <= TODAY().replace(day=1)
    assert response.context["first"].year >= 1990
    xlsx = client.get(reverse("work:report"), {parameter: value, "format": "xlsx"})
    assert xlsx.status_code == 200


def test_a_nul_byte_in_the_week_parameter_is_a_400(client, world, login):
    make_workday(world)
    login(world.users["peer"])
    assert client.get(reverse("work:schedule") + "?vecka=2026-03-02%00").status_code == 400


def test_a_nul_byte_in_a_logged_note_is_a_400_and_saves_nothing(client, world, login):
    make_workday(world)
    login(world.users["peer"])
    response = client.post(
        reverse("work:log"),
        {
            "category": "out_guarding",
            "unit": world.unit_a1.code,
            "minutes": "60",
            "note": "Vak\x00 i korridoren",
        },
    )
    assert response.status_code == 400
    assert ActivityEntry.objects.count() == 1


def test_another_organisations_unit_is_not_found_in_the_report_and_poster(client, world, login):
    make_workday(world)
    login(world.users["manager"])
    report = client.get(reverse("work:report"), {"enhet": world.unit_b1.code})
    assert report.status_code == 404
    poster = client.get(reverse("work:poster", args=[world.unit_b1.code]))
    assert poster.status_code == 404


def another_peer(world):
    user = UserFactory(email="peer-b@test.se")
    MembershipFactory(
        user=user, role=Role.PEER_SUPPORTER, organisation=world.region_b, unit=world.unit_b1
    )
    Person.objects.create(network=world.network, full_name="Bo", email=user.email, user=user)
    return user


def test_another_peer_supporters_entry_and_week_are_not_found_and_stay_as_they_were(
    client, world, login
):
    workday = make_workday(world)
    login(another_peer(world))
    before, audit_before = rollup(), actions_written()
    entry_url = reverse("work:entry", args=[workday.entry.code])
    assert client.post(entry_url, {"delete": "yes"}).status_code == 404
    assert client.post(entry_url, {"day": "2026-03-02", "minutes": "600"}).status_code == 404
    item_url = reverse("work:schedule_item", args=[workday.item.code])
    assert client.post(item_url, {"end": "yes"}).status_code == 404
    assert client.post(item_url, {"day": "2026-03-06"}).status_code == 404
    workday.entry.refresh_from_db()
    workday.item.refresh_from_db()
    assert (workday.entry.minutes, workday.item.valid_to) == (30, None)
    assert not ScheduleException.objects.exists()
    assert rollup() == before and actions_written() == audit_before


# Reads of someone else's week are audited; one's own are not -------------------------------


def test_an_administrator_reading_a_peer_supporters_week_item_leaves_one_read_row(
    client, world, login
):
    workday = make_workday(world)
    login(world.users["admin"])
    before = AuditEvent.objects.count()
    assert client.get(reverse("work:schedule_item", args=[workday.item.code])).status_code == 200
    rows = AuditEvent.objects.order_by("pk")[before:]
    assert [(r.action, r.object_ref, r.actor) for r in rows] == [
        ("work.schedule.item_viewed", workday.item.code, world.users["admin"])
    ]


def test_the_peer_supporters_own_pages_leave_no_read_row(client, world, login):
    workday = make_workday(world)
    login(world.users["peer"])
    before = AuditEvent.objects.count()
    for url in [
        reverse("work:log"),
        reverse("work:schedule"),
        reverse("work:schedule_item", args=[workday.item.code]),
        reverse("work:entry", args=[workday.entry.code]),
        reverse("work:report"),
        reverse("work:poster", args=[world.unit_a1.code]),
    ]:
        assert client.get(url).status_code == 200
    assert AuditEvent.objects.count() == before


def test_the_unit_report_and_poster_show_no_person_and_leave_no_read_row(client, world, login):
    make_workday(world)
    login(world.users["manager"])
    before = AuditEvent.objects.count()
    client.get(reverse("work:report"), {"enhet": world.unit_a1.code})
    page = client.get(reverse("work:poster", args=[world.unit_a1.code]))
    assert "Marianne" not in page.content.decode()
    assert AuditEvent.objects.count() == before


def test_each_fetch_of_the_calendar_feed_is_an_audited_read_without_the_name(client, world):
    workday = make_workday(world)
    before = AuditEvent.objects.count()
    response = client.get(reverse("work:feed", args=[workday.token]))
    assert response.status_code == 200
    assert "Marianne" not in response.content.decode()
    rows = AuditEvent.objects.order_by("pk")[before:]
    assert [(r.action, r.object_ref, r.actor_label) for r in rows] == [
        ("work.calendar.read", workday.person.code, "anonymous")
    ]
    assert client.get(reverse("work:feed", args=["not-a-token"])).status_code == 404
    assert AuditEvent.objects.count() == before + 1


# The three taps stay cheap ---------------------------------------------------------------


def log_many(world, n):
    for i in range(n):
        services.entry_log(
            actor=world.users["peer"],
            unit=world.unit_a1,
            day=TODAY() - timedelta(days=i % 60),
            category=["conversation", "walk", "forum"][i % 3],
            minutes=30,
            participants=1 + i % 4,
        )


def test_work_pages_cost_the_same_queries_with_3_or_43_entries(client, world, login):
    from tests.test_query_budget import count

    make_workday(world)
    urls = [reverse("work:log"), reverse("work:schedule"), reverse("work:report")]
    log_many(world, 3)
    login(world.users["peer"])
    small = [count(client, url) for url in urls]
    log_many(world, 40)
    assert [count(client, url) for url in urls] == small
    login(world.users["manager"])
    url = reverse("work:report") + f"?enhet={world.unit_a1.code}"
    before = count(client, url)
    log_many(world, 20)
    assert count(client, url) == before


def test_a_tap_to_log_costs_the_same_queries_with_3_or_43_entries(client, world, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_workday(world)
    login(world.users["peer"])

    def tap(key):
        data = {"category": "walk", "unit": world.unit_a1.code, "participants": "2"}
        with CaptureQueriesContext(connection) as queries:
            response = client.post(reverse("work:log"), {**data, "minutes": "30", "once": key})
        assert response.status_code == 302
        return len(queries)

    tap("warm-up")  # the month's roll-up row exists from here on
    small = tap("small")
    log_many(world, 40)
    assert tap("large") == small


def test_the_same_week_item_form_sent_twice_adds_it_once(client, world, login):
    make_workday(world)
    login(world.users["peer"])
    page = client.get(reverse("work:schedule"))
    once = page.context["form"]["once"].value()
    data = {
        "unit": world.unit_a1.code,
        "weekday": "1",
        "starts_at": "09:00",
        "ends_at": "10:00",
        "title": "Promenad",
        "place": "",
        "category": "walk",
        "open_to_all": "on",
        "valid_from": "2026-02-01",
        "once": once,
    }
    first = client.post(reverse("work:schedule"), data)
    second = client.post(reverse("work:schedule"), data)
    assert first.status_code == second.status_code == 302
    assert ScheduleItem.objects.filter(title="Promenad").count() == 1
    assert actions_written().count("work.schedule.item_added") == 1
