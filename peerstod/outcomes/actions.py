"""Audit actions of outcomes (core.audit). The figures are aggregates (counts per unit
and month), so showing them is not a read of personal data; an export of the analysis
is still noted (DESIGN.md privacy rule 5: every export is audited)."""

from django.utils.translation import gettext_lazy as _

from peerstod.core.audit import action

BUILTIN_INSTALLED = action("outcomes.indicator.builtin", _("Built-in indicators installed"))
INDICATOR_ADDED = action("outcomes.indicator.add", _("Indicator added"))
VALUES_SET = action("outcomes.values.set", _("Indicator values entered"))
IMPORTED = action("outcomes.import", _("Indicator values imported"))
VALUES_OUT_OF_RANGE_REMOVED = action(
    "outcomes.values.out_of_range_removed", _("Indicator values for impossible months removed")
)
PERIOD_SET = action("outcomes.period.set", _("Peer-support period saved"))
PERIOD_REMOVED = action("outcomes.period.remove", _("Peer-support period removed"))
COMPARISON_SET = action("outcomes.comparison.set", _("Comparison unit changed"))
ANALYSIS_EXPORTED = action("outcomes.analysis.read", _("Outcome analysis exported"), read=True)
IMPORT_STARTED = action("outcomes.import.start", _("Indicator import started in the background"))
IMPORT_UPLOAD_DISCARDED = action(
    "outcomes.import.upload_discarded", _("Uploaded indicator file deleted after its import")
)
REGIONAL_PDF_STARTED = action(
    "outcomes.regional_pdf.start", _("Regional outcome report started in the background")
)
