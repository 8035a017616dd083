"""Scoped reads for placement: the principal's coordinators and unit managers."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404

from peerstod.accounts.roles import Role
from peerstod.accounts.scope import Scope
from peerstod.core import audit
from peerstod.core.periods import valid_on
from peerstod.orgs import tree
from peerstod.orgs.models import Agreement, Organisation, Unit
from peerstod.people.models import CertificationKind, Person
from peerstod.placement import actions
from peerstod.placement.models import (
    Employment,
    MatchingEvent,
    Position,
    StaffTraining,
    UnitReadiness,
)

COORDINATORS = (Role.PROGRAMME_COORDINATOR,)
ROLE_EDITORS = (Role.PROGRAMME_COORDINATOR, Role.UNIT_MANAGER)


def coordinated_units(scope: Scope) -> frozenset[int]:
    return scope.unit_ids(*COORDINATORS)


def coordinated_organisations(scope: Scope) -> QuerySet[Organisation]:
    return (
        Organisation.objects.filter(pk__in=scope.organisation_ids(*COORDINATORS))
        .exclude(kind="network")
        .order_by("name")
    )


def position_list(*, scope: Scope, roles=ROLE_EDITORS) -> QuerySet[Position]:
    return (
        Position.objects.filter(unit_id__in=scope.unit_ids(*roles))
        .select_related("unit", "unit__organisation")
        .order_by("unit__organisation__name", "unit__name", "starts_on")
    )


def position_get(*, scope: Scope, code: str, roles=ROLE_EDITORS) -> Position:
    return get_object_or_404(
        Position.objects.select_related("unit", "unit__organisation"),
        code=code,
        unit_id__in=scope.unit_ids(*roles),
    )


def units_for_positions(*, scope: Scope) -> QuerySet[Unit]:
    return Unit.objects.filter(pk__in=coordinated_units(scope), is_active=True).select_related(
        "organisation"
    )


def unit_get(*, scope: Scope, code: str, roles=ROLE_EDITORS) -> Unit:
    return get_object_or_404(
        Unit.objects.select_related("organisation"), code=code, pk__in=scope.unit_ids(*roles)
    )


def staff_training_list(*, scope: Scope, actor) -> QuerySet[StaffTraining]:
    """The staff training register: it holds the names of the units' staff."""
    audit.read(actor=actor, action=actions.STAFF_TRAINING_VIEWED)
    return (
        StaffTraining.objects.filter(organisation_id__in=scope.organisation_ids(*COORDINATORS))
        .select_related("organisation")
        .prefetch_related("participants__unit")
    )


def event_list(*, scope: Scope) -> QuerySet[MatchingEvent]:
    return MatchingEvent.objects.filter(
        organisation_id__in=scope.organisation_ids(*COORDINATORS)
    ).select_related("organisation")


def event_get(*, scope: Scope, code: str) -> MatchingEvent:
    """An event of an organisation the user coordinates; another's is not there (404)."""
    return get_object_or_404(
        MatchingEvent.objects.select_related("organisation"),
        code=code,
        organisation_id__in=scope.organisation_ids(*COORDINATORS),
    )


def event_candidates(*, actor, event: MatchingEvent) -> tuple[dict, dict]:
    """The event's invited peer supporters and positions, by id: the candidates' names
    are shown to the coordinators of the event's organisation only (`event_get`)."""
    people = {p.pk: p for p in event.peers.order_by("full_name")}
    positions = {q.pk: q for q in event.positions.select_related("unit").order_by("unit__name")}
    audit.read(actor=actor, action=actions.EVENT_VIEWED, obj=event, organisation=event.organisation)
    return people, positions


def _networks_serving(scope: Scope, day: date) -> set[int]:
    """Networks with an agreement in force with any organisation the user coordinates
    or an organisation above it (the agreement's principal)."""
    parents = scope.tree or tree.parents()
    covered = {
        a
        for org_id in scope.organisation_ids(*COORDINATORS)
        for a in tree.ancestor_ids(org_id, parents)
    }
    return set(
        Agreement.objects.filter(valid_on(day, "starts_on", "ends_on"))
        .filter(principal_id__in=covered)
        .values_list("network_id", flat=True)
    )


def employed_on(day: date):
    return Employment.objects.filter(valid_on(day, "starts_on", "ends_on"), person=OuterRef("pk"))


