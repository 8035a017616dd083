"""Start-page sections: the trainer's training days and attendance to mark; the
recruitment team's applications and certificates that wait."""

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from peerstod.accounts.roles import Role
from peerstod.core.sections import Part, Step, contribute
from peerstod.recruitment import selectors
from peerstod.recruitment.models import Step as ApplicationStep

# At most this many training days to mark as separate steps; the rest in one.
MARK_STEPS = 5


def _day(day) -> str:
    return date_format(day, "l j F")


@contribute(Role.TRAINER, order=10)
def training_days(scope) -> Part:
    today = scope.day
    to_mark = selectors.sessions_to_mark(scope=scope, day=today)
    steps = []
    for session in to_mark[:MARK_STEPS]:
        if session.day == today:
            text = _("Mark today's attendance in %(cohort)s") % {"cohort": session.cohort}
        else:
            text = _("Mark the attendance of %(cohort)s on %(day)s") % {
                "cohort": session.cohort,
                "day": _day(session.day),
            }
        steps.append(Step(text, reverse("recruitment:attendance", args=[session.code])))
    if len(to_mark) > MARK_STEPS:
        more = len(to_mark) - MARK_STEPS
        steps.append(
            Step(
                ngettext(
                    "%(n)d more training day has attendance to mark: see your cohorts",
                    "%(n)d more training days have attendance to mark: see your cohorts",
                    more,
                )
                % {"n": more},
                reverse("recruitment:cohorts"),
            )
        )
    cohorts = selectors.trained_cohorts(scope=scope).count()
    if cohorts:
        steps.append(
            Step(_("See your cohorts and their participants"), reverse("recruitment:cohorts"))
        )
    return Part(
        steps=steps,
        template="recruitment/sections/trainer.html",
        data={
            "ahead": selectors.sessions_ahead(scope=scope, day=today),
            "to_mark": len(to_mark),
            "cohort_count": cohorts,
            "today": today,
        },
    )


def _waiting_text(step: str, n: int, call) -> str:
    # ngettext with literal ids below, so that the catalogue finds every message.
    texts = {
        ApplicationStep.RECEIVED: ngettext(
            "%(n)d application to %(call)s has waited more than %(days)d days to be screened",
            "%(n)d applications to %(call)s have waited more than %(days)d days to be screened",
            n,
        ),
        ApplicationStep.SCREENED: ngettext(
            "%(n)d screened application to %(call)s has waited more than %(days)d days for "
            "an interview or a decision",
            "%(n)d screened applications to %(call)s have waited more than %(days)d days for "
            "an interview or a decision",
            n,
        ),
        ApplicationStep.INTERVIEW_BOOKED: ngettext(
            "%(n)d interview for %(call)s was held more than %(days)d days ago and is not recorded",
            "%(n)d interviews for %(call)s were held more than %(days)d days ago and are not "
            "recorded",
            n,
        ),
        ApplicationStep.INTERVIEWED: ngettext(
            "%(n)d interviewed applicant to %(call)s has waited more than %(days)d days for "
            "the decision",
            "%(n)d interviewed applicants to %(call)s have waited more than %(days)d days for "
            "the decision",
            n,
        ),
        ApplicationStep.ADMITTED: ngettext(
            "%(n)d admitted applicant to %(call)s has waited more than %(days)d days to be "
            "enrolled in a cohort",
            "%(n)d admitted applicants to %(call)s have waited more than %(days)d days to be "
            "enrolled in a cohort",
            n,
        ),
    }
    return texts[step] % {"n": n, "call": call, "days": selectors.WAIT_DAYS}


@contribute(Role.NETWORK_COORDINATOR, order=20)
def recruitment_waiting(scope) -> Part:
    """What waits for the recruitment team: applications past the time limit at a step,
    and participants who completed and have no certificate yet."""
    overdue = selectors.applications_overdue(scope=scope, now=timezone.now())
    steps = [
        Step(
            _waiting_text(step, n, call),
            reverse("recruitment:call", args=[call.code]) + f"?steg={step}",
        )
        for call, step, n in overdue
    ]
    to_certify = selectors.cohorts_to_certify(scope=scope)
    for cohort, waiting in to_certify:
        steps.append(
            Step(
                ngettext(
                    "%(n)d participant of %(cohort)s has completed and waits for the certificate",
                    "%(n)d participants of %(cohort)s have completed and wait for their "
                    "certificates",
                    waiting,
                )
                % {"n": waiting, "cohort": cohort},
                reverse("recruitment:cohort", args=[cohort.code]),
            )
        )
    open_calls = list(selectors.open_calls_of_team(scope=scope, day=scope.day))
    if not open_calls:
        steps.append(
            Step(_("Open a call for the next basic training"), reverse("recruitment:call_create"))
        )
    return Part(
        steps=steps,
        template="recruitment/sections/network_coordinator.html",
        data={
            "open_calls": open_calls,
            "nothing_waits": not overdue and not to_certify,
            "wait_days": selectors.WAIT_DAYS,
        },
    )
