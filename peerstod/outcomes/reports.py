"""The analysis of one indicator for a unit or a group of units, as shown on the page and
in the PDF and Excel reports: series, before/after, interrupted time series,
difference-in-differences, chart, and one headline sentence (`analysis.summarise`
chooses which estimate it rests on) with the other estimates as detail.

Monthly counts from 1 to below the threshold are hidden in tables and left out of the
chart (they still count in the models). A group's figure is a sum of its units', and
the reader can ask for any group of their units: so a group's month (or its before or
after sum) is hidden also when one of its units' own is – else the group minus the
other units would give that unit's hidden figure back. The model's month-by-month
values (fitted line, counterfactual) are not published when a month is hidden: a
Poisson model with a constant and a step reproduces the observed sums before and after
the start exactly, so its fitted values minus the shown months would give the hidden
ones back. For the same reason the before/after rate ratio (whose confidence interval
is built from the two sums) is shown only when both sums are."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from peerstod.core import charts
from peerstod.core.exports import safe_text, workbook_response
from peerstod.core.pdf import render_pdf
from peerstod.core.suppression import Cell, Reason
from peerstod.orgs.models import Unit
from peerstod.outcomes import analysis, selectors
from peerstod.outcomes.its import RateRatio, Result, SeriesError
from peerstod.outcomes.models import Indicator, PeerSupportPeriod


@dataclass
class Row:
    month: date
    count: Cell
    bed_days: float
    rate: float | None
    fitted: float | None
    counterfactual: float | None


@dataclass
class Report:
    units: list[Unit]
    comparison: list[Unit]
    indicator: Indicator
    harmonics: int
    slope_change: bool
    start: date | None = None
    problems: list[str] = field(default_factory=list)
    series: analysis.Series = field(default_factory=analysis.Series)
    comparison_series: analysis.Series | None = None
    before_after: analysis.BeforeAfter | None = None
    before_after_cells: dict[str, Cell] = field(default_factory=dict)
    model_hidden: bool = False  # month-by-month model values withheld (a month is hidden)
    its: Result | None = None
    did: RateRatio | None = None
    summary: analysis.Summary | None = None  # one headline (analysis.summarise)
    rows: list[Row] = field(default_factory=list)
    chart: str = ""
    threshold: int = field(default_factory=lambda: settings.SUPPRESSION_THRESHOLD)

    @property
    def sentences(self) -> list[str]:
        """The headline, what it rests on, then the secondary estimates."""
        return self.summary.sentences if self.summary else []

    @property
    def hidden_max(self) -> int:
        return self.threshold - 1

    @property
    def title(self) -> str:
        names = ", ".join(u.name for u in self.units)
        return f"{self.indicator}: {names}"


def _start(
    units: list[Unit], periods: list[PeerSupportPeriod]
) -> tuple[date | None, date | None, list[str]]:
    """The first month all the units had peer support, and the last (if it stopped)."""
    problems, starts, ends = [], [], []
    for unit in units:
        own = [p for p in periods if p.unit_id == unit.pk]
        if not own:
            problems.append(
                _("Give the month peer support started on %(unit)s (under Outcomes).")
                % {"unit": unit.name}
            )
            continue
        first = min(own, key=lambda p: p.starts_on)
        starts.append(first.starts_on)
        if first.ends_on:
            ends.append(first.ends_on)
    if problems:
        return None, None, problems
    return max(starts), (min(ends) if ends else None), []


def build(
    *,
    units: list[Unit],
    comparison: list[Unit],
    indicator: Indicator,
    harmonics: int = 0,
    slope_change: bool = False,
) -> Report:
    report = Report(units, comparison, indicator, harmonics, slope_change)
    if not indicator.is_count:
        report.problems.append(
            _("Rates per 1,000 bed-days are for counts of events; choose a count indicator.")
        )
        return report
    unit_ids = {u.pk for u in units}
    periods = list(selectors.periods(unit_ids=list(unit_ids)))
    start, end, problems = _start(units, periods)
    report.problems += problems
    if start is None:
        return report
    report.start = start
    rows = selectors.series_rows(unit_ids=unit_ids, indicator=indicator)
    series = analysis.build_series(rows, unit_ids, until=end)
    # Months between the first and the last unit's start are a transition: left out.
    earliest = min((p.starts_on for p in periods), default=start)
    keep = [i for i, m in enumerate(series.months) if not (earliest <= m < start)]
    series = analysis.Series(
        [series.months[i] for i in keep],
        [series.counts[i] for i in keep],
        [series.bed_days[i] for i in keep],
    )
    report.series = series
    if not series.months:
        report.problems.append(_("There are no months with both the indicator and bed-days."))
        return report
    label = str(indicator)
    by_unit = _by_unit(rows, unit_ids)
    report.before_after = analysis.before_after(series, start)
    ba = report.before_after
    report.before_after_cells = {
        "before": _group_cell(by_unit, [m for m in series.months if m < start]),
        "after": _group_cell(by_unit, [m for m in series.months if m >= start]),
    }
    if any(c.suppressed for c in report.before_after_cells.values()) and ba.ratio is not None:
        # Its confidence interval is built from the two sums: they could be solved back.
        ba.ratio = None
    before_n, after_n = ba.months_before, ba.months_after
    if min(before_n, after_n) >= analysis.MIN_POINTS_EACH_SIDE:
        try:
            report.its = analysis.interrupted(
                series, start, harmonics=harmonics, slope_change=slope_change
            )
        except (SeriesError, ValueError) as error:
            report.problems.append(str(error))
    if comparison:
        comparison_ids = {u.pk for u in comparison}
        report.comparison_series = analysis.build_series(
            selectors.series_rows(unit_ids=comparison_ids, indicator=indicator),
            comparison_ids,
            until=end,
        )
        if min(before_n, after_n) >= analysis.MIN_POINTS_EACH_SIDE:
            try:
                report.did = analysis.difference_in_differences(
                    series, report.comparison_series, start
                )
            except (SeriesError, ValueError) as error:
                report.problems.append(str(error))
    report.summary = analysis.summarise(
        indicator=label,
        its_level=report.its.level if report.its else None,
        before_after=ba.ratio,
        did=report.did,
        comparison=", ".join(u.name for u in comparison),
        months_before=before_n,
        months_after=after_n,
    )
    comparison_by_unit = (
        _by_unit(
            selectors.series_rows(unit_ids={u.pk for u in comparison}, indicator=indicator),
            {u.pk for u in comparison},
        )
        if comparison
        else {}
    )
    _rows_and_chart(report, by_unit, comparison_by_unit)
    return report


CACHE_SECONDS = 24 * 3600


def build_cached(
    *,
    units: list[Unit],
    comparison: list[Unit],
    indicator: Indicator,
    harmonics: int = 0,
    slope_change: bool = False,
) -> Report:
    """`build`, kept in Django's cache per version of the data it is built from
    (selectors.data_version: the values' count and last change, periods, names) and per
    question, language and threshold: a page seen again fits no model and draws no
    chart until a figure or a period changes."""
    unit_ids = {u.pk for u in units} | {u.pk for u in comparison}
    version = selectors.data_version(unit_ids=unit_ids, indicator=indicator)
    question = (
        sorted(u.pk for u in units),
        sorted(u.pk for u in comparison),
        indicator.pk,
        harmonics,
        slope_change,
        get_language(),
        settings.SUPPRESSION_THRESHOLD,
        version,
    )
    digest = hashlib.sha256(repr(question).encode()).hexdigest()
    key = f"outcomes:analysis:v1:{digest}"
    found = cache.get(key)
    if isinstance(found, Report):
        return found
    report = build(
        units=units,
        comparison=comparison,
        indicator=indicator,
        harmonics=harmonics,
        slope_change=slope_change,
    )
    cache.set(key, report, CACHE_SECONDS)
    return report


def _by_unit(rows, unit_ids: set[int]) -> dict[date, dict[int, int]]:
    """month → unit → count, for the units of a group."""
    found: dict[date, dict[int, int]] = {}
    for unit_id, month, count, _days in rows:
        if unit_id in unit_ids:
            found.setdefault(month, {})[unit_id] = int(count)
    return found


def _group_cell(by_unit: dict[date, dict[int, int]], months: list[date]) -> Cell:
    """The group's sum over `months`, hidden when it is 1 to threshold-1, and when any
    unit's own sum over them is: the group minus the other units would give it back."""
    limit = settings.SUPPRESSION_THRESHOLD
    sums: dict[int, int] = {}
    for month in months:
        for unit_id, count in by_unit.get(month, {}).items():
            sums[unit_id] = sums.get(unit_id, 0) + count
    total = sum(sums.values())
    if 0 < total < limit:
        return Cell(None, Reason.SMALL)
    if len(sums) > 1 and any(0 < n < limit for n in sums.values()):
        return Cell(None, Reason.COMPLEMENTARY)
    return Cell(total)


def _rows_and_chart(report: Report, by_unit: dict, comparison_by_unit: dict) -> None:
    series = report.series
    cells = {m: _group_cell(by_unit, [m]) for m in series.months}
    fitted = report.its.fitted if report.its else [None] * len(series)
    counter = report.its.counterfactual if report.its else [None] * len(series)
    if any(c.suppressed for c in cells.values()) and report.its:
        # Fitted values reproduce the observed sums: minus the shown months they would
        # give the hidden ones back. The rate ratios stay; the line does not.
        report.model_hidden = True
        fitted = counter = [None] * len(series)
    for i, month in enumerate(series.months):
        days = series.bed_days[i]
        shown = not cells[month].suppressed
        report.rows.append(
            Row(
                month=month,
                count=cells[month],
                bed_days=days,
                rate=analysis.PER * series.counts[i] / days if shown else None,
                fitted=analysis.PER * fitted[i] / days if fitted[i] is not None else None,
                counterfactual=(
                    analysis.PER * counter[i] / days
                    if counter[i] is not None and report.start and month >= report.start
                    else None
                ),
            )
        )
    comparison_rates = None
    if report.comparison_series and len(report.comparison_series):
        cs = report.comparison_series
        comparison_cells = {m: _group_cell(comparison_by_unit, [m]) for m in cs.months}
        lookup = {
            m: (analysis.PER * c / d if not comparison_cells[m].suppressed else None)
            for m, c, d in zip(cs.months, cs.counts, cs.bed_days, strict=True)
        }
        comparison_rates = [lookup.get(m) for m in series.months]
    report.chart = charts.time_series(
        [r.month for r in report.rows],
        observed=[r.rate for r in report.rows],
        fitted=[r.fitted for r in report.rows],
        counterfactual=[r.counterfactual for r in report.rows],
        comparison=comparison_rates,
        start=report.start,
        labels={
            "observed": _names(report.units),
            "fitted": _("Model"),
            "counterfactual": _("Expected without peer support"),
            "comparison": _names(report.comparison),
            "start": _("Peer support starts"),
            "y": _("per 1,000 bed-days"),
        },
    )


def _names(units: list[Unit]) -> str:
    if len(units) <= 3:
        return ", ".join(u.name for u in units)
    return _("%(n)s units") % {"n": len(units)}


def pdf(reports: list[Report], *, organisation_name: str) -> bytes:
    """One report per indicator: the first is the one chosen, then the others (the
    regional follow-up), each with its sentences, chart and rate ratios."""
    return render_pdf(
        "outcomes/report_pdf.html",
        {
            "reports": reports,
            "report": reports[0],
            "organisation": organisation_name,
            "summary": [r for r in reports if r.summary or r.problems],
        },
    )


def build_all(
    *,
    units: list[Unit],
    comparison: list[Unit],
    first: Indicator,
    indicators: list[Indicator],
    harmonics: int = 0,
    slope_change: bool = False,
    first_report: Report | None = None,
    progress: Callable[[int, str], None] | None = None,
) -> list[Report]:
    """The chosen indicator and then every other count indicator that has figures, each
    built once (`first_report` when the caller has it already). `progress(percent,
    words)` is told after each indicator (the background job shows it)."""
    others = [i for i in indicators if i.pk != first.pk and i.is_count]
    chosen = [first, *others]
    found = []
    for index, indicator in enumerate(chosen):
        if index == 0 and first_report is not None:
            report = first_report
        else:
            report = build(
                units=units,
                comparison=comparison,
                indicator=indicator,
                harmonics=harmonics,
                slope_change=slope_change,
            )
        if index == 0 or report.rows:
            found.append(report)
        if progress is not None:
            progress(
                90 * (index + 1) // len(chosen),
                _("Indicator %(n)s of %(count)s: %(name)s")
                % {"n": index + 1, "count": len(chosen), "name": indicator},
            )
    return found


def _ratio_row(name: str, ratio: RateRatio | None) -> list[object]:
    if ratio is None:
        return [name, "–", "–", "–"]
    return [name, round(ratio.estimate, 3), round(ratio.low, 3), round(ratio.high, 3)]


def workbook(report: Report):
    header = [
        _("Month"),
        _("Events"),
        _("Bed-days"),
        _("Per 1,000 bed-days"),
        _("Model"),
        _("Expected without peer support"),
    ]
    rows = [
        [
            r.month.strftime("%Y-%m"),
            r.count.value if r.count.value is not None else "–",
            round(r.bed_days),
            round(r.rate, 2) if r.rate is not None else "–",
            round(r.fitted, 2) if r.fitted is not None else "",
            round(r.counterfactual, 2) if r.counterfactual is not None else "",
        ]
        for r in report.rows
    ]
    ratios = [
        _ratio_row(_("Before/after"), report.before_after.ratio if report.before_after else None),
        _ratio_row(
            _("Level change (interrupted time series)"), report.its.level if report.its else None
        ),
        _ratio_row(_("Change in trend per month"), report.its.slope if report.its else None),
        _ratio_row(_("Difference-in-differences"), report.did),
    ]
    # Names people typed (units, indicators) go into cells only through
    # workbook_response, which stores text that looks like a formula as text.
    about = [
        [_("Indicator"), str(report.indicator)],
        [_("Units with peer support"), ", ".join(u.name for u in report.units)],
        [_("Comparison units"), ", ".join(u.name for u in report.comparison) or "–"],
        *([_("Results"), s] for s in report.sentences),
        [_("Note"), _("Monthly counts from 1 to below the threshold are hidden (–).")],
        *(
            [
                [
                    _("Note"),
                    _(
                        "A group's month is hidden also when one of its units' is, and the "
                        "model's month-by-month values are left out when a month is hidden: "
                        "either would give a hidden count back."
                    ),
                ]
            ]
            if report.model_hidden or any(r.count.suppressed for r in report.rows)
            else []
        ),
    ]

    def chart(book) -> None:
        """The same chart as on the page: rates, model and the counterfactual."""
        from openpyxl.chart import LineChart, Reference  # openpyxl only for the workbook

        sheet = book.worksheets[0]
        line = LineChart()
        line.title = safe_text(report.indicator)
        line.y_axis.title = _("Per 1,000 bed-days")
        line.height, line.width = 9, 22
        last = len(rows) + 1
        line.add_data(
            Reference(sheet, min_col=4, max_col=6, min_row=1, max_row=last), titles_from_data=True
        )
        line.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=last))
        sheet.add_chart(line, "H2")

    return workbook_response(
        f"utfall-{report.indicator.key}.xlsx",
        [
            (_("Months"), header, rows),
            (
                _("Rate ratios"),
                [_("Analysis"), _("Rate ratio"), _("95 % CI low"), _("95 % CI high")],
                ratios,
            ),
            (_("About"), [_("What"), _("Note")], about),
        ],
        decorate=chart if rows else None,
    )
