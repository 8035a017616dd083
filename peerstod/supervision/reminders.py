"""Daily reminders, in the app and by mail. Run twice the same day: nothing twice."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from peerstod.accounts.models import Membership
from peerstod.accounts.roles import Role
from peerstod.core import audit
from peerstod.core.usecase import use_case
from peerstod.notifications.mail import mail_queue
from peerstod.people.models import Person
from peerstod.placement.models import Employment
from peerstod.supervision import actions
from peerstod.supervision.drift import last_supervision
from peerstod.supervision.models import Action, Assignment, Notification


@use_case
def notify(user, key: str, day: date, text: str, url: str) -> bool:
    """One reminder: in the app and by mail, at most once per user, key and day.

    The notification, its mail (through the outbox) and the audit row are one change; a
    second run the same day finds the notification and changes nothing."""
    notification, created = Notification.objects.get_or_create(
        user=user, key=key, day=day, defaults={"text": text[:300], "url": url}
    )
    if created:
        link = settings.SITE_URL.rstrip("/") + url
        mail_queue(to=[user.email], subject=text, body=f"{text}\n\n{link}")
        audit.record(actor=None, action=actions.REMINDED, obj=notification, key=key)
    return created


# forum.services.escalate sends its reminders through this name.
_notify = notify


def run(today: date) -> dict[str, int]:
    sent = {
        "supervision_overdue": 0,
        "self_assessment_due": 0,
        "actions_past_due": 0,
        "forum_minutes_escalated": 0,
    }
    weeks = settings.DRIFT["supervision_weeks_amber"]
    active = (
        Assignment.objects.filter(valid_from__lte=today)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .select_related("person", "person__user", "supervisor")
    )
    for assignment in active:
        person = assignment.person
        last = last_supervision(person)
        if last is not None and last.date() > today - timedelta(weeks=weeks):
            continue
        text = _("%(name)s has had no supervision for %(weeks)d weeks or more.") % {
            "name": person.full_name,
            "weeks": weeks,
        }
        key = f"supervision_overdue:{person.pk}"
        for user in filter(None, [assignment.supervisor, person.user]):
            sent["supervision_overdue"] += notify(
                user, key, today, text, reverse("supervision:home")
            )
    month = today.replace(day=1)
    working = Employment.objects.filter(starts_on__lte=today).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today)
    )
    due = (
        Person.objects.filter(user__isnull=False, employments__in=working)
        .exclude(self_assessments__month=month)
        .distinct()
        .select_related("user")
    )
    for person in due:
        sent["self_assessment_due"] += notify(
            person.user,
            f"self_assessment:{month:%Y-%m}",
            today,
            _("Time for this month's self-assessment: six questions, two minutes."),
            reverse("supervision:self_assessment"),
        )
    late = Action.objects.filter(due_on__lt=today, done_on__isnull=True).select_related(
        "check_in", "check_in__unit", "check_in__person"
    )
    for action in late:
        managers = (
            Membership.objects.active_on(today)
            .filter(role=Role.UNIT_MANAGER, unit=action.check_in.unit)
            .select_related("user")
        )
        text = _("An action agreed at a check-in is past due: %(text)s (%(due)s).") % {
            "text": action.text,
            "due": action.due_on,
        }
        for membership in managers:
            sent["actions_past_due"] += notify(
                membership.user,
                f"action:{action.pk}",
                today,
                text,
                reverse("supervision:check_ins"),
            )
    from peerstod.forum.services import escalate

    sent["forum_minutes_escalated"] = escalate(today)
    return sent
