"""Start-page sections: which months of figures are overdue for the units a programme
coordinator, a unit manager or an evaluator follows (selectors.reporting), with a link to
enter them for the coordinator, who is the one who enters them, and the analysis for
everyone. When nothing is overdue the section says up to which month the figures are in;
when no unit reports figures it says so (the coordinator gets the link to import them)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from peerstod.accounts.roles import Role
from peerstod.accounts.scope import Scope
from peerstod.core.sections import Part, Step, contribute
from peerstod.outcomes import selectors

SHOWN = 5  # units named one by one among the next steps


def _month(day) -> str:
    return date_format(day, "F Y")


def _missing_text(row: selectors.Reporting) -> str:
    n = len(row.missing)
    return ngettext(
        "%(unit)s: the figures for %(month)s are missing",
        "%(unit)s: figures for %(n)s months are missing, the latest %(month)s",
        n,
    ) % {"unit": row.unit.name, "n": n, "month": _month(row.missing[-1])}


def _part(scope: Scope, role: str, *, can_enter: bool) -> Part:
    rows = selectors.reporting(scope=scope, role=role, day=scope.day)
    due = selectors.due_month(scope.day)
    late = [row for row in rows if row.missing]
    steps = []
    for row in late[:SHOWN]:
        if can_enter:
            query = urlencode({"unit": row.unit.code, "month": row.missing[-1].strftime("%Y-%m")})
            steps.append(Step(_missing_text(row), f"{reverse('outcomes:entry')}?{query}"))
    if can_enter and not rows:
        steps.append(
            Step(
                _("Import your units' monthly figures (bed-days, coercive measures, PRN doses)"),
                reverse("outcomes:import"),
            )
        )
    if any(row.last for row in rows):
        steps.append(
            Step(_("See whether coercion changed: the analysis"), reverse("outcomes:analysis"))
        )
    return Part(
        steps=steps,
        template="outcomes/sections/figures.html",
        data={
            "outcomes_rows": rows,
            "outcomes_late": [(row, _missing_text(row)) for row in late],
            "outcomes_due": due,
            "outcomes_latest": min((row.last for row in rows if row.last), default=None),
            "outcomes_can_enter": can_enter,
        },
    )


@contribute(Role.PROGRAMME_COORDINATOR, order=70)
def figures_due(scope: Scope) -> Part:
    return _part(scope, Role.PROGRAMME_COORDINATOR, can_enter=True)


@contribute(Role.UNIT_MANAGER, order=70)
def unit_figures(scope: Scope) -> Part:
    return _part(scope, Role.UNIT_MANAGER, can_enter=False)


@contribute(Role.EVALUATOR, order=30)
def figures_for_evaluation(scope: Scope) -> Part:
    return _part(scope, Role.EVALUATOR, can_enter=False)
