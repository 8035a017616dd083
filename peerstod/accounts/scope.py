"""What a user may see: the one scoping mechanism every selector reads through.

A scope is computed once per request from the user's memberships valid today and, for
the network's people, the agreements valid today. Selectors filter every query with
`scope.unit_ids(...)` or `scope.organisation_ids(...)`; a view never reads a row
without one of them, so another organisation's rows are simply not there (404).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from peerstod.accounts.models import Membership
from peerstod.accounts.roles import NETWORK_ROLES, ORGANISATION_ROLES, UNIT_ROLES
from peerstod.core.periods import valid_on
from peerstod.orgs.models import Agreement, Unit
from peerstod.orgs.tree import descendant_ids, parents

_CACHE_ATTR = "_peerstod_scope"


@dataclass(frozen=True)
class Grant:
    role: str
    organisation_id: int
    unit_id: int | None


@dataclass
class Scope:
    user_id: int | None
    is_platform_admin: bool
    day: date
    grants: tuple[Grant, ...]
    _orgs: dict[str, frozenset[int]] = field(default_factory=dict)
    _units: dict[str, frozenset[int]] = field(default_factory=dict)
    #: every organisation's parent as read for this scope, so that the request's other
    #: walks of the tree need no query of their own (`orgs.tree.parents`)
    tree: dict[int, int | None] = field(default_factory=dict)

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(g.role for g in self.grants)

    def has_role(self, *roles: str) -> bool:
        return self.is_platform_admin or any(g.role in roles for g in self.grants)

    def holds(self, *roles: str) -> bool:
        """One of `roles` through a membership of one's own: the platform administrator
        passes `has_role` for every role, but has no work log or supervision of their
        own unless a membership gives them one."""
        return any(g.role in roles for g in self.grants)

    def organisation_ids(self, *roles: str) -> frozenset[int]:
        """Organisations visible through the given roles (any role if none given).

        The platform administrator sees every organisation, whatever roles are asked.
        """
        return _union(self._orgs, (*roles, ADMIN_ROLE) if roles else tuple(self._orgs))

    def unit_ids(self, *roles: str) -> frozenset[int]:
        """Units visible through the given roles (any role if none given)."""
        return _union(self._units, (*roles, ADMIN_ROLE) if roles else tuple(self._units))

    def coordinated_network_ids(self) -> frozenset[int]:
        """Networks the user coordinates (the recruitment team and the peer network)."""
        return frozenset(g.organisation_id for g in self.grants if g.role == "network_coordinator")

    def network_ids(self) -> frozenset[int]:
        return frozenset(g.organisation_id for g in self.grants if g.role in NETWORK_ROLES)


def _union(mapping: dict[str, frozenset[int]], roles: Iterable[str]) -> frozenset[int]:
    result: set[int] = set()
    for role in roles:
        result |= mapping.get(role, frozenset())
    return frozenset(result)


ADMIN_ROLE = "platform_admin"


def scope_for(user, day: date | None = None) -> Scope:
    """The user's scope today, cached on the user object for the rest of the request."""
    if day is None:
        cached = getattr(user, _CACHE_ATTR, None)
        if cached is not None:
            return cached
    scope = _compute(user, day or timezone.localdate())
    if day is None and getattr(user, "is_authenticated", False):
        setattr(user, _CACHE_ATTR, scope)
    return scope


def _compute(user, day: date) -> Scope:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope(user_id=None, is_platform_admin=False, day=day, grants=())
    grants = tuple(
        Grant(m.role, m.organisation_id, m.unit_id)
        for m in Membership.objects.active_on(day)
        .filter(user=user)
        .only("role", "organisation_id", "unit_id")
    )
    scope = Scope(user_id=user.pk, is_platform_admin=user.is_superuser, day=day, grants=grants)

    tree = parents()
    scope.tree = tree

    def subtree(root_id: int) -> set[int]:
        return descendant_ids(root_id, tree)

    orgs: dict[str, set[int]] = defaultdict(set)
    units: dict[str, set[int]] = defaultdict(set)
    whole_orgs: dict[str, set[int]] = defaultdict(set)

    if scope.is_platform_admin:
        orgs[ADMIN_ROLE] = set(tree)
        whole_orgs[ADMIN_ROLE] = set(tree)

    for grant in grants:
        if grant.role in ORGANISATION_ROLES:
            below = subtree(grant.organisation_id)
            orgs[grant.role] |= below
            whole_orgs[grant.role] |= below
        elif grant.role in UNIT_ROLES and grant.unit_id is not None:
            orgs[grant.role].add(grant.organisation_id)
            units[grant.role].add(grant.unit_id)

    network_grants = [g for g in grants if g.role in NETWORK_ROLES]
    if network_grants:
        network_ids = {g.organisation_id for g in network_grants}
        agreements = Agreement.objects.filter(
            valid_on(day, "starts_on", "ends_on"), network_id__in=network_ids
        ).prefetch_related("units")
        covered_orgs: dict[int, set[int]] = defaultdict(set)
        covered_units: dict[int, set[int]] = defaultdict(set)
        covered_whole: dict[int, set[int]] = defaultdict(set)
        for agreement in agreements:
            below = subtree(agreement.principal_id)
            listed = {u.pk for u in agreement.units.all()}
            covered_orgs[agreement.network_id] |= below
            if listed:
                covered_units[agreement.network_id] |= listed
            else:
                covered_whole[agreement.network_id] |= below
        for grant in network_grants:
            net = grant.organisation_id
            orgs[grant.role] |= {net} | covered_orgs[net]
            units[grant.role] |= covered_units[net]
            whole_orgs[grant.role] |= covered_whole[net]

    wanted_orgs = set().union(*whole_orgs.values()) if whole_orgs else set()
    if wanted_orgs:
        by_org: dict[int, set[int]] = defaultdict(set)
        for unit_id, org_id in Unit.objects.filter(organisation_id__in=wanted_orgs).values_list(
            "id", "organisation_id"
        ):
            by_org[org_id].add(unit_id)
        for role, org_ids in whole_orgs.items():
            for org_id in org_ids:
                units[role] |= by_org.get(org_id, set())

    scope._orgs = {role: frozenset(ids) for role, ids in orgs.items()}
    scope._units = {role: frozenset(ids) for role, ids in units.items()}
    return scope
