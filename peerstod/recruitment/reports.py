"""The funnel report (page, chart, Excel) and the certificate PDF."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from peerstod.core import charts
from peerstod.core.exports import workbook_response
from peerstod.core.pdf import render_pdf
from peerstod.recruitment import funnel as funnel_module
from peerstod.recruitment import selectors
from peerstod.recruitment.models import Call


@dataclass
class FunnelReport:
    funnel: funnel_module.Funnel
    chart: str
    filters: dict[str, Any]
    calls: Any
    cohorts: Any
    organisations: Any
    years: list[int]
    title: str


def funnel_report(*, scope, params) -> FunnelReport:
    applications = selectors.funnel_applications(scope=scope)
    calls = Call.objects.filter(pk__in=applications.values("call_id")).order_by("-opens_on")
    cohorts = selectors.funnel_cohorts(scope=scope)
    organisations = selectors.funnel_organisations(scope=scope)
    filters: dict[str, Any] = {}
    parts = []
    call = calls.filter(code=params.get("utlysning", "")).first()
    if call is not None:
        applications = applications.filter(call=call)
        filters["utlysning"] = call.code
        parts.append(str(call))
    cohort = cohorts.filter(code=params.get("kohort", "")).first()
    if cohort is not None:
        applications = applications.filter(cohort=cohort)
        filters["kohort"] = cohort.code
        parts.append(str(cohort))
    organisation = organisations.filter(code=params.get("organisation", "")).first()
    if organisation is not None:
        applications = applications.filter(call__principal=organisation)
        filters["organisation"] = organisation.code
        parts.append(str(organisation))
    years = sorted(
        {d.year for d in selectors.funnel_applications(scope=scope).dates("submitted_at", "year")},
        reverse=True,
    )
    year = params.get("ar", "")
    # str.isdigit() accepts "²" and 5000-digit strings, on which int() raises.
    if re.fullmatch(r"[0-9]{4}", year) and int(year) in years:
        applications = applications.filter(submitted_at__year=int(year))
        filters["ar"] = int(year)
        parts.append(year)
    result = funnel_module.build(applications)
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
        title=", ".join(parts) or _("All calls you can see"),
    )


def _step_label(step) -> str:
    return _("Applied") if step == funnel_module.Step.RECEIVED else step.label


def funnel_workbook(report: FunnelReport):
    def share(value):
        return None if value is None else round(value * 100, 1)

    steps = [
        (_step_label(row.step), str(row.count), share(row.conversion), row.median_days)
        for row in report.funnel.rows
    ]
    reasons = [(_("Not admitted"), label, str(cell)) for label, cell in report.funnel.not_admitted]
    reasons += [(_("Discontinued"), label, str(cell)) for label, cell in report.funnel.discontinued]
    note = [
        (
            _(
                "Counts from 1 up to the threshold are hidden (–), as are counts from which "
                "a hidden one could be worked out."
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
