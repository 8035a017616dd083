"""Scoped reads of organisations, units and agreements."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from peerstod.accounts.roles import Role
from peerstod.accounts.scope import Scope
from peerstod.orgs.models import Agreement, Organisation, Unit

# Who may manage units of an organisation: its programme coordinators.
UNIT_EDITORS = (Role.PROGRAMME_COORDINATOR,)


def organisation_list(*, scope: Scope, roles: tuple[str, ...] = ()) -> QuerySet[Organisation]:
    return (
        Organisation.objects.filter(pk__in=scope.organisation_ids(*roles))
        .select_related("parent")
        .annotate(unit_count=Count("units", filter=Q(units__pk__in=scope.unit_ids(*roles))))
        .order_by("kind", "name")
    )


def organisation_get(*, scope: Scope, code: str, roles: tuple[str, ...] = ()) -> Organisation:
    return get_object_or_404(
        Organisation.objects.select_related("parent"),
        code=code,
        pk__in=scope.organisation_ids(*roles),
    )


def unit_list(
    *, scope: Scope, roles: tuple[str, ...] = (), organisation: Organisation | None = None
) -> QuerySet[Unit]:
    units = Unit.objects.filter(pk__in=scope.unit_ids(*roles)).select_related("organisation")
    if organisation is not None:
        units = units.filter(organisation=organisation)
    return units.order_by("organisation__name", "name")


def unit_get(*, scope: Scope, code: str, roles: tuple[str, ...] = ()) -> Unit:
    return get_object_or_404(
        Unit.objects.select_related("organisation"), code=code, pk__in=scope.unit_ids(*roles)
    )


def organisations_for_unit_editing(*, scope: Scope) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=scope.organisation_ids(*UNIT_EDITORS)).exclude(
        kind="network"
    )


def agreement_list(*, scope: Scope) -> QuerySet[Agreement]:
    """The network's coordinators see all of its agreements, expired ones included;
    a principal's coordinators see the agreements that cover their organisation."""
    agreements = Agreement.objects.select_related("network", "principal").prefetch_related("units")
    if not scope.is_platform_admin:
        coordinated_networks = set(scope.coordinated_network_ids())
        agreements = agreements.filter(
            Q(network_id__in=coordinated_networks)
            | Q(principal_id__in=scope.organisation_ids(Role.PROGRAMME_COORDINATOR))
        )
    return agreements.order_by("-starts_on", "principal__name")


def principals_for_agreement(*, scope: Scope) -> QuerySet[Organisation]:
    """Organisations a network coordinator may sign an agreement with: any principal."""
    return Organisation.objects.exclude(kind="network").order_by("name")


def networks_coordinated(*, scope: Scope) -> QuerySet[Organisation]:
    networks = Organisation.objects.filter(kind="network")
    if scope.is_platform_admin:
        return networks
    ids = set(scope.coordinated_network_ids())
    return networks.filter(pk__in=ids)
