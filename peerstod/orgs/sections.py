"""Start-page sections about agreements and units."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from peerstod.accounts.models import Membership
from peerstod.accounts.roles import Role
from peerstod.accounts.scope import Scope
from peerstod.core import suppression
from peerstod.core.periods import valid_on
from peerstod.core.sections import Part, Step, contribute
from peerstod.orgs import selectors
from peerstod.orgs.models import UnitKind


def _holding(role: str, day):
    """Memberships of `role` valid on `day`, as a filter across the unit relation."""
    return Q(memberships__role=role) & valid_on(
        day, "memberships__valid_from", "memberships__valid_to"
    )


def _units_with_staff(scope: Scope, roles: tuple[str, ...]):
    return selectors.unit_list(scope=scope, roles=roles).annotate(
        managers=Count("memberships", filter=_holding(Role.UNIT_MANAGER, scope.day)),
        peer_supporters=Count("memberships", filter=_holding(Role.PEER_SUPPORTER, scope.day)),
    )


@contribute(Role.NETWORK_COORDINATOR)
def agreements(scope: Scope) -> Part:
    found = list(selectors.agreement_list(scope=scope))
    active = [a for a in found if a.is_valid_on(scope.day)]
    soon = scope.day + timedelta(days=60)
    ending = [a for a in active if a.ends_on is not None and a.ends_on <= soon]
    steps = []
    if not active:
        steps.append(
            Step(
                _(
                    "Sign an agreement with a region or municipality so that your trainers "
                    "and supervisors can work with its units"
                ),
                reverse("orgs:agreement_create"),
            )
        )
    for agreement in ending:
        steps.append(
            Step(
                _("The agreement with %(principal)s ends on %(day)s: renew it or plan the end")
                % {"principal": agreement.principal, "day": agreement.ends_on},
                reverse("orgs:agreements"),
            )
        )
    steps.append(Step(_("See the organisations and units you work with"), reverse("orgs:list")))
    return Part(
        steps=steps,
        template="orgs/sections/network_coordinator.html",
        data={"active": active, "ending": ending},
    )


@contribute(Role.PROGRAMME_COORDINATOR, order=10)
def coordinated_units(scope: Scope) -> Part:
    units = list(_units_with_staff(scope, (Role.PROGRAMME_COORDINATOR,)))
    without_manager = [u for u in units if u.managers == 0]
    steps = []
    if not units:
        steps.append(
            Step(
                _("Add the first unit where peer supporters will work"), reverse("orgs:unit_create")
            )
        )
    for unit in without_manager[:5]:
        steps.append(
            Step(
                _("%(unit)s has no unit manager in Peerstöd yet") % {"unit": unit},
                reverse("orgs:unit", args=[unit.code]),
            )
        )
    steps.append(Step(_("Add a unit"), reverse("orgs:unit_create")))
    return Part(
        steps=steps,
        template="orgs/sections/programme_coordinator.html",
        data={"units": units, "without_manager": len(without_manager)},
    )


@contribute(Role.UNIT_MANAGER, order=50)
def managed_units(scope: Scope) -> Part:
    units = list(_units_with_staff(scope, (Role.UNIT_MANAGER,)))
    return Part(
        steps=[
            Step(
                _("Check the unit page of %(unit)s") % {"unit": unit},
                reverse("orgs:unit", args=[unit.code]),
            )
            for unit in units
        ],
        template="orgs/sections/unit_manager.html",
        data={"units": units},
    )


@contribute(Role.PEER_SUPPORTER, order=90)
def workplaces(scope: Scope) -> Part:
    """Where the peer supporter works and who manages each unit: below their work and
    supervision, with no step of its own (their next steps are the work log's)."""
    units = list(selectors.unit_list(scope=scope, roles=(Role.PEER_SUPPORTER,)))
    managers = (
        Membership.objects.active_on(scope.day)
        .filter(role=Role.UNIT_MANAGER, unit__in=units)
        .select_related("user", "unit")
    )
    by_unit: dict[int, list[str]] = {}
    for membership in managers:
        by_unit.setdefault(membership.unit_id, []).append(membership.user.full_name)
    return Part(
        template="orgs/sections/peer_supporter.html",
        data={"rows": [(unit, by_unit.get(unit.pk, [])) for unit in units]},
    )


@contribute(Role.EVALUATOR, order=10)
def peer_supporters_by_kind(scope: Scope) -> Part:
    """Units and peer supporters by kind of unit: an aggregate, so small counts are hidden.
    Counted as on the last day of last month, so that the table does not change from
    one day to the next when one person joins or leaves."""
    as_of = scope.day.replace(day=1) - timedelta(days=1)
    units = (
        _units_with_staff(scope, (Role.EVALUATOR,))
        .values("kind")
        .annotate(n=Count("id", distinct=True))
    )
    unit_counts = {row["kind"]: row["n"] for row in units}
    peer_counts = dict(
        Membership.objects.active_on(as_of)
        .filter(role=Role.PEER_SUPPORTER, unit__in=scope.unit_ids(Role.EVALUATOR))
        .values_list("unit__kind")
        .annotate(n=Count("user", distinct=True))
        .values_list("unit__kind", "n")
    )
    kinds = [k for k in UnitKind if k.value in unit_counts]
    table = suppression.suppress_counts({k.value: peer_counts.get(k.value, 0) for k in kinds})
    rows = [(k.label, unit_counts[k.value], table.cells[(k.value, "n")]) for k in kinds]
    return Part(
        template="orgs/sections/evaluator.html",
        data={"rows": rows, "total": table.total, "as_of": as_of},
    )
