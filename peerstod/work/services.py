"""Every change to schedules and the activity log. The monthly roll-up is kept here, in
the same transaction as the entry, so reports never need to scan entries."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from peerstod.accounts.roles import Role
from peerstod.accounts.scope import Scope
from peerstod.core import audit, dates, idempotency
from peerstod.core.periods import valid_on
from peerstod.core.tokens import hash_token
from peerstod.core.usecase import use_case
from peerstod.orgs.models import Unit
from peerstod.people.models import Person
from peerstod.placement.models import Employment
from peerstod.work import actions
from peerstod.work.categories import OUTSIDE_ROLE, WITH_PATIENTS
from peerstod.work.models import (
    ActivityEntry,
    ActivityMonth,
    CalendarFeed,
    Format,
    ScheduleException,
    ScheduleItem,
)

EDIT_DAYS = 14  # entries can be corrected for 14 days after they were logged
ONCE_ENTRY = "work.entry"
ONCE_SCHEDULE_ITEM = "work.schedule_item"


def _out_of_range() -> str:
    return _("The week covers the years %(first)d–%(last)d: choose a date within them.") % {
        "first": dates.FIRST_YEAR,
        "last": dates.LAST_YEAR,
    }


def person_of(user) -> Person:
    person = getattr(user, "person", None) if user.is_authenticated else None
    if person is None:
        raise PermissionDenied
    return person


def employment_on(person: Person, unit: Unit, day: date) -> Employment | None:
    return Employment.objects.filter(
        valid_on(day, "starts_on", "ends_on"), person=person, unit=unit
    ).first()


def _sent_before(actor, once: str, purpose: str, rows, *, action: audit.Action, gone: str):
    """None when the form `once` is new; else what its first sending made (among `rows`,
    the person's own), noted in the audit log as a double submission, not a second real
    one. Refused when the first result is gone."""
    fresh, earlier = idempotency.claim(once, purpose=purpose)
    if fresh:
        return None
    first = rows.select_related("unit__organisation").filter(code=earlier).first()
    if first is None:
        raise ValidationError(gone)
    audit.record(actor=actor, action=action, obj=first, organisation=first.unit.organisation)
    return first


def _bump(entry: ActivityEntry, sign: int) -> None:
    """Add (+1) or take away (-1) one entry in its month's roll-up row."""
    month = entry.day.replace(day=1)
    changes = {
        "entries": F("entries") + sign,
        "group_entries": F("group_entries") + (sign if entry.format == Format.GROUP else 0),
        "minutes": F("minutes") + sign * entry.minutes,
        "participants": F("participants") + sign * entry.participants,
    }
    key: dict[str, Any] = {
        "person_id": entry.person_id,
        "unit_id": entry.unit_id,
        "month": month,
        "category": entry.category,
    }
    if not ActivityMonth.objects.filter(**key).update(**changes):
        ActivityMonth.objects.get_or_create(**key)
        ActivityMonth.objects.filter(**key).update(**changes)


def _validate(entry: ActivityEntry, today: date) -> None:
    """Everything about an entry, checked before anything is written: the date, the
    employment, the line outside the role, the participants, and every field (the
    personal-data guard on the note included)."""
    errors: dict[str, list] = {}

    def add(field: str, message) -> None:
        errors.setdefault(field, []).append(message)

    if isinstance(entry.day, date) and entry.day > today:
        add("day", _("The date is in the future. Log what has happened."))
    elif isinstance(entry.day, date) and employment_on(entry.person, entry.unit, entry.day) is None:
        add(
            "unit",
            _("You are not employed at %(unit)s on %(day)s.")
            % {"unit": entry.unit, "day": entry.day},
        )
    if entry.category in OUTSIDE_ROLE and not (entry.note or "").strip():
        add("note", _("Write one line about what happened (no names)."))
    if (
        entry.category in WITH_PATIENTS
        and isinstance(entry.participants, int)
        and entry.participants < 1
    ):
        add("participants", _("At least one patient takes part in this kind of work."))
    try:
        # The person, unit and user are rows the caller loaded: no need to look them up.
        entry.full_clean(exclude=["person", "unit", "created_by"])
    except ValidationError as problem:
        for field, messages in problem.message_dict.items():
            for message in messages:
                add(field, message)
    if errors:
        raise ValidationError(errors)


@use_case
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
    once: str = "",
    now: datetime | None = None,
) -> ActivityEntry:
    """The peer supporter logs their own work (never someone else's). `once` is the
    form's one-time key: the same form sent twice logs the work once. `now` is the
    clock (the moment of logging; the demo's history and the tests set it, no form
    does)."""
    now = now or timezone.now()
    person = person_of(actor)
    entry = ActivityEntry(
        person=person,
        unit=unit,
        day=day,
        category=category,
        minutes=minutes,
        format=format,
        participants=participants,
        note=(note or "").strip(),
        created_by=actor,
        created_at=now,
    )
    _validate(entry, timezone.localdate(now))
    first = _sent_before(
        actor,
        once,
        ONCE_ENTRY,
        ActivityEntry.objects.filter(person=person),
        action=actions.ENTRY_REPEAT_IGNORED,
        gone=_("This was already sent once. Open the log again."),
    )
    if first is not None:
        return first
    entry.save()
    _bump(entry, +1)
    idempotency.remember(once, purpose=ONCE_ENTRY, result=entry.code)
    audit.record(
        actor=actor,
        action=actions.ENTRY_LOGGED,
        obj=entry,
        organisation=unit.organisation,
        category=entry.category,
        minutes=entry.minutes,
    )
    return entry


