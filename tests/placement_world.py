"""Placement in the test world: a ready unit A1 with a 50 % position, a matching event,
and the certified applicant of the recruitment world employed there."""

from dataclasses import dataclass
from datetime import date, timedelta

from peerstod.accounts.scope import scope_for
from peerstod.placement import services
from peerstod.placement.models import Employment, MatchingEvent, Position


@dataclass
class Placement:
    position: Position
    event: MatchingEvent
    employment: Employment


def make_ready(world, unit, *, staff=10, trained=8):
    coordinator = world.users["coordinator"]
    scope = scope_for(coordinator)
    unit.staff_count = staff
    unit.save()
    services.staff_training_record(
        scope=scope,
        actor=coordinator,
        organisation=unit.organisation,
        kind="recovery",
        held_on=date(2026, 1, 15),
        title="Återhämtning",
        participants=[(unit, f"Medarbetare {i}") for i in range(trained)],
    )
    services.readiness_update(
        scope=scope,
        actor=coordinator,
        unit=unit,
        manager_briefed_on=date(2026, 2, 1),
        supervision_arranged_on=date(2026, 2, 1),
        introduction_plan="Introduktion på APT.",
    )


def new_position(world, unit, fte=50, seats=2, agreed=True) -> Position:
    coordinator = world.users["coordinator"]
    scope = scope_for(coordinator)
    position = services.position_create(
        scope=scope,
        actor=coordinator,
        unit=unit,
        fte_percent=fte,
        seats=seats,
        starts_on=date.today() + timedelta(days=30),
    )
    services.position_describe_role(
        scope=scope,
        actor=coordinator,
        position=position,
        duties=["conversations", "forum"],
        role_notes="",
        agreed=agreed,
    )
    return position


def make_placement(world, recruitment) -> Placement:
    make_ready(world, world.unit_a1)
    position = new_position(world, world.unit_a1)
    coordinator = world.users["coordinator"]
    scope = scope_for(coordinator)
    person = recruitment.certification.person
    event = services.event_create(
        scope=scope,
        actor=coordinator,
        organisation=world.region_a,
        title="Mingel",
        held_on=date.today(),
        peers=[person],
        positions=[position],
    )
    employment = services.employment_create(
        scope=scope,
        actor=coordinator,
        person=person,
        unit=world.unit_a1,
        position=position,
        fte_percent=50,
        starts_on=date.today(),
    )
    return Placement(position, event, employment)
