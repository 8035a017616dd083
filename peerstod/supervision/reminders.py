"""Supervision's daily reminders (notifications.schedule): supervision overdue, the
month's self-assessment, actions agreed at a check-in and past due. Run twice the same
day: nothing twice."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from peerstod.accounts.models import Membership
from peerstod.accounts.roles import Role
from peerstod.core.periods import valid_on
from peerstod.notifications.schedule import reminders
from peerstod.notifications.services import notify
from peerstod.people.models import Person
from peerstod.placement.models import Employment
from peerstod.supervision.drift import last_supervision
from peerstod.supervision.models import Action, Assignment


@reminders.register
def run(today: date) -> dict[str, int]:
    return {
        "supervision_overdue": supervision_overdue(today),
        "self_assessment_due": self_assessment_due(today),
        "actions_past_due": actions_past_due(today),
    }


def supervision_overdue(today: date) -> int:
    """The supervisor and the peer supporter, when the last supervision is too long ago."""
    sent = 0
    weeks = settings.DRIFT["supervision_weeks_amber"]
    active = Assignment.objects.filter(valid_on(today)).select_related(
        "person", "person__user", "supervisor"
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
            sent += notify(user, key, today, text, reverse("supervision:home"))
    return sent


def self_assessment_due(today: date) -> int:
    """Every peer supporter at work who has not answered this month's self-assessment."""
    month = today.replace(day=1)
    working = Employment.objects.filter(valid_on(today, "starts_on", "ends_on"))
    due = (
        Person.objects.filter(user__isnull=False, employments__in=working)
        .exclude(self_assessments__month=month)
        .distinct()
        .select_related("user")
    )
    return sum(
        notify(
            person.user,
            f"self_assessment:{month:%Y-%m}",
            today,
            _("Time for this month's self-assessment: six questions, two minutes."),
            reverse("supervision:self_assessment"),
        )
        for person in due
    )


def actions_past_due(today: date) -> int:
    """The unit's managers, for each action agreed at a check-in and not done in time."""
    sent = 0
    late = Action.objects.filter(due_on__lt=today, done_on__isnull=True).select_related(
        "check_in", "check_in__unit", "check_in__person"
    )
    url = reverse("supervision:check_ins")
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
            sent += notify(membership.user, f"action:{action.pk}", today, text, url)
    return sent
