"""The workday in the test world: the peer persona is a certified peer supporter
employed 75 % on unit A1 since 1 January 2026, with a weekly schedule."""

from dataclasses import dataclass
from datetime import date, time

from peerstod.people.models import Certification, Person
from peerstod.placement.models import Employment
from peerstod.work import services
from peerstod.work.models import ActivityEntry, ScheduleItem


@dataclass
class Workday:
    person: Person
    employment: Employment
    item: ScheduleItem
    entry: ActivityEntry
    token: str


def make_peer(world) -> Person:
    user = world.users["peer"]
    person = Person.objects.create(
        network=world.network,
        full_name="Marianne",
        email=user.email,
        fte_min=75,
        fte_max=75,
        user=user,
    )
    Certification.objects.create(person=person, kind="basic", certified_on=date(2025, 6, 1))
    return person


def make_workday(world) -> Workday:
    person = make_peer(world)
    employment = Employment.objects.create(
        person=person, unit=world.unit_a1, fte_percent=75, starts_on=date(2026, 1, 1)
    )
    item = ScheduleItem.objects.create(
        person=person,
        unit=world.unit_a1,
        weekday=4,
        starts_at=time(10, 30),
        ends_at=time(11, 15),
        title="Forum för inflytande",
        place="Dagrummet",
        category="forum",
        valid_from=date(2026, 1, 2),
    )
    entry = services.entry_log(
        actor=world.users["peer"],
        unit=world.unit_a1,
        day=date(2026, 3, 2),
        category="conversation",
        minutes=30,
    )
    token = services.calendar_feed_renew(actor=world.users["peer"], person=person)
    return Workday(person, employment, item, entry, token)
