"""Background jobs of surveys (the jobs contract, peerstod/jobs/registry.py).

`surveys.slips`: a long print run of slips. The job makes the codes itself: random
plain codes in memory, the PDF laid out batch by batch with its progress on the job's
page, and only then, in one use case that checks the owner's rights again, the codes'
keyed hashes stored and the invited count raised. A job that fails on the way leaves
no codes and no count behind, and can simply be asked for again; the plain codes exist
only in the PDF the owner downloads (docs/dev/decisions.md)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from peerstod.accounts.scope import scope_for
from peerstod.jobs import registry
from peerstod.surveys import reports, services
from peerstod.surveys.models import Round

# The share of the progress bar the layout of the slips takes; storing the codes and
# writing the PDF take the rest.
LAYOUT_PERCENT = 90


# The slips' codes can still be answered until they are used: the PDF is kept a day at
# most (and its owner can delete it at once), not the week other files are kept.
@registry.job("surveys.slips", keep_hours=24)
def slips(
    progress: registry.Progress, *, round_id: int, unit_id: int, count: int, owner_id: int
) -> registry.Output:
    owner = get_user_model().objects.filter(pk=owner_id, is_active=True).first()
    survey_round = (
        Round.objects.select_related("instrument", "organisation").filter(pk=round_id).first()
    )
    unit = survey_round.units.filter(pk=unit_id).first() if survey_round else None
    if owner is None or survey_round is None or unit is None:
        raise registry.JobProblem(_("The round or its unit is no longer there."))
    scope = scope_for(owner)
    codes = services.slip_codes(count, "")

    def laid_out(done: int, total: int) -> None:
        progress(
            done * LAYOUT_PERCENT // total,
            _("Slip %(done)s of %(count)s laid out") % {"done": done, "count": total},
        )

    pdf = reports.slips_pdf(survey_round=survey_round, unit=unit, codes=codes, progress=laid_out)
    try:
        services.slips_store(
            scope=scope, actor=owner, survey_round=survey_round, unit=unit, codes=codes
        )
    except ValidationError as error:
        raise registry.JobProblem(" ".join(error.messages)) from error
    progress(LAYOUT_PERCENT + 5, _("The codes are kept; the file is being saved"))
    return registry.Output(f"lappar-{survey_round.code}-{unit.code}.pdf", "application/pdf", pdf)
