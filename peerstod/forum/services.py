"""Every change to forums: meetings, locked minutes and addenda, certain delivery to the
managers, suggestions followed to a decision, and the anonymous suggestion box."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from peerstod.accounts.models import Membership
from peerstod.accounts.roles import Role
from peerstod.accounts.scope import Scope
from peerstod.core import audit
from peerstod.forum.models import (
    Addendum,
    AgendaItem,
    Delivery,
    Forum,
    Guest,
    Meeting,
    Status,
    Suggestion,
    Topic,
)
from peerstod.orgs.models import Unit

ANSWERS = {Status.ACCEPTED, Status.DECLINED, Status.NEEDS_INFO}
PROGRESS = {Status.IN_PROGRESS, Status.DONE}


def _require_peer_on(scope: Scope, unit: Unit) -> None:
    if unit.pk not in scope.unit_ids(Role.PEER_SUPPORTER):
        raise PermissionDenied


def _require_manager_of(scope: Scope, unit: Unit) -> None:
    if unit.pk not in scope.unit_ids(Role.UNIT_MANAGER):
        raise PermissionDenied


def forum_setup(*, scope: Scope, actor, unit: Unit, **fields: Any) -> Forum:
    _require_peer_on(scope, unit)
    forum, _created = Forum.objects.get_or_create(unit=unit, defaults=fields)
    for name, value in fields.items():
        setattr(forum, name, value)
    forum.full_clean()
    forum.save()
    return forum


def meeting_open(*, scope: Scope, actor, forum: Forum, held_on: date) -> Meeting:
    """A new meeting; answers given since the last one go on its agenda by themselves."""
    _require_peer_on(scope, forum.unit)
    meeting = Meeting(forum=forum, held_on=held_on)
    meeting.full_clean()
    with transaction.atomic():
        meeting.save()
        answered = forum.suggestions.filter(status__in=ANSWERS | PROGRESS).exclude(
            agenda_items__meeting__forum=forum
        )
        AgendaItem.objects.bulk_create(
            AgendaItem(
                meeting=meeting,
                topic=Topic.ANSWER,
                suggestion=s,
                text=f"{s.text} – {s.get_status_display()}"[:300],
            )
            for s in answered
        )
    return meeting


def _require_open(meeting: Meeting) -> None:
    if meeting.locked_at is not None:
        raise ValidationError(_("The minutes are locked. Add an addendum instead."))


def agenda_add(*, scope: Scope, actor, meeting: Meeting, topic: str, text: str) -> AgendaItem:
    _require_peer_on(scope, meeting.forum.unit)
    _require_open(meeting)
    if topic not in Topic.values or topic == Topic.ANSWER:
        raise ValidationError({"topic": _("Choose a topic from the list.")})
    item = AgendaItem(meeting=meeting, topic=topic, text=text)
    item.full_clean()
    item.save()
    return item


def meeting_update(
    *, scope: Scope, actor, meeting: Meeting, patients_present: int, guests: list[str], minutes: str
) -> Meeting:
    _require_peer_on(scope, meeting.forum.unit)
    _require_open(meeting)
    if any(g not in Guest.values for g in guests):
        raise ValidationError({"guests": _("Choose guests from the list.")})
    meeting.patients_present = patients_present
    meeting.guests = list(guests)
    meeting.minutes = minutes
    meeting.full_clean()
    meeting.save()
    return meeting


def suggestion_add(*, scope: Scope, actor, meeting: Meeting, topic: str, text: str) -> Suggestion:
    _require_peer_on(scope, meeting.forum.unit)
    _require_open(meeting)
    suggestion = Suggestion(
        forum=meeting.forum, meeting=meeting, topic=topic, text=text, created_on=meeting.held_on
    )
    suggestion.full_clean()
    suggestion.save()
    return suggestion


def meeting_close(*, scope: Scope, actor, meeting: Meeting) -> list[Delivery]:
    """Lock the minutes and deliver them to every manager of the unit, in the app and by
    mail: "Chefen får garanterat nedskrivet vad som sägs"."""
    _require_peer_on(scope, meeting.forum.unit)
    _require_open(meeting)
    if not meeting.minutes.strip():
        raise ValidationError({"minutes": _("Write the minutes before closing the meeting.")})
    now = timezone.now()
    unit = meeting.forum.unit
    managers = [
        m.user
        for m in Membership.objects.active_on(timezone.localdate())
        .filter(role=Role.UNIT_MANAGER, unit=unit)
        .select_related("user")
    ]
    if not managers:
        raise ValidationError(
            _(
                "The unit has no manager in Peerstöd to receive the minutes. "
                "Ask the programme coordinator to add one."
            )
        )
    with transaction.atomic():
        meeting.locked_at, meeting.locked_by = now, actor
        meeting.save(update_fields=["locked_at", "locked_by"])
        deliveries = [
            Delivery.objects.create(meeting=meeting, manager=m, sent_at=now) for m in managers
        ]
        audit.record(
            actor=actor,
            action="forum.minutes.locked",
            obj=meeting,
            organisation=unit.organisation,
            delivered_to=len(deliveries),
        )
        link = settings.SITE_URL.rstrip("/") + reverse("forum:meeting", args=[meeting.code])
        subject = _("Minutes from the forum on %(unit)s, %(day)s") % {
            "unit": unit,
            "day": meeting.held_on,
        }
        body = (
            _("New minutes from the patients' forum are waiting for you to read and acknowledge:")
            + f"\n\n{link}"
        )
        for manager in managers:
            transaction.on_commit(
                partial(send_mail, subject, body, settings.DEFAULT_FROM_EMAIL, [manager.email])
            )
    return deliveries


def addendum_add(*, scope: Scope, actor, meeting: Meeting, text: str) -> Addendum:
    _require_peer_on(scope, meeting.forum.unit)
    if meeting.locked_at is None:
        raise ValidationError(_("The minutes are still open: edit them directly."))
    addendum = Addendum(meeting=meeting, text=text, author=actor)
    addendum.full_clean()
    addendum.save()
    return addendum


def delivery_read(*, actor, meeting: Meeting) -> None:
    Delivery.objects.filter(meeting=meeting, manager=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def minutes_acknowledge(*, actor, meeting: Meeting) -> Delivery:
    delivery = Delivery.objects.filter(meeting=meeting, manager=actor).first()
    if delivery is None:
        raise PermissionDenied  # only a manager the minutes were delivered to
    if delivery.acknowledged_at is None:
        now = timezone.now()
        delivery.read_at = delivery.read_at or now
        delivery.acknowledged_at = now
        delivery.save(update_fields=["read_at", "acknowledged_at"])
        audit.record(
            actor=actor,
            action="forum.minutes.acknowledged",
            obj=meeting,
            organisation=meeting.forum.unit.organisation,
        )
    return delivery


def suggestion_answer(
    *, scope: Scope, actor, suggestion: Suggestion, status: str, answer: str
) -> Suggestion:
    _require_manager_of(scope, suggestion.forum.unit)
    allowed = ANSWERS | PROGRESS
    if status not in allowed:
        raise ValidationError({"status": _("Choose an answer from the list.")})
    if status == Status.DECLINED and not answer.strip():
        raise ValidationError({"answer": _("Give the reason when you decline.")})
    if status in PROGRESS and suggestion.status not in ANSWERS | PROGRESS:
        raise ValidationError({"status": _("Answer the suggestion first.")})
    today = timezone.localdate()
    suggestion.status = status
    suggestion.answer = answer or suggestion.answer
    if status in ANSWERS and suggestion.answered_on is None:
        suggestion.answered_on = today
    if status == Status.DONE:
        suggestion.done_on = today
    suggestion.full_clean()
    suggestion.save()
    audit.record(
        actor=actor,
        action=f"forum.suggestion.{status}",
        obj=suggestion,
        organisation=suggestion.forum.unit.organisation,
    )
    return suggestion


def _client_key(client_address: str) -> str:
    # Only a short-lived hash in the cache, never the address itself in the database.
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{client_address}".encode()).hexdigest()
    return f"forum-box:{digest[:32]}"


def box_submit(*, forum: Forum, text: str, topic: str, client_address: str) -> Suggestion:
    """A patient leaves a suggestion between meetings, anonymously."""
    key = _client_key(client_address)
    count = cache.get(key, 0)
    if count >= settings.FORUM_BOX_PER_HOUR:
        raise ValidationError(
            _(
                "Many suggestions have come from here in a short time. "
                "Try again in an hour, or bring it to the next forum."
            )
        )
    if not text.strip():
        raise ValidationError({"text": _("Write your suggestion.")})
    suggestion = Suggestion(
        forum=forum,
        from_box=True,
        status=Status.PENDING,
        topic=topic if topic in Topic.values and topic != Topic.ANSWER else Topic.IMPROVEMENT,
        text=text.strip(),
        created_on=timezone.localdate(),
    )
    suggestion.full_clean()
    suggestion.save()
    cache.set(key, count + 1, timeout=3600)
    return suggestion


def box_approve(*, scope: Scope, actor, suggestion: Suggestion, approve: bool) -> None:
    _require_peer_on(scope, suggestion.forum.unit)
    if suggestion.status != Status.PENDING:
        raise ValidationError(_("Already handled."))
    if approve:
        suggestion.status = Status.NEW
        suggestion.save(update_fields=["status"])
    else:
        suggestion.delete()


def escalate(today: date) -> int:
    """Minutes not acknowledged within the set days go to the programme coordinators."""
    from peerstod.supervision.reminders import _notify

    limit = timezone.now() - timedelta(days=settings.FORUM_ACKNOWLEDGE_DAYS)
    late = Delivery.objects.filter(
        acknowledged_at__isnull=True, escalated_at__isnull=True, sent_at__lte=limit
    ).select_related("meeting__forum__unit__organisation", "manager")
    sent = 0
    for delivery in late:
        unit = delivery.meeting.forum.unit
        coordinators = (
            Membership.objects.active_on(today)
            .filter(
                role=Role.PROGRAMME_COORDINATOR, organisation_id__in=_ancestors(unit.organisation)
            )
            .select_related("user")
        )
        text = _(
            "Minutes from the forum on %(unit)s (%(day)s) are not acknowledged by "
            "%(manager)s after %(days)d days."
        ) % {
            "unit": unit,
            "day": delivery.meeting.held_on,
            "manager": delivery.manager,
            "days": settings.FORUM_ACKNOWLEDGE_DAYS,
        }
        for membership in coordinators:
            sent += _notify(
                membership.user,
                f"forum_escalation:{delivery.pk}",
                today,
                text,
                reverse("forum:meeting", args=[delivery.meeting.code]),
            )
        delivery.escalated_at = timezone.now()
        delivery.save(update_fields=["escalated_at"])
    return sent


def _ancestors(organisation) -> list[int]:
    found, node = [], organisation
    while node is not None:
        found.append(node.pk)
        node = node.parent
    return found
