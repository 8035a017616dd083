"""Placement in the test world: a ready unit A1 with a 50 % position, a matching event,
and the certified applicant of the recruitment world employed there.

`make_placement(world, recruitment, tenant="b")` builds the same on unit B1 by region B's
coordinator; `make_ready` and `new_position` act as the coordinator of the unit's own
region."""

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


def _coordinator_of(world, unit):
    """Region A's coordinator for tenant A's units, region B's (the outsider) otherwise."""
    return world.users["coordinator" if unit.organisation_id == world.region_a.pk else "outsider"]


def make_ready(world, unit, *, staff=10, trained=8):
    coordinator = _coordinator_of(world, unit)
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
    coordinator = _coordinator_of(world, unit)
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


def make_placement(world, recruitment, tenant="a") -> Placement:
    side = world.tenant(tenant)
    make_ready(world, side.unit1)
    position = new_position(world, side.unit1)
    coordinator = side.users["coordinator"]
    scope = scope_for(coordinator)
    person = recruitment.certification.person
    event = services.event_create(
        scope=scope,
        actor=coordinator,
        organisation=side.region,
        title="Mingel",
        held_on=date.today(),
        peers=[person],
        positions=[position],
    )
    employment = services.employment_create(
        scope=scope,
        actor=coordinator,
        person=person,
        unit=side.unit1,
        position=position,
        fte_percent=50,
        starts_on=date.today(),
    )
    return Placement(position, event, employment)
