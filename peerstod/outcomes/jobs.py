"""The long jobs of outcomes, run by the background worker (jobs.registry): a large
import (checked and saved in batches, the upload deleted when it ends) and the regional
PDF (one report per indicator). Each reads its owner's scope again; the words it shows
are in Swedish, as the worker has no request to take a language from."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import translation
from django.utils.translation import gettext as _

from peerstod.accounts.scope import scope_for
from peerstod.jobs import registry
from peerstod.outcomes import imports, reports, selectors, services
from peerstod.outcomes.imports import ImportFailed

SHOWN_PROBLEMS = 5  # problems named in the job's message; the rest are counted


def problem_text(error: ImportFailed) -> str:
    """Nothing saved, how many faults, and the first ones with their line and column."""
    first = "; ".join(str(p) for p in error.problems[:SHOWN_PROBLEMS])
    text = _(
        "Nothing was saved: the file has %(n)s faults. Correct them and import the file "
        "again. %(first)s"
    ) % {"n": imports.grouped(error.total), "first": first}
    if error.total > SHOWN_PROBLEMS:
        text += " " + _("And %(more)s more.") % {
            "more": imports.grouped(error.total - SHOWN_PROBLEMS)
        }
    return text


@registry.job(services.IMPORT_JOB)
def import_values(progress: registry.Progress, *, upload: int, owner_id: int):
    with translation.override(settings.LANGUAGE_CODE):
        try:
            found = selectors.import_upload(pk=upload, owner_id=owner_id)
            if found is None:
                raise registry.JobProblem(
                    _("The uploaded file is no longer there. Import it again.")
                )
            scope = scope_for(found.owner)
            progress(1, _("Reading the file"))
            # The check reads only, outside the saving transaction, so its progress
            # shows on the job's page while it runs.
            checked = services.import_check(
                scope=scope, name=found.name, data=bytes(found.data), progress=progress
            )
            progress(
                80,
                _("Every row is correct. Saving %(n)s rows") % {"n": imports.grouped(checked.rows)},
            )
            outcome = services.import_save(
                scope=scope, actor=found.owner, file=checked, progress=progress
            )
        except ImportFailed as error:
            raise registry.JobProblem(problem_text(error)) from error
        except PermissionDenied as error:
            raise registry.JobProblem(
                _("You can no longer import figures for these units.")
            ) from error
        finally:
            services.import_upload_discard(upload_id=upload, owner_id=owner_id)
        text = _(
            "Imported %(rows)s rows: %(new)s new values, %(changed)s changed, "
            "%(unchanged)s unchanged."
        ) % {
            "rows": imports.grouped(outcome.rows),
            "new": imports.grouped(outcome.new),
            "changed": imports.grouped(outcome.changed),
            "unchanged": imports.grouped(outcome.unchanged),
        }
    return registry.Output("importresultat.txt", "text/plain; charset=utf-8", text.encode())


@registry.job(services.REGIONAL_PDF_JOB)
def regional_pdf(
    progress: registry.Progress,
    *,
    units: list[int],
    comparison: list[int],
    indicator: int,
    harmonics: int,
    slope_change: bool,
    owner_id: int,
):
    """The regional follow-up: the chosen indicator, then every other count indicator
    with figures, one report each, built once; progress after each indicator."""
    with translation.override(settings.LANGUAGE_CODE):
        owner = selectors.job_owner(owner_id=owner_id)
        scope = scope_for(owner) if owner is not None else None
        readable = {u.pk: u for u in selectors.units(scope=scope)} if scope else {}
        chosen = [readable[pk] for pk in units if pk in readable]
        compared = [readable[pk] for pk in comparison if pk in readable]
        indicators = list(selectors.indicators(scope=scope)) if scope else []
        first = next((i for i in indicators if i.pk == indicator), None)
        if len(chosen) != len(units) or len(compared) != len(comparison) or first is None:
            raise registry.JobProblem(
                _("You can no longer see all the units of this report. Choose them again.")
            )
        found = reports.build_all(
            units=chosen,
            comparison=compared,
            first=first,
            indicators=indicators,
            harmonics=harmonics,
            slope_change=slope_change,
            progress=progress,
        )
        progress(95, _("Making the PDF"))
        data = reports.pdf(found, organisation_name=chosen[0].organisation.name)
    return registry.Output("utfall-regional.pdf", "application/pdf", data)
