"""What every placement use case shares: who may act, the checks on dates and service
degrees, and what a form sent twice gets back (the first result, noted in the audit log)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from peerstod.accounts.scope import Scope
from peerstod.core import audit, dates, idempotency
from peerstod.orgs.models import Organisation, Unit
from peerstod.people.models import Person
from peerstod.placement import actions
from peerstod.placement.models import Position
from peerstod.placement.selectors import COORDINATORS


def _require_unit(scope: Scope, unit: Unit, roles=COORDINATORS) -> None:
    if unit.pk not in scope.unit_ids(*roles):
        raise PermissionDenied


def _require_organisation(scope: Scope, organisation: Organisation) -> None:
    if organisation.pk not in scope.organisation_ids(*COORDINATORS):
        raise PermissionDenied


def _check_days(errors: dict[str, Any], **days: date | None) -> None:
    """Dates lie within the years the platform works in (core.dates)."""
    for name, day in days.items():
        if day is not None and not dates.in_range(day):
            errors[name] = _("Placement dates lie between the years %(first)d and %(last)d.") % {
                "first": dates.FIRST_YEAR,
                "last": dates.LAST_YEAR,
            }


def _check_fte(errors: dict[str, Any], name: str, value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int) or not 25 <= value <= 100:
        errors[name] = _("Service degrees lie between 25 and 100 %.")
        return False
    return True


def _raise(errors: dict[str, Any]) -> None:
    if errors:
        raise ValidationError(errors)


def _sent_before(
    actor, once: str, purpose: str, rows: QuerySet, organisation, *, by_pk: bool = False
):
    """None when the form `once` is new; else what its first sending made (`rows` carry
    the caller's scope), with the repeat noted in the audit log."""
    fresh, earlier = idempotency.claim(once, purpose=purpose)
    if fresh:
        return None
    found = idempotency.earlier(rows, earlier) if by_pk else rows.filter(code=earlier).first()
    return idempotency.repeat_ignored(
        found,
        actor=actor,
        action=actions.REPEAT_IGNORED,
        organisation=organisation,
        purpose=purpose,
        message=_("This placement form was already sent. Reload the page and try again."),
    )


def _created(
    obj: Model,
    *,
    actor,
    action: audit.Action,
    organisation,
    once: str,
    purpose: str,
    **details: Any,
) -> None:
    """The audit row of a new object, and its code kept for a repeat of the form."""
    audit.record(actor=actor, action=action, obj=obj, organisation=organisation, **details)
    idempotency.remember(once, purpose=purpose, result=getattr(obj, "code", None) or str(obj.pk))


def _lock_person(person: Person) -> Person:
    """Lock the person (the owner of the 100 % limit) until the use case ends."""
    return Person.objects.select_for_update().get(pk=person.pk)


def _lock_position(position: Position) -> Position:
    """Lock the position (the owner of its seats) until the use case ends."""
    return Position.objects.select_for_update().select_related("unit").get(pk=position.pk)
