"""Did it change? Monthly series of an indicator per 1,000 bed-days for a unit or a group
of units: before/after rates, interrupted time series (`its.analyse`) and
difference-in-differences against comparison units, each with a sentence a politician
can read. Plain Python with statsmodels; the selectors hand in the rows."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from peerstod.outcomes.its import MIN_POINTS_EACH_SIDE, Z95, RateRatio, Result, SeriesError, analyse

PER = 1000


@dataclass
class Series:
    months: list[date] = field(default_factory=list)
    counts: list[float] = field(default_factory=list)
    bed_days: list[float] = field(default_factory=list)

    def rates(self) -> list[float]:
        return [PER * c / d for c, d in zip(self.counts, self.bed_days, strict=True)]

    def __len__(self) -> int:
        return len(self.months)


def build_series(
    rows: Iterable[tuple[int, date, float, float]], unit_ids: set[int], *, until: date | None = None
) -> Series:
    """Sum the units' counts and bed-days per month; a month counts only when every unit
    in the group has both figures. `rows` are (unit, month, count, bed-days)."""
    by_month: dict[date, dict[int, tuple[float, float]]] = defaultdict(dict)
    for unit_id, month, count, bed_days in rows:
        if unit_id in unit_ids:
            by_month[month][unit_id] = (count, bed_days)
    series = Series()
    for month in sorted(by_month):
        if until is not None and month > until:
            continue
        found = by_month[month]
        if set(found) != unit_ids:
            continue
        series.months.append(month)
        series.counts.append(sum(c for c, _d in found.values()))
        series.bed_days.append(sum(d for _c, d in found.values()))
    return series


@dataclass
class BeforeAfter:
    events_before: float
    days_before: float
    events_after: float
    days_after: float
    months_before: int
    months_after: int
    ratio: RateRatio | None

    @property
    def rate_before(self) -> float | None:
        return PER * self.events_before / self.days_before if self.days_before else None

    @property
    def rate_after(self) -> float | None:
        return PER * self.events_after / self.days_after if self.days_after else None


def before_after(series: Series, start: date) -> BeforeAfter:
    before = [
        (c, d)
        for m, c, d in zip(series.months, series.counts, series.bed_days, strict=True)
        if m < start
    ]
    after = [
        (c, d)
        for m, c, d in zip(series.months, series.counts, series.bed_days, strict=True)
        if m >= start
    ]
    eb, db = sum(c for c, _ in before), sum(d for _, d in before)
    ea, da = sum(c for c, _ in after), sum(d for _, d in after)
    ratio = None
    if eb > 0 and ea > 0 and db > 0 and da > 0:
        log_ratio = math.log((ea / da) / (eb / db))
        se = math.sqrt(1 / ea + 1 / eb)
        ratio = RateRatio(
            math.exp(log_ratio), math.exp(log_ratio - Z95 * se), math.exp(log_ratio + Z95 * se)
        )
    return BeforeAfter(eb, db, ea, da, len(before), len(after), ratio)


def interrupted(
    series: Series, start: date, *, harmonics: int = 0, slope_change: bool = False
) -> Result:
    after = [1 if m >= start else 0 for m in series.months]
    origin = series.months[0] if series.months else start
    time = [(m.year - origin.year) * 12 + m.month - origin.month + 1 for m in series.months]
    return analyse(
        series.counts,
        series.bed_days,
        time,
        after,
        month=[m.month for m in series.months],
        harmonics=harmonics,
        slope_change=slope_change,
    )


def difference_in_differences(treated: Series, comparison: Series, start: date) -> RateRatio:
    """Two-way fixed effects Poisson model (month effects common to both groups, a group
    effect, and the group × after interaction), offset log bed-days, quasi-Poisson
    standard errors. exp(interaction) is the rate ratio attributable to peer support if
    the two groups would otherwise have moved in parallel.

    Fitted without the month effects, which are nuisance parameters: given a month's
    total, the treated group's count is binomial with logit log(bed-days treated / bed-
    days comparison) + group + interaction. That logistic model of two parameters has
    the same estimates, the same information and the same Pearson statistic on the
    same degrees of freedom (months - 2) as the Poisson model with one parameter a month,
    so the same rate ratio and interval; it is a 2 × 2 Newton iteration instead of a
    (months + 2)-column GLM (1 s a fit at 120 months; tests compare the two)."""
    # numpy is imported on first use, not when the URLconf loads this module: only
    # an analysis needs it (every server start and command pays for it otherwise).
    import numpy as np

    months = sorted(set(treated.months) & set(comparison.months))
    if sum(m < start for m in months) < 2 or sum(m >= start for m in months) < 2:
        raise SeriesError("(series)", "needs at least two common months before and after")
    columns = []
    for series in (treated, comparison):
        lookup = {
            m: (c, d) for m, c, d in zip(series.months, series.counts, series.bed_days, strict=True)
        }
        columns.append([lookup[m] for m in months])
    y = np.array([c for c, _d in columns[0]], dtype=float)
    total = y + np.array([c for c, _d in columns[1]], dtype=float)
    offset = np.log(
        np.array([d for _c, d in columns[0]], dtype=float)
        / np.array([d for _c, d in columns[1]], dtype=float)
    )
    design = np.column_stack([np.ones(len(months)), [1.0 if m >= start else 0.0 for m in months]])
    beta = np.zeros(2)
    information = np.eye(2)
    for _step in range(100):
        p = 1.0 / (1.0 + np.exp(-(offset + design @ beta)))
        weight = total * p * (1.0 - p)
        information = design.T @ (weight[:, None] * design)
        try:
            step = np.linalg.solve(information, design.T @ (y - total * p))
        except np.linalg.LinAlgError as error:
            raise SeriesError("(series)", "the model cannot be fitted") from error
        beta = beta + step
        if not np.all(np.isfinite(beta)):
            raise SeriesError("(series)", "the model cannot be fitted")
        if np.max(np.abs(step)) < 1e-10:
            break
    p = 1.0 / (1.0 + np.exp(-(offset + design @ beta)))
    weight = total * p * (1.0 - p)
    information = design.T @ (weight[:, None] * design)
    used = weight > 0
    pearson = float(np.sum((y[used] - total[used] * p[used]) ** 2 / weight[used]))
    scale = pearson / (len(months) - 2)
    try:
        variance = float(np.linalg.inv(information)[1, 1]) * scale
    except np.linalg.LinAlgError as error:
        raise SeriesError("(series)", "the model cannot be fitted") from error
    b, se = float(beta[1]), math.sqrt(max(variance, 0.0))
    return RateRatio(math.exp(b), math.exp(b - Z95 * se), math.exp(b + Z95 * se))


# ---------------------------------------------------------------- words


def _percent(value: float) -> str:
    return number_format(round(abs(1 - value) * 100), 0)


def sentence_change(ratio: RateRatio, *, indicator: str, against: str) -> str:
    """What a rate ratio says, in words a politician can read."""
    values = {
        "indicator": indicator[:1].lower() + indicator[1:],
        "against": against,
        "low": _percent(ratio.high) if ratio.high < 1 else _percent(ratio.low),
        "high": _percent(ratio.low) if ratio.high < 1 else _percent(ratio.high),
        "change": _percent(ratio.estimate),
    }
    if ratio.high < 1:
        return capfirst(
            _(
                "%(indicator)s per 1,000 bed-days fell by %(change)s percent %(against)s "
                "(95 %% confidence interval %(low)s to %(high)s percent)."
            )
            % values
        )
    if ratio.low > 1:
        return capfirst(
            _(
                "%(indicator)s per 1,000 bed-days rose by %(change)s percent %(against)s "
                "(95 %% confidence interval %(low)s to %(high)s percent)."
            )
            % values
        )
    return capfirst(
        _(
            "We cannot say that %(indicator)s changed %(against)s: the estimate is "
            "uncertain enough to fit both a fall and a rise."
        )
        % values
    )


def sentence_too_short(before: int, after: int) -> str:
    return _(
        "The series is too short to say anything: it takes at least %(n)s months before and "
        "%(n)s after the start (here %(before)s and %(after)s)."
    ) % {"n": MIN_POINTS_EACH_SIDE, "before": before, "after": after}


# ---------------------------------------------------------------- one headline

# Which estimate an analysis trusts, in this order (`summarise`):
#   1. The interrupted time series (level change), when there are at least
#      MIN_POINTS_EACH_SIDE months before and after the start and the model could be
#      fitted: it takes the trend that was already there into account.
#   2. Else the before/after rate ratio with its confidence interval, when both sums
#      are shown and hold events: the plain comparison, which does not.
#   3. Else no estimate: the headline says why (too short, too few events).
# The other estimates (before/after, difference-in-differences) are secondary detail:
# numbers with a word on whether they point the same way, never a sentence of their
# own that a change happened or did not – so they cannot contradict the headline.

ITS = "its"
BEFORE_AFTER = "before_after"
DID = "did"
NONE = "none"

FALL, RISE, UNCLEAR = "fall", "rise", "unclear"


def direction(ratio: RateRatio) -> str:
    """What a rate ratio's 95 % confidence interval says: a fall, a rise, or neither."""
    if ratio.high < 1:
        return FALL
    if ratio.low > 1:
        return RISE
    return UNCLEAR


