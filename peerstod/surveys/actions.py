"""Audit actions of surveys (core.audit).

Answers are anonymous: the audit row of an answer has no actor, no code and no unit, so
it cannot be tied to a person or to a printed slip. The survey pages show counts and
results of anonymous answers only, so none of them writes a read row; the three read
actions below are kept so that rows written before issue 13 still show in words."""

from django.utils.translation import gettext_lazy as _

from peerstod.core.audit import action

INSTRUMENTS_INSTALLED = action(
    "survey.instrument.install", _("Shipped survey instruments installed")
)
INSTRUMENT_IMPORTED = action("survey.instrument.import", _("Survey instrument loaded"))
ROUND_CREATED = action("survey.round.create", _("Survey round created"))
ROUND_CLOSED = action("survey.round.close", _("Survey round closed early"))
INVITED_SET = action("survey.invited.set", _("Number invited to a survey set"))
SLIPS_CREATED = action("survey.slips.create", _("Survey slips made"))
KIOSK_OPENED = action("survey.kiosk.open", _("Survey kiosk opened"))
ANSWER_RECEIVED = action("survey.answer.submit", _("Anonymous survey answer received"))
PAPER_ENTERED = action("survey.paper.enter", _("Paper survey answer typed in"))
TEXT_MODERATED = action("survey.text.moderate", _("Survey free-text answer moderated"))

# Written before issue 13 by the results, comparison and moderation pages; no longer
# written (the pages show no personal data), declared so that old rows keep their label.
RESULTS_READ = action("survey.results.read", _("Survey results read"), read=True)
COMPARISON_READ = action("survey.compare.read", _("Survey rounds compared"), read=True)
TEXTS_READ = action("survey.texts.read", _("Survey free-text answers read"), read=True)
SLIP_USED = action("survey.slip.use", _("A survey slip's code was used"))
SLIP_RETURNED = action(
    "survey.slip.return", _("A survey slip's code was given back (the answer could not be saved)")
)
INTERIM_SHOWN = action("survey.interim.show", _("Interim survey results shown for the first time"))
TALLIES_REBUILT = action("survey.tallies.rebuild", _("Survey result tallies counted again"))
SLIPS_JOB_STARTED = action("survey.slips.job", _("Survey slips queued for printing"))
