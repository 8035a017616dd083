"""Scoped reads of schedules and the activity log."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from peerstod.accounts.roles import Role
from peerstod.accounts.scope import Scope
from peerstod.core import audit
from peerstod.core.periods import valid_on
from peerstod.core.tokens import hash_token
from peerstod.orgs.models import Unit
from peerstod.people.models import Person
from peerstod.placement.models import Employment
from peerstod.work import actions
from peerstod.work.models import ActivityEntry, ActivityMonth, CalendarFeed, ScheduleItem

UNIT_READERS = (Role.UNIT_MANAGER, Role.PROGRAMME_COORDINATOR)


def own_person(user) -> Person | None:
    return getattr(user, "person", None)


def employed_units(*, person: Person, day: date) -> QuerySet[Unit]:
    employments = Employment.objects.filter(valid_on(day, "starts_on", "ends_on"), person=person)
    return (
        Unit.objects.filter(employments__in=employments)
        .select_related("organisation")
        .distinct()
        .order_by("name")
    )


def recent_entries(*, person: Person, limit: int = 8) -> QuerySet[ActivityEntry]:
    return ActivityEntry.objects.filter(person=person).select_related("unit")[:limit]


def entry_get(*, user, code: str) -> ActivityEntry:
    return get_object_or_404(
        ActivityEntry.objects.select_related("unit", "person"),
        code=code,
        person__user=user,
    )


def schedule_items(*, person: Person) -> QuerySet[ScheduleItem]:
    return ScheduleItem.objects.filter(person=person).select_related("unit")


def schedule_item_get(*, scope: Scope, user, code: str) -> ScheduleItem:
    """One item of a week: the peer supporter's own, or one on a unit the user manages
    (someone else's week: an audited read)."""
    own = Q(person__user=user) if user.is_authenticated else Q(pk__in=[])
    item = get_object_or_404(
        ScheduleItem.objects.select_related("unit__organisation", "person"),
        own | Q(unit_id__in=scope.unit_ids(*UNIT_READERS)),
        code=code,
    )
    if item.person.user_id != user.pk:
        audit.read(
            actor=user,
            action=actions.SCHEDULE_ITEM_VIEWED,
            obj=item,
            organisation=item.unit.organisation,
        )
    return item


def unit_for_poster(*, scope: Scope, code: str) -> Unit:
    return get_object_or_404(
        Unit.objects.select_related("organisation"),
        code=code,
        pk__in=scope.unit_ids(Role.UNIT_MANAGER, Role.PROGRAMME_COORDINATOR, Role.PEER_SUPPORTER),
    )


def unit_schedule(*, unit: Unit) -> QuerySet[ScheduleItem]:
    return ScheduleItem.objects.filter(unit=unit, open_to_all=True)


def feed_person(*, actor, token: str) -> Person:
    """Whose week the secret link shows. Whoever holds the link fetches it without
    logging in, so every fetch is an audited read of that person's week."""
    feed = get_object_or_404(
        CalendarFeed.objects.select_related("person__network"), token_hash=hash_token(token)
    )
    audit.read(
        actor=actor,
        action=actions.CALENDAR_FEED_READ,
        obj=feed.person,
        organisation=feed.person.network,
    )
    return feed.person


def has_calendar_feed(*, person: Person) -> bool:
    return CalendarFeed.objects.filter(person=person).exists()


def report_units(*, scope: Scope) -> QuerySet[Unit]:
    return (
        Unit.objects.filter(pk__in=scope.unit_ids(*UNIT_READERS))
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )


def activity_rows(*, person: Person | None = None, units=None):
    """The monthly roll-up for one person's own report, or for units already scoped."""
    if person is not None:
        return ActivityMonth.objects.filter(person=person)
    return ActivityMonth.objects.filter(unit__in=units)