@dataclass
class Summary:
    """One headline sentence, one sentence on which estimate it rests on and why, and
    the secondary estimates as detail."""

    headline: str
    method: str
    basis: str = ""
    details: list[str] = field(default_factory=list)
    direction: str = UNCLEAR

    @property
    def sentences(self) -> list[str]:
        return [s for s in (self.headline, self.basis, *self.details) if s]


def _number(value: float) -> str:
    return number_format(round(value, 2), 2)


def _detail(what: str, ratio: RateRatio, headline: str, why_less: str) -> str:
    values = {
        "what": what,
        "ratio": _number(ratio.estimate),
        "low": _number(ratio.low),
        "high": _number(ratio.high),
        "why": why_less,
    }
    own = direction(ratio)
    if own == headline and own != UNCLEAR:
        text = _("%(what)s points the same way: rate ratio %(ratio)s (95 %% CI %(low)s–%(high)s).")
    elif own == headline:
        text = _("%(what)s is uncertain too: rate ratio %(ratio)s (95 %% CI %(low)s–%(high)s).")
    else:
        text = _(
            "%(what)s gives rate ratio %(ratio)s (95 %% CI %(low)s–%(high)s); it weighs "
            "less than the estimate above, because %(why)s."
        )
    return capfirst(text % values)


