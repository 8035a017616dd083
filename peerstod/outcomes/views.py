from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from peerstod.accounts.permissions import role_required
from peerstod.core.exports import XLSX, workbook_response
from peerstod.core.forms import add_service_errors, call_service
from peerstod.outcomes import examples, reports, selectors, services
from peerstod.outcomes.forms import AnalysisForm, ImportForm, IndicatorForm, PeriodForm, ValuesForm
from peerstod.outcomes.imports import ImportFailed, parse_month
from peerstod.outcomes.models import Builtin

READERS = selectors.READERS
WRITERS = selectors.WRITERS


def _pick(units, code: str):
    found = next((u for u in units if u.code == code), None)
    if found is None:
        raise ValidationError({"unit": _("Choose one of your own units.")})
    return found


def _own_unit(units, code: str):
    """A unit named by a button (not a form's choice): another organisation's code is
    answered as if it did not exist."""
    found = next((u for u in units if u.code == code), None)
    if found is None:
        raise Http404
    return found


@role_required(*READERS)
def index(request: HttpRequest, scope) -> HttpResponse:
    units = list(selectors.units(scope=scope))
    unit_ids = [u.pk for u in units]
    writable = list(selectors.writable_units(scope=scope))
    period_form = PeriodForm(
        request.POST if request.POST.get("action") == "period" else None,
        units=writable,
        prefix="period",
    )
    indicator_form = IndicatorForm(
        request.POST if request.POST.get("action") == "indicator" else None, prefix="indicator"
    )
    if request.method == "POST":
        if not selectors.can_write(scope=scope):
            raise Http404
        action = request.POST.get("action")
        try:
            if action == "period" and period_form.is_valid():
                data = period_form.cleaned_data
                services.period_set(
                    scope=scope,
                    actor=request.user,
                    unit=_pick(writable, data["unit"]),
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    once=data["once"],
                )
                messages.success(request, _("Saved."))
                return redirect("outcomes:index")
            if action in ("compare", "uncompare"):
                services.comparison_set(
                    scope=scope,
                    actor=request.user,
                    unit=_own_unit(writable, request.POST.get("unit", "")),
                    comparison=action == "compare",
                )
                messages.success(request, _("Saved."))
                return redirect("outcomes:index")
            if action == "remove_period":
                period = selectors.period_get(scope=scope, pk=int(request.POST.get("period", 0)))
                if period is None:
                    raise Http404
                services.period_remove(scope=scope, actor=request.user, period=period)
                messages.success(request, _("Removed."))
                return redirect("outcomes:index")
            if action == "indicator" and indicator_form.is_valid():
                organisation = selectors.coordinated_organisations(scope=scope).first()
                if organisation is None:
                    raise Http404
                services.indicator_add(
                    scope=scope,
                    actor=request.user,
                    organisation=organisation,
                    **indicator_form.cleaned_data,
                )
                messages.success(request, _("The indicator is added."))
                return redirect("outcomes:index")
        except ValidationError as error:
            target = indicator_form if action == "indicator" else period_form
            add_service_errors(target, error)
        except ValueError as error:
            raise Http404 from error
    coverage = selectors.coverage(unit_ids=unit_ids)
    periods = list(selectors.periods(unit_ids=unit_ids))
    comparisons = selectors.comparison_ids(unit_ids=unit_ids)
    rows = [
        (
            unit,
            coverage.get(unit.pk),
            [p for p in periods if p.unit_id == unit.pk],
            unit.pk in comparisons,
            unit in writable,
        )
        for unit in units
    ]
    return render(
        request,
        "outcomes/index.html",
        {
            "rows": rows,
            "can_write": selectors.can_write(scope=scope) and bool(writable),
            "period_form": period_form,
            "indicator_form": indicator_form,
            "indicators": selectors.indicators(scope=scope),
        },
    )


@role_required(*WRITERS)
def import_file(request: HttpRequest, scope) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    problems, total, outcome = [], 0, None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if services.import_in_background(upload.name, upload):
                job = services.import_start(
                    scope=scope, actor=request.user, name=upload.name, data=upload
                )
                return redirect(job.get_absolute_url())
            outcome = services.import_file(
                scope=scope, actor=request.user, name=upload.name, data=upload
            )
        except ImportFailed as error:
            problems, total = error.problems, error.total
    return render(
        request,
        "outcomes/import.html",
        {
            "form": form,
            "problems": problems[:200],
            "total": total,
            "more": max(total - 200, 0),
            "outcome": outcome,
            "debug_demo": settings.DEBUG,
        },
    )


@require_GET
@role_required(*WRITERS)
def template(request: HttpRequest, scope) -> HttpResponse:
    """An Excel template with the columns the import understands and the user's units."""
    rows = examples.template_rows(selectors.writable_units(scope=scope), timezone.localdate())
    return workbook_response("utfall-mall.xlsx", [(_("Indicators"), examples.HEADER, rows)])


