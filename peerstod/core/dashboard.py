"""What each role sees first: its own next steps, built from scoped reads only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from peerstod.accounts.models import Membership
from peerstod.accounts.roles import Role
from peerstod.accounts.scope import Scope
from peerstod.core import suppression
from peerstod.orgs import selectors as org_selectors
from peerstod.orgs.models import UnitKind


@dataclass
class Step:
    text: str | Promise
    url: str = ""


@dataclass
class Section:
    role: str
    title: str | Promise
    template: str
    steps: list[Step] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)


ROLE_ORDER = [
    Role.NETWORK_COORDINATOR,
    Role.PROGRAMME_COORDINATOR,
    Role.UNIT_MANAGER,
    Role.SUPERVISOR,
    Role.TRAINER,
    Role.PEER_SUPPORTER,
    Role.EVALUATOR,
]


def sections_for(scope: Scope) -> list[Section]:
    builders = {
        Role.NETWORK_COORDINATOR: _network_coordinator,
        Role.PROGRAMME_COORDINATOR: _programme_coordinator,
        Role.UNIT_MANAGER: _unit_manager,
        Role.SUPERVISOR: _supervisor,
        Role.TRAINER: _trainer,
        Role.PEER_SUPPORTER: _peer_supporter,
        Role.EVALUATOR: _evaluator,
    }
    sections = [builders[role](scope) for role in ROLE_ORDER if role in scope.roles]
    if scope.is_platform_admin:
        sections.insert(0, _platform_admin(scope))
    return sections


def _holding(role: str, day) -> Q:
    """Memberships of `role` valid on `day`, as a filter across the unit relation."""
    return (
        Q(memberships__role=role)
        & Q(memberships__valid_from__lte=day)
        & (Q(memberships__valid_to__isnull=True) | Q(memberships__valid_to__gte=day))
    )


def _units_with_staff(scope: Scope, roles: tuple[str, ...]):
    return org_selectors.unit_list(scope=scope, roles=roles).annotate(
        managers=Count("memberships", filter=_holding(Role.UNIT_MANAGER, scope.day)),
        peer_supporters=Count("memberships", filter=_holding(Role.PEER_SUPPORTER, scope.day)),
    )


def _platform_admin(scope: Scope) -> Section:
    return Section(
        role="platform_admin",
        title=_("Platform administration"),
        template="core/dashboard/platform_admin.html",
        steps=[
            Step(
                _("Create organisations, users and roles in the administration"),
                reverse("admin:index"),
            ),
            Step(_("Review the audit log"), reverse("core:audit")),
        ],
    )


def _network_coordinator(scope: Scope) -> Section:
    agreements = list(org_selectors.agreement_list(scope=scope))
    active = [a for a in agreements if a.is_valid_on(scope.day)]
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
    return Section(
        role=Role.NETWORK_COORDINATOR,
        title=_("Network coordinator"),
        template="core/dashboard/network_coordinator.html",
        steps=steps,
        data={"active": active, "ending": ending},
    )


def _programme_coordinator(scope: Scope) -> Section:
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
    steps += _survey_steps(scope)
    return Section(
        role=Role.PROGRAMME_COORDINATOR,
        title=_("Programme coordinator"),
        template="core/dashboard/programme_coordinator.html",
        steps=steps,
        data={"units": units, "without_manager": len(without_manager)},
    )


def _unit_manager(scope: Scope) -> Section:
    from peerstod.forum.selectors import deliveries_to_acknowledge

    units = list(_units_with_staff(scope, (Role.UNIT_MANAGER,)))
    steps = [
        Step(
            _("Read and acknowledge the forum minutes of %(unit)s, %(day)s")
            % {"unit": d.meeting.forum.unit, "day": d.meeting.held_on},
            reverse("forum:meeting", args=[d.meeting.code]),
        )
        for d in deliveries_to_acknowledge(user_id=scope.user_id)
    ]
    steps += [
        Step(
            _("Check the unit page of %(unit)s") % {"unit": unit},
            reverse("orgs:unit", args=[unit.code]),
        )
        for unit in units
    ]
    return Section(
        role=Role.UNIT_MANAGER,
        title=_("Unit manager"),
        template="core/dashboard/unit_manager.html",
        steps=steps,
        data={"units": units},
    )


def _supervisor(scope: Scope) -> Section:
    return Section(
        role=Role.SUPERVISOR,
        title=_("Supervisor"),
        template="core/dashboard/supervisor.html",
        data={"unit_count": len(scope.unit_ids(Role.SUPERVISOR))},
    )


def _trainer(scope: Scope) -> Section:
    return Section(role=Role.TRAINER, title=_("Trainer"), template="core/dashboard/trainer.html")


def _peer_supporter(scope: Scope) -> Section:
    units = list(org_selectors.unit_list(scope=scope, roles=(Role.PEER_SUPPORTER,)))
    managers = (
        Membership.objects.active_on(scope.day)
        .filter(role=Role.UNIT_MANAGER, unit__in=units)
        .select_related("user", "unit")
    )
    by_unit: dict[int, list[str]] = {}
    for membership in managers:
        by_unit.setdefault(membership.unit_id, []).append(membership.user.full_name)
    rows = [(unit, by_unit.get(unit.pk, [])) for unit in units]
    return Section(
        role=Role.PEER_SUPPORTER,
        title=_("Peer supporter"),
        template="core/dashboard/peer_supporter.html",
        steps=[Step(_("Check your account and your roles"), reverse("accounts:profile"))],
        data={"rows": rows},
    )


def _evaluator(scope: Scope) -> Section:
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
    from peerstod.surveys.selectors import closed_rounds

    steps = [
        Step(
            _("Results of %(round)s") % {"round": r.title},
            reverse("surveys:results", args=[r.code]),
        )
        for r in closed_rounds(scope=scope, day=scope.day)[:3]
    ]
    return Section(
        role=Role.EVALUATOR,
        title=_("Evaluator"),
        template="core/dashboard/evaluator.html",
        steps=steps,
        data={"rows": rows, "total": table.total, "as_of": as_of},
    )


def _survey_steps(scope: Scope) -> list[Step]:
    """Open survey rounds and free-text answers waiting for moderation."""
    from peerstod.surveys.selectors import open_rounds

    steps = []
    for survey_round in open_rounds(scope=scope, day=scope.day)[:5]:
        steps.append(
            Step(
                _("The survey %(round)s is open until %(day)s: %(n)s answers so far")
                % {
                    "round": survey_round.title,
                    "day": survey_round.last_day().isoformat(),
                    "n": survey_round.answers,
                },
                reverse("surveys:round", args=[survey_round.code]),
            )
        )
        if survey_round.pending:
            steps.append(
                Step(
                    _("%(n)s free-text answers in %(round)s wait for moderation")
                    % {"n": survey_round.pending, "round": survey_round.title},
                    reverse("surveys:moderate", args=[survey_round.code]),
                )
            )
    return steps