def _led_by(ratio: RateRatio, *, indicator: str, against: str, method: str, basis: str):
    """A summary whose headline is `ratio`, the estimate `method` gave."""
    return Summary(
        headline=sentence_change(ratio, indicator=indicator, against=against),
        method=method,
        basis=basis,
        direction=direction(ratio),
    )


def summarise(
    *,
    indicator: str,
    its_level: RateRatio | None,
    before_after: RateRatio | None,
    did: RateRatio | None,
    comparison: str,
    months_before: int,
    months_after: int,
) -> Summary:
    """The one headline of an analysis, chosen by the rule above."""
    short = min(months_before, months_after) < MIN_POINTS_EACH_SIDE
    numbers = {"n": MIN_POINTS_EACH_SIDE, "before": months_before, "after": months_after}
    if its_level is not None:
        summary = _led_by(
            its_level,
            indicator=indicator,
            against=_("when peer support started, compared with the trend before"),
            method=ITS,
            basis=_(
                "This rests on the interrupted time series: with at least %(n)s months "
                "before and after the start (here %(before)s and %(after)s) it takes into "
                "account the trend there already was."
            )
            % numbers,
        )
        if before_after is not None:
            summary.details.append(
                _detail(
                    _("the simple comparison of before and after"),
                    before_after,
                    summary.direction,
                    _("it does not take the trend before the start into account"),
                )
            )
    elif before_after is not None:
        summary = _led_by(
            before_after,
            indicator=indicator,
            against=_("after peer support started, compared with before"),
            method=BEFORE_AFTER,
            basis=(
                _(
                    "This compares the months before and after the start: a time series, "
                    "which would take the trend before into account, needs at least %(n)s "
                    "months on each side (here %(before)s and %(after)s)."
                )
                if short
                else _(
                    "This compares the months before and after the start: the time series "
                    "could not be estimated, so the trend before is not taken into account."
                )
            )
            % numbers,
        )
    elif short:
        return Summary(headline=sentence_too_short(months_before, months_after), method=NONE)
    else:
        return Summary(
            headline=_("There are too few events before or after the start to estimate a change."),
            method=NONE,
        )
    if did is not None:
        summary.details.append(
            _detail(
                _("the comparison with %(units)s (no peer support)") % {"units": comparison},
                did,
                summary.direction,
                _("it holds only if the units would otherwise have changed in parallel"),
            )
        )
    return summary