@require_GET
@role_required(*WRITERS)
def demo_file(request: HttpRequest, scope) -> HttpResponse:
    """The example file of the demo (fictional figures for forensic units 20 and 21);
    offered only where the demo runs (DEBUG)."""
    if not settings.DEBUG:
        raise Http404
    response = HttpResponse(examples.workbook_bytes(timezone.localdate()), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{examples.EXAMPLE_FILENAME}"'
    return response


@role_required(*WRITERS)
def entry(request: HttpRequest, scope) -> HttpResponse:
    units = list(selectors.writable_units(scope=scope))
    indicators = list(selectors.indicators(scope=scope))
    # A start-page link names the unit and the month that are missing.
    initial = {}
    if request.GET.get("unit") in {u.code for u in units}:
        initial["unit"] = request.GET["unit"]
    month = parse_month(request.GET.get("month", "")[:20])
    if month is not None:
        initial["month"] = month.strftime("%Y-%m")
    form = ValuesForm(request.POST or None, units=units, indicators=indicators, initial=initial)
    if request.method == "POST" and form.is_valid():
        ok, outcome = call_service(
            form,
            services.values_set,
            scope=scope,
            actor=request.user,
            unit=_pick(units, form.cleaned_data["unit"]),
            month=form.cleaned_data["month"],
            values=form.values(),
        )
        if ok:
            messages.success(
                request,
                _("Saved: %(new)s new, %(changed)s changed, %(unchanged)s unchanged.")
                % vars(outcome),
            )
            return redirect("outcomes:entry")
    return render(request, "outcomes/entry.html", {"form": form})


def _analysis_defaults(units, comparisons, indicators) -> QueryDict | None:
    """What "Analysera" starts from: the first unit in the user's scope with figures
    (one with a peer-support start first), the comparison units with figures, restraint
    (else the first count indicator), no seasonality. None when no unit has figures."""
    counted = [i for i in indicators if i.is_count]
    if not units or not counted:
        return None
    covered = selectors.coverage(unit_ids=[u.pk for u in [*units, *comparisons]])
    started = {p.unit_id for p in selectors.periods(unit_ids=[u.pk for u in units])}
    with_data = [u for u in units if u.pk in covered]
    first = next((u for u in with_data if u.pk in started), None) or next(iter(with_data), None)
    if first is None:
        return None
    indicator = next((i for i in counted if i.key == Builtin.RESTRAINT), counted[0])
    data = QueryDict(mutable=True)
    data.setlist("units", [first.code])
    data["indicator"] = indicator.key
    data.setlist("comparison", [u.code for u in comparisons if u.pk in covered])
    data["harmonics"] = "0"
    return data


@role_required(*READERS)
def analysis(request: HttpRequest, scope) -> HttpResponse:
    """A query, not a save: the form is sent with GET (so a result is a link one can
    keep), and the page opens on the defaults (`_analysis_defaults`)."""
    units = list(selectors.units(scope=scope))
    comparison_ids = selectors.comparison_ids(unit_ids=[u.pk for u in units])
    indicators = list(selectors.indicators(scope=scope))
    treated = [u for u in units if u.pk not in comparison_ids]
    comparisons = [u for u in units if u.pk in comparison_ids]
    data: QueryDict | None
    if request.GET:
        data = request.GET.copy()
        if "indicator" not in data:
            data.setdefault("indicator", Builtin.RESTRAINT)
    else:
        data = _analysis_defaults(treated, comparisons, indicators)
    form = AnalysisForm(
        data,
        units=treated,
        comparisons=comparisons,
        indicators=indicators,
        initial={"indicator": Builtin.RESTRAINT},
    )
    report = None
    if data is not None and form.is_valid():
        chosen = [u for u in units if u.code in form.cleaned_data["units"]]
        if request.GET.get("format") == "regional" and request.method == "POST":
            # One report per indicator: seconds of work, done by the background job
            # (started by a form, not a link: a job is a change).
            indicator = next(i for i in indicators if i.key == form.cleaned_data["indicator"])
            selectors.export_noted(
                actor=request.user, export="regional", indicator=indicator, units=chosen
            )
            job = services.regional_pdf_start(
                scope=scope,
                actor=request.user,
                units=chosen,
                comparison=[u for u in units if u.code in form.cleaned_data["comparison"]],
                indicator=indicator,
                harmonics=form.cleaned_data["harmonics"] or 0,
                slope_change=form.cleaned_data["slope_change"],
            )
            return redirect(job.get_absolute_url())
        report = reports.build_cached(
            units=chosen,
            comparison=[u for u in units if u.code in form.cleaned_data["comparison"]],
            indicator=next(i for i in indicators if i.key == form.cleaned_data["indicator"]),
            harmonics=form.cleaned_data["harmonics"] or 0,
            slope_change=form.cleaned_data["slope_change"],
        )
        export = request.GET.get("format")
        if export in ("xlsx", "pdf"):
            selectors.export_noted(
                actor=request.user, export=export, indicator=report.indicator, units=chosen
            )
        if export == "xlsx":
            return reports.workbook(report)
        if export == "pdf":
            response = HttpResponse(
                reports.pdf([report], organisation_name=chosen[0].organisation.name),
                content_type="application/pdf",
            )
            response["Content-Disposition"] = 'attachment; filename="utfall.pdf"'
            return response
    query = QueryDict(mutable=True)
    if data is not None:
        query.update(data)
        query.pop("format", None)
    return render(
        request,
        "outcomes/analysis.html",
        {
            "form": form,
            "report": report,
            "query": query,
            "no_data": data is None,
            "can_write": selectors.can_write(scope=scope),
        },
    )
