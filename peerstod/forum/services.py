"""Every change to forums: meetings, locked minutes and addenda, certain delivery to the
managers, suggestions followed to a decision, and the anonymous suggestion box.

Each public function that writes is a use case (core.usecase): one transaction, its own
audit row, mail through the outbox after commit. The suggestion box's rate limit is the
view's (core.ratelimit): no service receives or keeps a client's address."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from peerstod.accounts.models import Membership
from peerstod.accounts.roles import Role
from peerstod.accounts.scope import Scope
from peerstod.core import audit, idempotency
from peerstod.core.links import absolute
from peerstod.core.usecase import use_case
from peerstod.forum import actions
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
from peerstod.notifications.mail import mail_queue
from peerstod.notifications.services import notify
from peerstod.orgs.models import Unit
from peerstod.orgs.tree import ancestor_ids, parents

ANSWERS = {Status.ACCEPTED, Status.DECLINED, Status.NEEDS_INFO}
PROGRESS = {Status.IN_PROGRESS, Status.DONE}


def _require_peer_on(scope: Scope, unit: Unit) -> None:
    if unit.pk not in scope.unit_ids(Role.PEER_SUPPORTER):
        raise PermissionDenied


def _require_manager_of(scope: Scope, unit: Unit) -> None:
    if unit.pk not in scope.unit_ids(Role.UNIT_MANAGER):
        raise PermissionDenied


def _already_sent() -> ValidationError:
    return ValidationError(
        _("This form was already sent and is being saved. Reload the page to see it.")
    )


class _SentBefore(Exception):  # noqa: N818 - a signal, not an error
    """The form's one-time key was used: the use case stops before writing anything and
    the caller gets what the first POST made (core.idempotency)."""

    def __init__(self, result: str):
        super().__init__(result)
        self.result = result


def _claim(once: str, purpose: str) -> None:
    fresh, earlier = idempotency.claim(once, purpose=purpose)
    if not fresh:
        raise _SentBefore(earlier)


def _first_result(find: Callable[..., Any]) -> Callable:
    """Around a use case that claims a one-time key: a repeat returns what the first POST
    made, found by `find(result, **kwargs)`. Outside the use case on purpose: a repeat
    changes nothing, so it has no audit row, and its transaction is rolled back."""

    def decorator(func: Callable) -> Callable:
        @wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return func(*args, **kwargs)
            except _SentBefore as repeat:
                found = find(repeat.result, **kwargs) if repeat.result else None
                if found is None:
                    raise _already_sent() from None
                return found

        return wrapper

    return decorator


def _topic_of_a_peer(topic: str) -> str:
    """A topic peer supporters may choose (answers are the manager's)."""
    if topic not in Topic.values or topic == Topic.ANSWER:
        raise ValidationError({"topic": _("Choose a topic from the list.")})
    return topic


def _saved_once(obj: Any, *, once: str, purpose: str, result: str) -> Any:
    """Validate and save what a one-time key's form made, and remember it (by the
    `result` attribute) as what a repeat of the key returns."""
    obj.full_clean()
    obj.save()
    idempotency.remember(once, purpose=purpose, result=str(getattr(obj, result)))
    return obj


def _audit(actor, action, obj: Meeting | Suggestion, **detail: Any) -> None:
    """The audit row of a change to a meeting or a suggestion, in its forum's organisation."""
    audit.record(
        actor=actor,
        action=action,
        obj=obj,
        organisation=obj.forum.unit.organisation,
        **detail,
    )


@use_case
def forum_setup(*, scope: Scope, actor, unit: Unit, **fields: Any) -> Forum:
    _require_peer_on(scope, unit)
    forum = Forum.objects.filter(unit=unit).first() or Forum(unit=unit)
    created = forum.pk is None
    for name, value in fields.items():
        setattr(forum, name, value)
    forum.full_clean()
    forum.save()
    audit.record(
        actor=actor,
        action=actions.FORUM_SET_UP,
        obj=forum,
        organisation=unit.organisation,
        created=created,
    )
    return forum


@use_case
def meeting_open(*, scope: Scope, actor, forum: Forum, held_on: date) -> Meeting:
    """A new meeting; answers given since the last one go on its agenda by themselves.
    One meeting a day: a second start the same day is refused in words."""
    _require_peer_on(scope, forum.unit)
    # The forum's row owns the one-a-day rule: two starts at once wait for each other.
    Forum.objects.select_for_update().filter(pk=forum.pk).first()
    earlier = Meeting.objects.filter(forum=forum, held_on=held_on).first()
    if earlier is not None and earlier.locked_at is not None:
        raise ValidationError(
            _(
                "The meeting of %(day)s is already held and its minutes are locked. "
                "There is one meeting a day: add what was forgotten as an addendum."
            )
            % {"day": held_on.isoformat()},
            code="meeting_exists",
        )
    if earlier is not None:
        raise ValidationError(
            _("A meeting for %(day)s is already started. Open it from the list of meetings below.")
            % {"day": held_on.isoformat()},
            code="meeting_exists",
        )
    meeting = Meeting(forum=forum, held_on=held_on)
    meeting.full_clean()
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
    _audit(actor, actions.MEETING_OPENED, meeting)
    return meeting


def _require_open(meeting: Meeting) -> None:
    if meeting.locked_at is not None:
        raise ValidationError(_("The minutes are locked. Add an addendum instead."))


def _locked_fresh(meeting: Meeting) -> Meeting:
    """The meeting as it is in the database now, its row locked for this change: a
    meeting closed in another tab since the page was shown is closed here too."""
    meeting.refresh_from_db(from_queryset=Meeting.objects.select_for_update())
    return meeting


@_first_result(
    lambda pk, *, meeting, **_: AgendaItem.objects.filter(pk=pk, meeting=meeting).first()
)
@use_case
def agenda_add(
    *, scope: Scope, actor, meeting: Meeting, topic: str, text: str, once: str = ""
) -> AgendaItem:
    _require_peer_on(scope, meeting.forum.unit)
    _claim(once, "forum.agenda")
    _require_open(_locked_fresh(meeting))
    item = AgendaItem(meeting=meeting, topic=_topic_of_a_peer(topic), text=text)
    _saved_once(item, once=once, purpose="forum.agenda", result="pk")
    _audit(actor, actions.AGENDA_ITEM_ADDED, meeting, item=item.pk)
    return item


@use_case
def meeting_update(
    *, scope: Scope, actor, meeting: Meeting, patients_present: int, guests: list[str], minutes: str
) -> Meeting:
    _require_peer_on(scope, meeting.forum.unit)
    _require_open(_locked_fresh(meeting))
    if any(g not in Guest.values for g in guests):
        raise ValidationError({"guests": _("Choose guests from the list.")})
    meeting.patients_present = patients_present
    meeting.guests = list(guests)
    meeting.minutes = minutes
    meeting.full_clean()
    meeting.save()
    _audit(actor, actions.MEETING_UPDATED, meeting)
    return meeting


@_first_result(lambda code, *, meeting, **_: meeting.suggestions.filter(code=code).first())
@use_case
def suggestion_add(
    *, scope: Scope, actor, meeting: Meeting, topic: str, text: str, once: str = ""
) -> Suggestion:
    _require_peer_on(scope, meeting.forum.unit)
    _claim(once, "forum.suggestion")
    _require_open(_locked_fresh(meeting))
    suggestion = Suggestion(
        forum=meeting.forum,
        meeting=meeting,
        topic=_topic_of_a_peer(topic),
        text=text,
        created_on=meeting.held_on,
    )
    _saved_once(suggestion, once=once, purpose="forum.suggestion", result="code")
    _audit(actor, actions.SUGGESTION_ADDED, suggestion)
    return suggestion


@use_case
def meeting_close(
    *, scope: Scope, actor, meeting: Meeting, changes: dict[str, Any] | None = None
) -> list[Delivery]:
    """Lock the minutes and deliver them to every manager of the unit, in the app and by
    mail: "Chefen får garanterat nedskrivet vad som sägs". `changes` (patients present,
    guests, minutes) typed but not yet saved are saved first, in the same transaction: a
    refused close keeps nothing, and the page shows what was typed again."""
    _require_peer_on(scope, meeting.forum.unit)
    if changes:
        meeting_update(scope=scope, actor=actor, meeting=meeting, **changes)
    _require_open(_locked_fresh(meeting))
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
    meeting.locked_at, meeting.locked_by = now, actor
    meeting.save(update_fields=["locked_at", "locked_by"])
    deliveries = Delivery.objects.bulk_create(
        Delivery(meeting=meeting, manager=m, sent_at=now) for m in dict.fromkeys(managers)
    )
    _audit(actor, actions.MINUTES_LOCKED, meeting, delivered_to=len(deliveries))
    link = absolute(reverse("forum:meeting", args=[meeting.code]))
    subject = _("Minutes from the forum on %(unit)s, %(day)s") % {
        "unit": unit,
        "day": meeting.held_on,
    }
    body = (
        _("New minutes from the patients' forum are waiting for you to read and acknowledge:")
        + f"\n\n{link}"
    )
    mail_queue(to=[m.email for m in managers], subject=subject, body=body)
    return deliveries


@_first_result(lambda pk, *, meeting, **_: meeting.addenda.filter(pk=pk).first())
@use_case
def addendum_add(*, scope: Scope, actor, meeting: Meeting, text: str, once: str = "") -> Addendum:
    _require_peer_on(scope, meeting.forum.unit)
    _claim(once, "forum.addendum")
    if _locked_fresh(meeting).locked_at is None:
        raise ValidationError(_("The minutes are still open: edit them directly."))
    addendum = Addendum(meeting=meeting, text=text, author=actor)
    _saved_once(addendum, once=once, purpose="forum.addendum", result="pk")
    _audit(actor, actions.ADDENDUM_ADDED, meeting, addendum=addendum.pk)
    return addendum


@use_case
def delivery_read(*, actor, meeting: Meeting) -> Delivery | None:
    """The manager the minutes were delivered to opened them: noted once, the first time."""
    if not getattr(actor, "is_authenticated", False):
        return None
    delivery = Delivery.objects.filter(meeting=meeting, manager=actor, read_at__isnull=True).first()
    if delivery is None:
        return None
    delivery.read_at = timezone.now()
    delivery.save(update_fields=["read_at"])
    _audit(actor, actions.MINUTES_OPENED, meeting)
    return delivery


@use_case
def minutes_acknowledge(*, actor, meeting: Meeting) -> Delivery:
    delivery = (
        Delivery.objects.select_for_update().filter(meeting=meeting, manager=actor).first()
        if getattr(actor, "is_authenticated", False)
        else None
    )
    if delivery is None:
        raise PermissionDenied  # only a manager the minutes were delivered to
    if delivery.acknowledged_at is None:
        now = timezone.now()
        delivery.read_at = delivery.read_at or now
        delivery.acknowledged_at = now
        delivery.save(update_fields=["read_at", "acknowledged_at"])
        _audit(actor, actions.MINUTES_ACKNOWLEDGED, meeting)
    return delivery


@use_case
def suggestion_answer(
    *, scope: Scope, actor, suggestion: Suggestion, status: str, answer: str
) -> Suggestion:
    _require_manager_of(scope, suggestion.forum.unit)
    if status not in ANSWERS | PROGRESS:
        raise ValidationError({"status": _("Choose an answer from the list.")})
    if status == Status.DECLINED and not answer.strip():
        raise ValidationError({"answer": _("Give the reason when you decline.")})
    suggestion.refresh_from_db(from_queryset=Suggestion.objects.select_for_update())
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
    _audit(actor, actions.SUGGESTION_ANSWERED[Status(status)], suggestion)
    return suggestion


@_first_result(lambda code, *, forum, **_: forum.suggestions.filter(code=code).first())
@use_case
def box_submit(*, forum: Forum, text: str, topic: str, once: str = "") -> Suggestion:
    """A patient leaves a suggestion between meetings, anonymously. The rate limit per
    client is the view's (core.ratelimit); nothing about the client reaches here."""
    _claim(once, "forum.box")
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
    _saved_once(suggestion, once=once, purpose="forum.box", result="code")
    _audit(None, actions.BOX_SUBMITTED, suggestion)
    return suggestion


@use_case
def box_approve(*, scope: Scope, actor, suggestion: Suggestion, approve: bool) -> None:
    _require_peer_on(scope, suggestion.forum.unit)
    locked = Suggestion.objects.select_for_update().filter(pk=suggestion.pk).first()
    if locked is None or locked.status != Status.PENDING:
        raise ValidationError(_("Already handled."))
    suggestion = locked
    _audit(actor, actions.BOX_APPROVED if approve else actions.BOX_REMOVED, suggestion)
    if approve:
        suggestion.status = Status.NEW
        suggestion.save(update_fields=["status"])
    else:
        suggestion.delete()


@use_case
def escalate(today: date) -> int:
    """Minutes not acknowledged within the set days go to the programme coordinators,
    in the app and by mail (through the outbox). Called daily by forum.reminders."""
    limit = timezone.now() - timedelta(days=settings.FORUM_ACKNOWLEDGE_DAYS)
    late = (
        Delivery.objects.select_for_update(of=("self",))
        .filter(acknowledged_at__isnull=True, escalated_at__isnull=True, sent_at__lte=limit)
        .select_related("meeting__forum__unit__organisation", "manager")
        .order_by("pk")
    )
    sent = 0
    tree = parents()
    for delivery in late:
        unit = delivery.meeting.forum.unit
        coordinators = (
            Membership.objects.active_on(today)
            .filter(
                role=Role.PROGRAMME_COORDINATOR,
                organisation_id__in=ancestor_ids(unit.organisation_id, tree),
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
        url = reverse("forum:meeting", args=[delivery.meeting.code])
        told = 0
        for user in dict.fromkeys(m.user for m in coordinators):
            told += notify(user, f"forum_escalation:{delivery.pk}", today, text, url)
        delivery.escalated_at = timezone.now()
        delivery.save(update_fields=["escalated_at"])
        _audit(None, actions.MINUTES_ESCALATED, delivery.meeting, coordinators=told)
        sent += told
    return sent
