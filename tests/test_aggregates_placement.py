"""Issue 14 for the follow-up of employments: retention and sick leave never tell about
fewer people than the threshold – not as a count, not as the difference of two nested
figures, not as the change from one month to the next."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from peerstod.people.models import Person
from peerstod.placement import reports
from peerstod.placement.models import Employment, SickLeave

TODAY = timezone.localdate


def employed(world, n: int, *, starts_on: date, ends_on: date | None = None, tag="p"):
    found = []
    for i in range(n):
        person = Person.objects.create(
            network=world.network, full_name=f"{tag} {i}", email=f"{tag}{i}@test.se"
        )
        found.append(
            Employment.objects.create(
                person=person,
                unit=world.unit_a1 if i % 2 else world.unit_a2,
                fte_percent=50,
                starts_on=starts_on,
                ends_on=ends_on,
            )
        )
    return found


def follow_up(client, world, login):
    login(world.users["evaluator"])
    return client.get(reverse("placement:follow_up")).context


def row(context, months):
    return next(r for r in context["retention"] if r.months == months)


def test_the_one_who_left_cannot_be_counted_out_of_started_minus_still_employed(
    client, world, login
):
    """Six started 18 months ago and one left after two months: 6 and 5 shown side by
    side (as before issue 14) told the evaluator that one person left."""
    start = TODAY() - timedelta(days=550)
    employed(world, 5, starts_on=start)
    employed(world, 1, starts_on=start, ends_on=start + timedelta(days=60), tag="left")
    six = row(follow_up(client, world, login), 6)
    assert six.started.value == 6
    assert six.still_employed.suppressed and six.share is None


def test_a_share_is_shown_from_shown_counts_in_whole_percent(client, world, login):
    start = TODAY() - timedelta(days=550)
    employed(world, 10, starts_on=start)
    employed(world, 5, starts_on=start, ends_on=start + timedelta(days=60), tag="left")
    six = row(follow_up(client, world, login), 6)
    assert (six.started.value, six.still_employed.value, six.share) == (15, 10, 67)


def test_the_one_who_just_passed_six_months_is_not_told_by_this_months_change(world):
    """Five passed the six-month mark in spring, a sixth this month and left before it:
    last month 5 and 5, this month 6 and 5 – the difference is that one person."""
    spring = date(2025, 3, 1)
    employed(world, 5, starts_on=spring)
    late = date(2025, 5, 20)
    employed(world, 1, starts_on=late, ends_on=late + timedelta(days=30), tag="left")
    employments = list(Employment.objects.all())
    october = reports.retention(employments, date(2025, 10, 31))[0]
    november = reports.retention(employments, date(2025, 11, 30))[0]
    assert october.started.value == 5 and october.still_employed.value == 5
    assert november.started.suppressed  # 6: one more than last shown
    assert november.still_employed.value == 5


def test_the_page_shows_the_end_of_last_month_not_today(client, world, login):
    context = follow_up(client, world, login)
    assert context["as_of"] == TODAY().replace(day=1) - timedelta(days=1)


def test_one_persons_five_sick_leave_periods_are_not_shown(client, world, login):
    """Counted by periods (as before issue 14) one person's five leaves made a 5."""
    jobs = employed(world, 8, starts_on=date(2025, 1, 1))
    for month in range(1, 6):
        SickLeave.objects.create(employment=jobs[0], starts_on=date(2025, month * 2, 1))
    context = follow_up(client, world, login)
    year = next(r for r in context["sick_leave"] if r[0] == 2025)
    assert year[1].value == 8
    assert year[2].suppressed


def test_sick_leave_of_all_the_employed_is_hidden(world):
    jobs = employed(world, 6, starts_on=date(2025, 1, 1))
    for job in jobs:
        SickLeave.objects.create(employment=job, starts_on=date(2025, 3, 1))
    units = [world.unit_a1.pk, world.unit_a2.pk]
    year = next(r for r in reports.sick_leave_by_year(units, date(2025, 12, 31)) if r[0] == 2025)
    assert year[1].value == 6 and year[2].suppressed


def test_sick_leave_of_all_but_one_is_hidden(world):
    jobs = employed(world, 6, starts_on=date(2025, 1, 1))
    for job in jobs[:5]:
        SickLeave.objects.create(employment=job, starts_on=date(2025, 3, 1))
    units = [world.unit_a1.pk, world.unit_a2.pk]
    year = next(r for r in reports.sick_leave_by_year(units, date(2025, 12, 31)) if r[0] == 2025)
    assert year[2].suppressed


def test_no_sick_leave_among_a_few_employed_is_not_shown_either(world):
    employed(world, 3, starts_on=date(2025, 1, 1))
    units = [world.unit_a1.pk, world.unit_a2.pk]
    year = next(r for r in reports.sick_leave_by_year(units, date(2025, 12, 31)) if r[0] == 2025)
    assert year[1].suppressed and year[2].suppressed


def test_sick_leave_is_shown_for_enough_people_on_both_sides(world):
    jobs = employed(world, 10, starts_on=date(2025, 1, 1))
    for job in jobs[:5]:
        SickLeave.objects.create(employment=job, starts_on=date(2025, 2, 1))
    units = [world.unit_a1.pk, world.unit_a2.pk]
    year = next(r for r in reports.sick_leave_by_year(units, date(2025, 12, 31)) if r[0] == 2025)
    assert (year[1].value, year[2].value) == (10, 5)


def test_one_new_sick_leave_this_year_is_not_told_by_the_change_since_last_month(world):
    jobs = employed(world, 12, starts_on=date(2025, 1, 1))
    for job in jobs[:5]:
        SickLeave.objects.create(employment=job, starts_on=date(2025, 2, 1))
    SickLeave.objects.create(employment=jobs[5], starts_on=date(2025, 6, 10))
    units = [world.unit_a1.pk, world.unit_a2.pk]
    may = next(r for r in reports.sick_leave_by_year(units, date(2025, 5, 31)) if r[0] == 2025)
    june = next(r for r in reports.sick_leave_by_year(units, date(2025, 6, 30)) if r[0] == 2025)
    assert may[2].value == 5
    assert june[2].suppressed
