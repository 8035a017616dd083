"""Scoped reads for forums. The public pages read only by the forum's opaque code."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from peerstod.accounts.roles import Role
from peerstod.accounts.scope import Scope
from peerstod.core import audit
from peerstod.forum import actions
from peerstod.forum.models import Delivery, Forum, Meeting, Status, Suggestion
from peerstod.orgs.models import Unit

#: suggestions without an answer to show the public yet
UNANSWERED = (Status.PENDING, Status.NEW)

READERS = (Role.PEER_SUPPORTER, Role.UNIT_MANAGER, Role.PROGRAMME_COORDINATOR)


def forums(*, scope: Scope) -> QuerySet[Forum]:
    return Forum.objects.filter(unit_id__in=scope.unit_ids(*READERS)).select_related("unit")


def units_without_forum(*, scope: Scope) -> QuerySet[Unit]:
    return Unit.objects.filter(pk__in=scope.unit_ids(Role.PEER_SUPPORTER), forum__isnull=True)


def forum_get(*, scope: Scope, code: str) -> Forum:
    return get_object_or_404(
        Forum.objects.select_related("unit"), public_code=code, unit_id__in=scope.unit_ids(*READERS)
    )


def meeting_get(*, scope: Scope, code: str) -> Meeting:
    return get_object_or_404(
        Meeting.objects.select_related("forum", "forum__unit", "forum__unit__organisation"),
        code=code,
        forum__unit_id__in=scope.unit_ids(*READERS),
    )


def suggestion_get(*, scope: Scope, code: str, forum: Forum | None = None) -> Suggestion:
    """A suggestion in the viewer's units (and on `forum`, when given), else 404."""
    found = Suggestion.objects.select_related("forum__unit", "forum__unit__organisation").filter(
        code=code, forum__unit_id__in=scope.unit_ids(*READERS)
    )
    if forum is not None:
        found = found.filter(forum=forum)
    return get_object_or_404(found)


def meeting_deliveries(*, actor, meeting: Meeting) -> list[Delivery]:
    """Who the minutes were delivered to, and when they read and acknowledged them: the
    managers' names are staff in a register, so showing them to anyone but themselves is
    an audited read."""
    deliveries = list(meeting.deliveries.select_related("manager").order_by("pk"))
    if any(d.manager_id != actor.pk for d in deliveries):
        audit.read(
            actor=actor,
            action=actions.MEETING_VIEWED,
            obj=meeting,
            organisation=meeting.forum.unit.organisation,
        )
    return deliveries


def delivery_of(*, user, meeting: Meeting) -> Delivery | None:
    """The delivery of these minutes to `user` (a manager's own), if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Delivery.objects.filter(meeting=meeting, manager=user).first()


def public_forums() -> QuerySet[Forum]:
    """Every active unit's forum for the public index of "Ni sa – vi gjorde", by
    organisation and unit, with how many suggestions have an answer: no names, no
    suggestion text (the forum's own page shows that)."""
    return (
        Forum.objects.filter(unit__is_active=True)
        .select_related("unit", "unit__organisation")
        .annotate(answered=Count("suggestions", filter=~Q(suggestions__status__in=UNANSWERED)))
        .order_by("unit__organisation__name", "unit__name")
    )


def public_forum(*, code: str) -> Forum:
    return get_object_or_404(Forum.objects.select_related("unit"), public_code=code)


def you_said_we_did(*, forum: Forum) -> QuerySet[Suggestion]:
    """Recent answered suggestions for the public page and poster: no names, ever."""
    return forum.suggestions.exclude(status__in=UNANSWERED)[:20]


def open_suggestions(*, forum: Forum) -> QuerySet[Suggestion]:
    return forum.suggestions.filter(Q(status=Status.NEW) | Q(status=Status.NEEDS_INFO))


def pending_box(*, forum: Forum) -> QuerySet[Suggestion]:
    return forum.suggestions.filter(status=Status.PENDING)


def deliveries_to_acknowledge(*, user_id):
    """Minutes delivered to this manager and not yet acknowledged: their in-app inbox."""
    return (
        Delivery.objects.filter(manager_id=user_id, acknowledged_at__isnull=True)
        .select_related("meeting__forum__unit")
        .order_by("sent_at")
    )


def suggestions_to_answer(*, scope: Scope) -> QuerySet[Suggestion]:
    """Suggestions waiting for an answer on the units the user manages, oldest first."""
    return (
        Suggestion.objects.filter(
            Q(status=Status.NEW) | Q(status=Status.NEEDS_INFO),
            forum__unit_id__in=scope.unit_ids(Role.UNIT_MANAGER),
        )
        .select_related("forum__unit")
        .order_by("created_on", "pk")
    )


def manages_a_forum(*, scope: Scope) -> bool:
    return Forum.objects.filter(unit_id__in=scope.unit_ids(Role.UNIT_MANAGER)).exists()


def suggestions_overdue(*, scope: Scope, today: date) -> QuerySet[Suggestion]:
    """Suggestions on the coordinator's units that no manager has answered within
    FORUM_ANSWER_DAYS, oldest first."""
    return (
        Suggestion.objects.filter(
            status=Status.NEW,
            created_on__lte=today - timedelta(days=settings.FORUM_ANSWER_DAYS),
            forum__unit_id__in=scope.unit_ids(Role.PROGRAMME_COORDINATOR),
        )
        .select_related("forum__unit")
        .order_by("created_on", "pk")
    )


def deliveries_escalated(*, scope: Scope) -> QuerySet[Delivery]:
    """Minutes escalated to the coordinator and still not acknowledged by the manager."""
    return (
        Delivery.objects.filter(
            escalated_at__isnull=False,
            acknowledged_at__isnull=True,
            meeting__forum__unit_id__in=scope.unit_ids(Role.PROGRAMME_COORDINATOR),
        )
        .select_related("meeting__forum__unit")
        .order_by("sent_at", "pk")
    )
