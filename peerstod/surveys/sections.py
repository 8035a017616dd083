"""Start-page sections: open rounds and moderation for coordinators, results for
evaluators."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from peerstod.accounts.roles import Role
from peerstod.core.sections import Part, Step, contribute
from peerstod.surveys.selectors import closed_rounds, open_rounds


@contribute(Role.PROGRAMME_COORDINATOR, order=60)
def open_survey_rounds(scope) -> Part:
    """Open survey rounds and free-text answers waiting for moderation."""
    steps = []
    for survey_round in open_rounds(scope=scope, day=scope.day)[:5]:
        steps.append(
            Step(
                _("The survey %(round)s is open until %(day)s: %(n)s answers so far")
                % {
                    "round": survey_round.title,
                    "day": survey_round.last_day().isoformat(),
                    "n": survey_round.answers,
                },
                reverse("surveys:round", args=[survey_round.code]),
            )
        )
        if survey_round.pending:
            steps.append(
                Step(
                    _("%(n)s free-text answers in %(round)s wait for moderation")
                    % {"n": survey_round.pending, "round": survey_round.title},
                    reverse("surveys:moderate", args=[survey_round.code]),
                )
            )
    return Part(steps=steps)


@contribute(Role.EVALUATOR, order=20)
def recent_results(scope) -> Part:
    return Part(
        steps=[
            Step(
                _("Results of %(round)s") % {"round": r.title},
                reverse("surveys:results", args=[r.code]),
            )
            for r in closed_rounds(scope=scope, day=scope.day)[:3]
        ]
    )
