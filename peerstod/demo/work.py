"""Demo workday (journey 2): Marianne works 75 % on forensic unit 21 in Varberg. Her week:
the open hour in occupational therapy every weekday 13:00–14:00, Fit for Life on Monday
and Thursday, the forum on Friday 10:30–11:15. Three months of logged work, with three
hours outside the peer role this month (journeys 2 and 4)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from peerstod.accounts.models import User
from peerstod.accounts.scope import scope_for
from peerstod.orgs.models import Organisation, Unit
from peerstod.people import services as people_services
from peerstod.people.models import Person
from peerstod.placement import services as placement_services
from peerstod.placement.models import Employment
from peerstod.work import services
from peerstod.work.categories import Category
from peerstod.work.models import ActivityEntry, Format, ScheduleItem

COORDINATOR = "coordinator@example.org"  # Region Halland's programme coordinator
NETWORK_COORDINATOR = "network@example.org"

WEEK = [
    *[
        (day, time(13), time(14), "Peer support öppet", "Arbetsterapin", Category.OPEN_HOUR)
        for day in range(5)
    ],
    (0, time(9, 30), time(10, 30), "Fit for Life", "Gymmet", Category.ACTIVITY_RECOVERY),
    (3, time(9, 30), time(10, 30), "Fit for Life", "Gymmet", Category.ACTIVITY_RECOVERY),
    (4, time(10, 30), time(11, 15), "Forum för inflytande", "Dagrummet", Category.FORUM),
]


def load(*, network: Organisation, unit: Unit, today: date) -> None:
    user = User.objects.get(email="peer@example.org")
    person = Person.objects.filter(network=network, email=user.email).first()
    if person is None:
        person = people_services.earlier_certified_register(
            actor=User.objects.get(email=NETWORK_COORDINATOR),
            network=network,
            full_name=user.full_name,
            email=user.email,
            fte_min=75,
            fte_max=75,
            certified_on=date(2025, 3, 14),
            user=user,
        )
    if not Employment.objects.filter(person=person, unit=unit).exists():
        coordinator = User.objects.get(email=COORDINATOR)
        placement_services.employment_create(
            scope=scope_for(coordinator, today),
            actor=coordinator,
            person=person,
            unit=unit,
            fte_percent=75,
            starts_on=date(2025, 5, 12),
            readiness_override="Anställd före Peerstöd.",
        )
    if not ScheduleItem.objects.filter(person=person).exists():
        scope = scope_for(user, today)
        for weekday, start, end, title, place, category in WEEK:
            services.schedule_item_add(
                scope=scope,
                actor=user,
                person=person,
                unit=unit,
                weekday=weekday,
                starts_at=start,
                ends_at=end,
                title=title,
                place=place,
                category=category,
                valid_from=date(2025, 6, 2),
            )
    if not ActivityEntry.objects.filter(person=person).exists():
        _log(user, unit, today)


def _log(user, unit: Unit, today: date) -> None:
    start = (today.replace(day=1) - timedelta(days=62)).replace(day=1)
    day = start
    n = 0
    while day <= today:
        if day.weekday() < 5:
            plan = [
                (Category.CONVERSATION, 30, 1),
                (Category.OPEN_HOUR, 60, 4 + n % 3),
                (Category.CONVERSATION, 15, 1),
            ]
            if day.weekday() in (0, 3):
                plan.append((Category.ACTIVITY_RECOVERY, 60, 3 + n % 2))
            if day.weekday() == 4:
                plan.append((Category.FORUM, 45, 6))
            if day.weekday() == 2:
                plan += [(Category.WALK, 45, 2), (Category.ACTIVITY_FUN, 60, 4)]
            if day.day in (3, 17):
                plan.append((Category.PLANNING, 60, 0))
            for category, minutes, participants in plan:
                services.entry_log(
                    actor=user,
                    unit=unit,
                    day=day,
                    category=category,
                    minutes=minutes,
                    participants=participants,
                    format=Format.GROUP if participants > 1 else Format.INDIVIDUAL,
                    now=_evening(day),
                )
            n += 1
        day += timedelta(days=1)
    outside = [
        (Category.OUT_COERCION, "Personalen bad mig sitta med vid en bältesläggning."),
        (Category.OUT_GUARDING, "Satt extravak i korridoren under eftermiddagen."),
        (Category.OUT_MEDICATION, "Delade ut vidbehovsmedicin när sjuksköterskan var upptagen."),
    ]
    for offset, (category, note) in enumerate(outside):
        day = max(today.replace(day=1), today - timedelta(days=2 + offset))
        services.entry_log(
            actor=user,
            unit=unit,
            day=day,
            category=category,
            minutes=60,
            participants=1,
            note=note,
            now=_evening(day),
        )


def _evening(day: date) -> datetime:
    """Each entry is logged on its own day at four, so the older ones are already locked."""
    return timezone.make_aware(datetime.combine(day, time(16)))
