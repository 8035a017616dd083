"""The funnel report (page, chart, Excel) and the certificate PDF."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from peerstod.core import charts
from peerstod.core.exports import workbook_response
from peerstod.core.pdf import render_pdf
from peerstod.recruitment import funnel as funnel_module
from peerstod.recruitment import selectors
from peerstod.recruitment.models import Call

# The funnel can be filtered by one of these at a time.
FILTERS = ("utlysning", "kohort", "organisation", "ar")


@dataclass
class FunnelReport:
    funnel: funnel_module.Funnel | None  # None when the filters were refused
    chart: str
    filters: dict[str, Any]
    calls: Any
    cohorts: Any
    organisations: Any
    years: list[int]
    title: str
    error: str = ""


def funnel_report(*, scope, params) -> FunnelReport:
    """The funnel of one view: everything the user may count, or one call, cohort,
    organisation or year. Every view the user could pick is computed and suppressed
    together (funnel.views), so what one view hides no other gives away."""
    applications = selectors.funnel_applications(scope=scope)
    calls = list(
        Call.objects.filter(pk__in=applications.values("call_id")).order_by("-opens_on", "pk")
    )
    cohorts = list(selectors.funnel_cohorts(scope=scope))
    organisations = list(selectors.funnel_organisations(scope=scope))
    years = sorted({d.year for d in applications.dates("submitted_at", "year")}, reverse=True)
    filters: dict[str, Any] = {}
    key: Any = funnel_module.ALL
    title = _("All calls you can see")
    error = ""
    given = [name for name in FILTERS if params.get(name, "")]
    if len(given) > 1:
        error = _(
            "Choose one filter at a time: a call, a cohort, a region or municipality, or "
            "a year. A combination would count small groups that the others, subtracted, "
            "would give away."
        )
    else:
        code = params.get("utlysning", "")
        call = next((c for c in calls if c.code == code), None)
        cohort = next((c for c in cohorts if c.code == params.get("kohort", "")), None)
        organisation = next(
            (o for o in organisations if o.code == params.get("organisation", "")), None
        )
        year = params.get("ar", "")
        if call is not None:
            key, filters["utlysning"], title = ("call", call.pk), call.code, str(call)
        elif cohort is not None:
            key, filters["kohort"], title = ("cohort", cohort.pk), cohort.code, str(cohort)
        elif organisation is not None:
            key, title = ("organisation", organisation.pk), str(organisation)
            filters["organisation"] = organisation.code
        # str.isdigit() accepts "²" and 5000-digit strings, on which int() raises.
        elif re.fullmatch(r"[0-9]{4}", year) and int(year) in years:
            key, filters["ar"], title = ("year", int(year)), int(year), year
    result = None
    chart = ""
    if not error:
        every = funnel_views(
            applications,
            calls=[c.pk for c in calls],
            organisations=[o.pk for o in organisations],
            cohorts=[c.pk for c in cohorts],
            years=years,
        )
        result = every.view(key)
        chart = charts.horizontal_bars(
            [str(_step_label(row.step)) for row in result.rows],
            [row.count.value for row in result.rows],
        )
    return FunnelReport(
        funnel=result,
        chart=chart,
        filters=filters,
        calls=calls,
        cohorts=cohorts,
        organisations=organisations,
        years=years,
        title=title,
        error=error,
    )


CACHE_SECONDS = 24 * 3600


def funnel_views(applications, *, calls, organisations, cohorts, years) -> funnel_module.Views:
    """`funnel.views`, kept in Django's cache per version of what it is computed from:
    the applications' and their steps' count and last id (selectors.funnel_version),
    each call's principal, the views a reader can pick and the threshold. The linked
    suppression over every view is seconds of work at national size (benchmarks/
    funnel.py); it is done once per change, not once per page."""
    question = (
        selectors.funnel_version(applications=applications),
        tuple(calls),
        tuple(organisations),
        tuple(cohorts),
        tuple(years),
        settings.SUPPRESSION_THRESHOLD,
    )
    digest = hashlib.sha256(repr(question).encode()).hexdigest()
    key = f"recruitment:funnel:v1:{digest}"
    found = cache.get(key)
    if isinstance(found, funnel_module.Views):
        return found
    found = funnel_module.views(
        applications, calls=calls, organisations=organisations, cohorts=cohorts, years=years
    )
    cache.set(key, found, CACHE_SECONDS)
    return found


def _step_label(step) -> str:
    return _("Applied") if step == funnel_module.Step.RECEIVED else step.label


def funnel_workbook(report: FunnelReport):
    assert report.funnel is not None

    def share(value):
        return None if value is None else round(value * 100, 1)

    steps = [
        (_step_label(row.step), str(row.count), share(row.conversion), row.median_days)
        for row in report.funnel.rows
    ]
    reasons = [(_("Not admitted"), label, str(cell)) for label, cell in report.funnel.not_admitted]
    reasons += [(_("Discontinued"), label, str(cell)) for label, cell in report.funnel.discontinued]
    reasons += [(_("Withdrawn"), _("Withdrawn by the applicant"), str(report.funnel.withdrawn))]
    note = [
        (
            _(
                "Counts from 1 up to the threshold are hidden (–), as are counts from which "
                "a hidden one could be worked out, in this view or with any other view of "
                "the funnel."
            ),
        ),
        (report.title,),
    ]
    return workbook_response(
        f"tratt-{timezone.localdate():%Y%m%d}.xlsx",
        [
            (
                _("Funnel"),
                [_("Step"), _("Number"), _("Share of previous step (%)"), _("Median days in step")],
                steps,
            ),
            (_("Reasons"), [_("Outcome"), _("Reason"), _("Number")], reasons),
            (_("About"), [_("Note")], note),
        ],
    )


def certificate_pdf(certification, *, request=None) -> bytes:
    return render_pdf(
        "recruitment/certificate.html",
        {"certification": certification, "cohort": certification.cohort},
        base_url=request.build_absolute_uri("/") if request else None,
    )
