"""Every change to schedules and the activity log. The monthly roll-up is kept here, in
the same transaction as the entry, so reports never need to scan entries."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from peerstod.accounts.roles import Role
from peerstod.accounts.scope import Scope
from peerstod.core import audit
from peerstod.orgs.models import Unit
from peerstod.people.models import Person
from peerstod.placement.models import Employment
from peerstod.work.categories import OUTSIDE_ROLE
from peerstod.work.models import (
    ActivityEntry,
    ActivityMonth,
    CalendarFeed,
    Format,
    ScheduleException,
    ScheduleItem,
)

EDIT_DAYS = 14  # entries can be corrected for 14 days after they were logged


def person_of(user) -> Person:
    person = getattr(user, "person", None) if user.is_authenticated else None
    if person is None:
        raise PermissionDenied
    return person


def employment_on(person: Person, unit: Unit, day: date) -> Employment | None:
    return (
        Employment.objects.filter(person=person, unit=unit, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .first()
    )


def _bump(entry: ActivityEntry, sign: int) -> None:
    month = entry.day.replace(day=1)
    row, _created = ActivityMonth.objects.get_or_create(
        person_id=entry.person_id, unit_id=entry.unit_id, month=month, category=entry.category
    )
    ActivityMonth.objects.filter(pk=row.pk).update(
        entries=F("entries") + sign,
        group_entries=F("group_entries") + (sign if entry.format == Format.GROUP else 0),
        minutes=F("minutes") + sign * entry.minutes,
        participants=F("participants") + sign * entry.participants,
    )


def _validate(entry: ActivityEntry, today: date) -> None:
    errors: dict[str, Any] = {}
    if entry.day > today:
        errors["day"] = _("The date is in the future. Log what has happened.")
    elif employment_on(entry.person, entry.unit, entry.day) is None:
        errors["unit"] = _("You are not employed at %(unit)s on %(day)s.") % {
            "unit": entry.unit,
            "day": entry.day,
        }
    if entry.category in OUTSIDE_ROLE and not entry.note.strip():
        errors["note"] = _("Write one line about what happened (no names).")
    if errors:
        raise ValidationError(errors)
    entry.full_clean()


def entry_log(
    *,
    actor,
    unit: Unit,
    day: date,
    category: str,
    minutes: int,
    format: str = Format.INDIVIDUAL,
    participants: int = 1,
    note: str = "",
) -> ActivityEntry:
    """The peer supporter logs their own work (never someone else's)."""
    person = person_of(actor)
    entry = ActivityEntry(
        person=person,
        unit=unit,
        day=day,
        category=category,
        minutes=minutes,
        format=format,
        participants=participants,
        note=note.strip(),
        created_by=actor,
    )
    _validate(entry, timezone.localdate())
    with transaction.atomic():
        entry.save()
        _bump(entry, +1)
    return entry


def _require_editable(actor, entry: ActivityEntry) -> None:
    if entry.person.user_id != actor.pk:
        raise PermissionDenied
    if timezone.now() - entry.created_at > timedelta(days=EDIT_DAYS):
        raise ValidationError(
            _("The entry is locked: entries can be corrected for %(days)d days.")
            % {"days": EDIT_DAYS}
        )


EDITABLE = ("day", "category", "minutes", "format", "participants", "note")


def entry_update(*, actor, entry: ActivityEntry, **fields: Any) -> ActivityEntry:
    _require_editable(actor, entry)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    before = ActivityEntry.objects.get(pk=entry.pk)
    for name, value in fields.items():
        setattr(entry, name, value)
    _validate(entry, timezone.localdate())
    with transaction.atomic():
        _bump(before, -1)
        entry.save()
        _bump(entry, +1)
    return entry


def entry_delete(*, actor, entry: ActivityEntry) -> None:
    _require_editable(actor, entry)
    with transaction.atomic():
        _bump(entry, -1)
        entry.delete()


# Schedule -----------------------------------------------------------------------------


def _require_schedule_editor(scope: Scope, actor, person: Person, unit: Unit) -> None:
    own = person.user_id is not None and person.user_id == actor.pk
    managing = unit.pk in scope.unit_ids(Role.UNIT_MANAGER, Role.PROGRAMME_COORDINATOR)
    if not (own or managing):
        raise PermissionDenied


def schedule_item_add(
    *, scope: Scope, actor, person: Person, unit: Unit, **fields: Any
) -> ScheduleItem:
    _require_schedule_editor(scope, actor, person, unit)
    item = ScheduleItem(person=person, unit=unit, **fields)
    item.full_clean()
    if employment_on(person, unit, item.valid_from) is None:
        raise ValidationError({"unit": _("The schedule is for a unit where you are employed.")})
    with transaction.atomic():
        item.save()
        audit.record(
            actor=actor, action="work.schedule.item_added", obj=item, organisation=unit.organisation
        )
    return item


def schedule_item_end(*, scope: Scope, actor, item: ScheduleItem, last_day: date) -> None:
    _require_schedule_editor(scope, actor, item.person, item.unit)
    if last_day < item.valid_from:
        item.delete()
        return
    item.valid_to = last_day
    item.save(update_fields=["valid_to"])


def schedule_exception_set(
    *, scope: Scope, actor, item: ScheduleItem, day: date, moved_to=None, note: str = ""
) -> ScheduleException:
    _require_schedule_editor(scope, actor, item.person, item.unit)
    if moved_to is not None and timezone.is_naive(moved_to):
        moved_to = timezone.make_aware(moved_to)
    if day.weekday() != item.weekday:
        raise ValidationError({"day": _("Choose a date when the item takes place.")})
    exception, _created = ScheduleException.objects.update_or_create(
        item=item,
        day=day,
        defaults={"cancelled": moved_to is None, "moved_to": moved_to, "note": note},
    )
    exception.full_clean()
    return exception


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def calendar_feed_renew(*, actor, person: Person) -> str:
    """A new secret feed link; the old one stops working at once."""
    if person.user_id != actor.pk:
        raise PermissionDenied
    token = secrets.token_urlsafe(24)
    CalendarFeed.objects.update_or_create(person=person, defaults={"token_hash": hash_token(token)})
    audit.record(actor=actor, action="work.calendar.renewed", obj=person)
    return token


def calendar_feed_revoke(*, actor, person: Person) -> None:
    if person.user_id != actor.pk:
        raise PermissionDenied
    CalendarFeed.objects.filter(person=person).delete()
