"""The workday in the test world: the peer persona is a certified peer supporter
employed 75 % on unit A1 since 1 January 2026, with a weekly schedule.

With `tenant="b"` the same for tenant B: `peer_b` (the person `PEER_B_NAME`) on unit B1,
certified by Nätverket B."""

from dataclasses import dataclass
from datetime import date, time

from peerstod.people.models import Certification, Person
from peerstod.placement.models import Employment
from peerstod.work import services
from peerstod.work.models import ActivityEntry, ScheduleItem

PEER_B_NAME = "Bodil Bergström"


@dataclass
class Workday:
    person: Person
    employment: Employment
    item: ScheduleItem
    entry: ActivityEntry
    token: str


def make_peer(world, tenant="a") -> Person:
    side = world.tenant(tenant)
    user = side.users["peer"]
    person = Person.objects.create(
        network=side.network,
        full_name="Marianne" if tenant == "a" else PEER_B_NAME,
        email=user.email,
        fte_min=75,
        fte_max=75,
        user=user,
    )
    Certification.objects.create(person=person, kind="basic", certified_on=date(2025, 6, 1))
    return person


def make_workday(world, tenant="a") -> Workday:
    side = world.tenant(tenant)
    person = make_peer(world, tenant)
    employment = Employment.objects.create(
        person=person, unit=side.unit1, fte_percent=75, starts_on=date(2026, 1, 1)
    )
    item = ScheduleItem.objects.create(
        person=person,
        unit=side.unit1,
        weekday=4,
        starts_at=time(10, 30),
        ends_at=time(11, 15),
        title="Forum för inflytande",
        place="Dagrummet",
        category="forum",
        valid_from=date(2026, 1, 2),
    )
    entry = services.entry_log(
        actor=side.users["peer"],
        unit=side.unit1,
        day=date(2026, 3, 2),
        category="conversation",
        minutes=30,
    )
    token = services.calendar_feed_renew(actor=side.users["peer"], person=person)
    return Workday(person, employment, item, entry, token)
