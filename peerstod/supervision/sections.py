"""Start-page sections from supervision: the supervisor's supervisees by signal, the
peer supporter's own signal and self-assessment, and what is overdue for those who
follow supervision (the network) and check-ins (managers and coordinators)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from peerstod.accounts.models import User
from peerstod.accounts.roles import Role
from peerstod.accounts.scope import Scope
from peerstod.core.sections import Part, Step, contribute
from peerstod.people.models import Person
from peerstod.supervision import drift, selectors


@contribute(Role.SUPERVISOR, order=10)
def supervisees(scope: Scope) -> Part:
    user = User.objects.get(pk=scope.user_id)
    rows = selectors.supervisee_rows(user=user, day=scope.day)
    return Part(
        template="supervision/sections/supervisor.html",
        data={
            "rows": rows,
            "unit_count": len(scope.unit_ids(Role.SUPERVISOR)),
            "book_url": reverse("supervision:home"),
        },
    )


@contribute(Role.PEER_SUPPORTER, order=20)
def own_signal(scope: Scope) -> Part | None:
    person = Person.objects.filter(user_id=scope.user_id).first()
    if person is None:
        return None
    return Part(
        template="supervision/sections/peer_supporter.html",
        data={
            "signal": drift.signal(person, scope.day),
            "self_assessment_due": selectors.self_assessment_due(person=person, day=scope.day),
        },
    )


@contribute(Role.NETWORK_COORDINATOR, order=20)
def supervision_overdue(scope: Scope) -> Part:
    counts = selectors.overdue_counts(scope=scope, day=scope.day)
    rows = drift.counts_table(counts, columns=(True, False)) if counts else []
    # Nothing overdue only when every organisation's figure is shown and is 0.
    clear = bool(rows) and all(row.cells[0].value == 0 for row in rows)
    return Part(
        template="supervision/sections/network_overdue.html",
        data={
            "overdue_rows": rows,
            "overdue_clear": clear,
            "overdue_hidden": any(row.cells[0].suppressed for row in rows),
            "weeks": settings.DRIFT["supervision_weeks_amber"],
        },
    )


def _late_actions(scope: Scope) -> Part:
    late = selectors.late_actions(scope=scope, day=scope.day)
    return Part(
        steps=[
            Step(
                _("%(unit)s: %(n)d actions agreed at check-ins are past their due date")
                % {"unit": unit.name, "n": n}
                if n > 1
                else _("%(unit)s: an action agreed at a check-in is past its due date")
                % {"unit": unit.name},
                reverse("supervision:check_ins"),
            )
            for unit, n in late
        ],
        # Each late unit is a next step; the fragment says plainly when none is late.
        template="" if late else "supervision/sections/late_actions.html",
    )


@contribute(Role.PROGRAMME_COORDINATOR, order=30)
def late_actions_coordinator(scope: Scope) -> Part:
    return _late_actions(scope)


@contribute(Role.UNIT_MANAGER, order=30)
def late_actions_manager(scope: Scope) -> Part:
    return _late_actions(scope)