def _require_editable(actor, entry: ActivityEntry) -> None:
    if not actor.is_authenticated or entry.person.user_id != actor.pk:
        raise PermissionDenied
    if timezone.now() - entry.created_at > timedelta(days=EDIT_DAYS):
        raise ValidationError(
            _("The entry is locked: entries can be corrected for %(days)d days.")
            % {"days": EDIT_DAYS}
        )


EDITABLE = ("day", "category", "minutes", "format", "participants", "note")


@use_case
def entry_update(*, actor, entry: ActivityEntry, **fields: Any) -> ActivityEntry:
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    # The stored entry, locked: what the roll-up holds now, whatever the caller changed.
    before = (
        ActivityEntry.objects.select_for_update().select_related("person", "unit").get(pk=entry.pk)
    )
    _require_editable(actor, before)
    for name, value in fields.items():
        setattr(entry, name, value.strip() if name == "note" and isinstance(value, str) else value)
    entry.person, entry.unit, entry.created_at = before.person, before.unit, before.created_at
    _validate(entry, timezone.localdate())
    _bump(before, -1)
    entry.save()
    _bump(entry, +1)
    audit.record(
        actor=actor,
        action=actions.ENTRY_CORRECTED,
        obj=entry,
        organisation=entry.unit.organisation,
        changed=sorted(n for n in fields if getattr(before, n) != getattr(entry, n)),
    )
    return entry


@use_case
def entry_delete(*, actor, entry: ActivityEntry) -> None:
    stored = (
        ActivityEntry.objects.select_for_update().select_related("person", "unit").get(pk=entry.pk)
    )
    _require_editable(actor, stored)
    audit.record(
        actor=actor,
        action=actions.ENTRY_REMOVED,
        obj=stored,
        organisation=stored.unit.organisation,
        day=stored.day.isoformat(),
        category=stored.category,
        minutes=stored.minutes,
    )
    _bump(stored, -1)
    stored.delete()


# Schedule -----------------------------------------------------------------------------


def _require_schedule_editor(scope: Scope, actor, person: Person, unit: Unit) -> None:
    own = person.user_id is not None and person.user_id == actor.pk
    managing = unit.pk in scope.unit_ids(Role.UNIT_MANAGER, Role.PROGRAMME_COORDINATOR)
    if not (own or managing):
        raise PermissionDenied


