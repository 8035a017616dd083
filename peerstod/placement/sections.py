"""Start-page sections: the unit manager's readiness gaps; what is overdue in placement
for the programme coordinator."""

from __future__ import annotations

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from peerstod.accounts.roles import Role
from peerstod.accounts.scope import Scope
from peerstod.core import suppression
from peerstod.core.sections import Part, Step, contribute
from peerstod.placement import readiness, selectors

# At most this many steps of one kind; the page the kind links to has the rest.
MAX_STEPS = 5


def _day(day) -> str:
    return date_format(day, "j F Y")


def _gaps(units, day):
    checks = readiness.check_many(units, day)
    return [
        (unit, checks[unit.pk], [item for item in checks[unit.pk].items if not item.done])
        for unit in units
        if not checks[unit.pk].ready
    ]


@contribute(Role.UNIT_MANAGER, order=20)
def readiness_gaps(scope: Scope) -> Part | None:
    units = list(selectors.managed_units(scope=scope))
    if not units:
        return None
    gaps = _gaps(units, scope.day)
    steps = [
        Step(
            _("Complete the readiness checklist of %(unit)s: %(n)d of %(total)d not done")
            % {"unit": unit.name, "n": len(missing), "total": len(check.items)},
            reverse("placement:readiness", args=[unit.code]),
        )
        for unit, check, missing in gaps
    ]
    for position in selectors.positions_without_agreed_role(
        scope=scope, roles=(Role.UNIT_MANAGER,)
    )[:MAX_STEPS]:
        steps.append(
            Step(
                _("Agree the role description of the position at %(unit)s (%(fte)d %%)")
                % {"unit": position.unit.name, "fte": position.fte_percent},
                reverse("placement:position", args=[position.code]),
            )
        )
    return Part(
        steps=steps,
        template="placement/sections/unit_manager.html",
        data={"gaps": gaps, "unit_count": len(units)},
    )


@contribute(Role.PROGRAMME_COORDINATOR, order=20)
def placement_overdue(scope: Scope) -> Part:
    """Matching events to confirm or prepare, positions no event offers, positions on
    units that are not ready or without an agreed role; supply against open seats."""
    today = scope.day
    events = selectors.events_unconfirmed(scope=scope)
    positions = list(selectors.open_positions(scope=scope))
    steps = []
    for event, _ids in [(e, ids) for e, ids in events if e.held_on < today][:MAX_STEPS]:
        steps.append(
            Step(
                _("Confirm the matches of %(event)s, held on %(day)s")
                % {"event": event.title, "day": _day(event.held_on)},
                reverse("placement:event", args=[event.code]),
            )
        )
    in_events = {q for _event, ids in events for q in ids}
    alone = [q for q in positions if q.pk not in in_events]
    for position in alone[:MAX_STEPS]:
        if position.starts_on < today:
            text = _("The position at %(unit)s started on %(day)s and no matching event offers it")
        else:
            text = _("The position at %(unit)s starts on %(day)s and no matching event offers it")
        steps.append(
            Step(
                text % {"unit": position.unit.name, "day": _day(position.starts_on)},
                reverse("placement:events"),
            )
        )
    units = list({q.unit_id: q.unit for q in positions}.values())
    for unit, check, _missing in _gaps(units, today)[:MAX_STEPS]:
        steps.append(
            Step(
                _("%(unit)s has an open position but is not ready: %(done)d of %(total)d done")
                % {"unit": unit.name, "done": check.done_count, "total": len(check.items)},
                reverse("placement:readiness", args=[unit.code]),
            )
        )
    for position in [q for q in positions if q.role_agreed_on is None][:MAX_STEPS]:
        steps.append(
            Step(
                _("Agree the role description of the position at %(unit)s (%(fte)d %%)")
                % {"unit": position.unit.name, "fte": position.fte_percent},
                reverse("placement:position", args=[position.code]),
            )
        )
    for event, _ids in [(e, ids) for e, ids in events if e.held_on >= today][:MAX_STEPS]:
        steps.append(
            Step(
                _("Prepare %(event)s on %(day)s: meetings and both sides' rankings")
                % {"event": event.title, "day": _day(event.held_on)},
                reverse("placement:event", args=[event.code]),
            )
        )
    overdue = len(steps)
    seats = sum(q.seats for q in positions)
    available = suppression.suppress_each(
        {"available": selectors.available_count(scope=scope, day=today)}
    )["available"]
    return Part(
        steps=steps,
        template="placement/sections/programme_coordinator.html",
        data={
            "nothing_overdue": overdue == 0,
            "open_seats": seats,
            "open_positions": len(positions),
            "available": available,
            "threshold": suppression.threshold(),
        },
    )
