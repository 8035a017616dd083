"""Start-page sections: what the forum asks of the unit manager (minutes to acknowledge,
suggestions to answer) and what is overdue for the programme coordinator."""

from django.conf import settings
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from peerstod.accounts.roles import Role
from peerstod.core.sections import Part, Step, contribute
from peerstod.forum import selectors

SHOWN = 8  # at most this many steps of a kind; then one step for the rest


def _short(text: str) -> str:
    return Truncator(text).chars(80)


def _suggestion_url(suggestion) -> str:
    return (
        reverse("forum:detail", args=[suggestion.forum.public_code]) + f"#forslag-{suggestion.code}"
    )


def _rest(count: int) -> list[Step]:
    if count <= SHOWN:
        return []
    return [
        Step(
            _("%(n)s more in the forums") % {"n": count - SHOWN},
            reverse("forum:index"),
        )
    ]


@contribute(Role.UNIT_MANAGER, order=10)
def forum_for_the_manager(scope) -> Part | None:
    """Minutes to acknowledge and suggestions to answer, each with its own link; a plain
    "nothing waits" only when the manager has a forum and truly nothing waits."""
    minutes = list(selectors.deliveries_to_acknowledge(user_id=scope.user_id))
    suggestions = list(selectors.suggestions_to_answer(scope=scope))
    steps = [
        Step(
            _("Read and acknowledge the forum minutes of %(unit)s, %(day)s")
            % {"unit": d.meeting.forum.unit, "day": d.meeting.held_on},
            reverse("forum:meeting", args=[d.meeting.code]),
        )
        for d in minutes[:SHOWN]
    ]
    steps += _rest(len(minutes))
    steps += [
        Step(
            _("Answer the suggestion from the forum on %(unit)s (%(day)s): %(text)s")
            % {"unit": s.forum.unit, "day": s.created_on, "text": _short(s.text)},
            _suggestion_url(s),
        )
        for s in suggestions[:SHOWN]
    ]
    steps += _rest(len(suggestions))
    if steps:
        return Part(steps=steps)
    if not selectors.manages_a_forum(scope=scope):
        return None
    return Part(template="forum/_nothing_waiting.html")


@contribute(Role.PROGRAMME_COORDINATOR, order=55)
def forum_overdue(scope) -> Part | None:
    """Suggestions no manager answered in time, and minutes escalated unacknowledged."""
    late = list(selectors.suggestions_overdue(scope=scope, today=scope.day))
    escalated = list(selectors.deliveries_escalated(scope=scope))
    steps = [
        Step(
            _(
                "Minutes from the forum on %(unit)s, %(day)s, are not acknowledged by the "
                "manager after %(days)s days"
            )
            % {
                "unit": d.meeting.forum.unit,
                "day": d.meeting.held_on,
                "days": settings.FORUM_ACKNOWLEDGE_DAYS,
            },
            reverse("forum:meeting", args=[d.meeting.code]),
        )
        for d in escalated[:SHOWN]
    ]
    steps += _rest(len(escalated))
    steps += [
        Step(
            _(
                "A suggestion from the forum on %(unit)s has waited more than %(days)s days "
                "for an answer: %(text)s"
            )
            % {"unit": s.forum.unit, "days": settings.FORUM_ANSWER_DAYS, "text": _short(s.text)},
            _suggestion_url(s),
        )
        for s in late[:SHOWN]
    ]
    steps += _rest(len(late))
    return Part(steps=steps) if steps else None