@use_case
def schedule_item_add(
    *, scope: Scope, actor, person: Person, unit: Unit, once: str = "", **fields: Any
) -> ScheduleItem:
    """Something that recurs every week. `once`: the form sent twice adds it once."""
    _require_schedule_editor(scope, actor, person, unit)
    item = ScheduleItem(person=person, unit=unit, **fields)
    errors: dict[str, list] = {}
    try:
        item.full_clean()
    except ValidationError as problem:
        errors.update(problem.message_dict)
    if isinstance(item.valid_from, date) and not dates.in_range(item.valid_from):
        errors.setdefault("valid_from", []).append(_out_of_range())
    elif isinstance(item.valid_from, date) and employment_on(person, unit, item.valid_from) is None:
        errors.setdefault("unit", []).append(
            _("The schedule is for a unit where you are employed.")
        )
    if errors:
        raise ValidationError(errors)
    first = _sent_before(
        actor,
        once,
        ONCE_SCHEDULE_ITEM,
        ScheduleItem.objects.filter(person=person),
        action=actions.SCHEDULE_ITEM_REPEAT_IGNORED,
        gone=_("This was already sent once. Open the week again."),
    )
    if first is not None:
        return first
    item.save()
    idempotency.remember(once, purpose=ONCE_SCHEDULE_ITEM, result=item.code)
    audit.record(
        actor=actor,
        action=actions.SCHEDULE_ITEM_ADDED,
        obj=item,
        organisation=unit.organisation,
    )
    return item


@use_case
def schedule_item_end(*, scope: Scope, actor, item: ScheduleItem, last_day: date) -> None:
    """The item stops after `last_day`; an item that had not started yet is removed."""
    item = ScheduleItem.objects.select_for_update().select_related("person", "unit").get(pk=item.pk)
    _require_schedule_editor(scope, actor, item.person, item.unit)
    organisation = item.unit.organisation
    if last_day < item.valid_from:
        audit.record(
            actor=actor, action=actions.SCHEDULE_ITEM_REMOVED, obj=item, organisation=organisation
        )
        item.delete()
        return
    item.valid_to = last_day
    item.full_clean()
    item.save(update_fields=["valid_to"])
    audit.record(
        actor=actor,
        action=actions.SCHEDULE_ITEM_ENDED,
        obj=item,
        organisation=organisation,
        last_day=last_day.isoformat(),
    )


@use_case
def schedule_exception_set(
    *, scope: Scope, actor, item: ScheduleItem, day: date, moved_to=None, note: str = ""
) -> ScheduleException:
    """One day of a recurring item is cancelled, or moved to `moved_to`."""
    _require_schedule_editor(scope, actor, item.person, item.unit)
    if moved_to is not None and timezone.is_naive(moved_to):
        moved_to = timezone.make_aware(moved_to)
    exception = ScheduleException.objects.filter(item=item, day=day).first() or (
        ScheduleException(item=item, day=day)
    )
    exception.cancelled = moved_to is None
    exception.moved_to = moved_to
    exception.note = (note or "").strip()
    errors: dict[str, list] = {}
    if isinstance(day, date) and not dates.in_range(day):
        errors["day"] = [_out_of_range()]
    elif isinstance(day, date) and day.weekday() != item.weekday:
        errors["day"] = [_("Choose a date when the item takes place.")]
    if moved_to is not None and not dates.in_range(moved_to.date()):
        errors["moved_to"] = [_out_of_range()]
    try:
        exception.full_clean()
    except ValidationError as problem:
        for field, messages in problem.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    exception.save()
    audit.record(
        actor=actor,
        action=actions.SCHEDULE_EXCEPTION_SET,
        obj=item,
        organisation=item.unit.organisation,
        day=day.isoformat(),
        moved=moved_to is not None,
    )
    return exception


@use_case
def calendar_feed_renew(*, actor, person: Person) -> str:
    """A new secret feed link; the old one stops working at once."""
    if not actor.is_authenticated or person.user_id != actor.pk:
        raise PermissionDenied
    token = secrets.token_urlsafe(24)
    CalendarFeed.objects.update_or_create(person=person, defaults={"token_hash": hash_token(token)})
    audit.record(
        actor=actor, action=actions.CALENDAR_RENEWED, obj=person, organisation=person.network
    )
    return token


@use_case
def calendar_feed_revoke(*, actor, person: Person) -> None:
    if not actor.is_authenticated or person.user_id != actor.pk:
        raise PermissionDenied
    removed, _kinds = CalendarFeed.objects.filter(person=person).delete()
    if removed:
        audit.record(
            actor=actor, action=actions.CALENDAR_REVOKED, obj=person, organisation=person.network
        )