def available_peer_supporters(*, scope: Scope, day: date, actor) -> QuerySet[Person]:
    """Certified, available and not employed today: the supply a coordinator can place.

    Only persons trained by a network with an agreement in force with the coordinator's
    organisation are offered. Their names are shown: a read of personal data.
    """
    audit.read(actor=actor, action=actions.SUPPLY_VIEWED)
    return _placeable(scope, day).order_by("full_name")


def _placeable(scope: Scope, day: date) -> QuerySet[Person]:
    return (
        Person.objects.filter(
            network_id__in=_networks_serving(scope, day),
            available=True,
            certifications__kind=CertificationKind.BASIC,
        )
        .exclude(Exists(employed_on(day)))
        .distinct()
    )


def person_for_placement(*, scope: Scope, code: str, day: date) -> Person:
    networks = _networks_serving(scope, day)
    return get_object_or_404(Person, code=code, network_id__in=networks)


def person_placeable(*, scope: Scope, person: Person, day: date) -> bool:
    """Whether the coordinator may place this person: trained by a network with an
    agreement in force with the coordinator's organisation."""
    return person.network_id in _networks_serving(scope, day)


def employment_list(*, scope: Scope, actor) -> QuerySet[Employment]:
    units = scope.unit_ids(*COORDINATORS)
    audit.read(actor=actor, action=actions.EMPLOYMENTS_VIEWED)
    return Employment.objects.filter(unit_id__in=units).select_related(
        "person", "unit", "unit__organisation"
    )


def employment_get(*, scope: Scope, actor, code: str) -> Employment:
    employment = get_object_or_404(
        Employment.objects.select_related("person", "unit", "unit__organisation"),
        code=code,
        unit_id__in=scope.unit_ids(*COORDINATORS),
    )
    audit.read(
        actor=actor,
        action=actions.EMPLOYMENT_VIEWED,
        obj=employment,
        organisation=employment.unit.organisation,
    )
    return employment


def employment_can_change(employment: Employment) -> bool:
    """Whether the employment can still be ended, changed or get sick leave: not ended
    with a reason, and not the first part of a service-degree change (a following
    employment on the unit starts the day after it ends)."""
    if employment.end_reason:
        return False
    if employment.ends_on is None or employment.ends_on >= date.max:
        return True
    return not Employment.objects.filter(
        person_id=employment.person_id,
        unit_id=employment.unit_id,
        starts_on=employment.ends_on + timedelta(days=1),
    ).exists()


def unit_list_for_editors(*, scope: Scope) -> QuerySet[Unit]:
    return (
        Unit.objects.filter(pk__in=scope.unit_ids(*ROLE_EDITORS), is_active=True)
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )


def readiness_record(*, unit: Unit) -> UnitReadiness:
    return UnitReadiness.objects.filter(unit=unit).first() or UnitReadiness(unit=unit)


# Start pages ------------------------------------------------------------------------


def managed_units(*, scope: Scope) -> QuerySet[Unit]:
    """The active units the user manages (not those they coordinate)."""
    return (
        Unit.objects.filter(pk__in=scope.unit_ids(Role.UNIT_MANAGER), is_active=True)
        .select_related("organisation")
        .order_by("name")
    )


def positions_without_agreed_role(*, scope: Scope, roles=ROLE_EDITORS) -> QuerySet[Position]:
    return position_list(scope=scope, roles=roles).filter(is_open=True, role_agreed_on__isnull=True)


def open_positions(*, scope: Scope) -> QuerySet[Position]:
    """The coordinator's positions still looking for a peer supporter, soonest first."""
    return (
        position_list(scope=scope, roles=COORDINATORS)
        .filter(is_open=True)
        .order_by("starts_on", "unit__name")
    )


def events_unconfirmed(*, scope: Scope) -> list[tuple[MatchingEvent, set[int]]]:
    """(event, ids of its positions) of the matching events not confirmed yet."""
    events = (
        event_list(scope=scope)
        .filter(confirmed_at__isnull=True)
        .prefetch_related("positions")
        .order_by("held_on")
    )
    return [(event, {q.pk for q in event.positions.all()}) for event in events]


def available_count(*, scope: Scope, day: date) -> int:
    """How many certified peer supporters the coordinator could place: a count, no names
    (so no read), for the start page; shown suppressed."""
    return _placeable(scope, day).count()
