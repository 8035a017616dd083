"""Interrupted time series: segmented quasi-Poisson regression (Lopez Bernal et al.,
Int J Epidemiol 2017). Plain Python with statsmodels, no Django: the same code serves
the web analysis and `peerstod its`.

log E[count] = log(offset) + b0 + b1·time + b2·after [+ b3·time_after] [+ harmonics]

exp(b2) is the rate ratio of the level change when the intervention starts, exp(b3) the
change in trend per time unit; standard errors are scaled by the Pearson dispersion
(quasi-Poisson) and confidence intervals are Wald intervals, as in the tutorial.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

MIN_POINTS_EACH_SIDE = 8
Z95 = 1.959963984540054


class SeriesError(ValueError):
    """Input that cannot be analysed; `where` names the column or line at fault."""

    def __init__(self, where: str, message: str):
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


@dataclass(frozen=True)
class RateRatio:
    estimate: float
    low: float
    high: float

    def as_json(self) -> dict[str, float]:
        return {"rate_ratio": self.estimate, "ci_low": self.low, "ci_high": self.high}


@dataclass
class Result:
    level: RateRatio
    slope: RateRatio | None
    points_before: int
    points_after: int
    dispersion: float
    fitted: list[float] = field(default_factory=list)
    counterfactual: list[float] = field(default_factory=list)

    @property
    def too_short(self) -> bool:
        return min(self.points_before, self.points_after) < MIN_POINTS_EACH_SIDE

    def as_json(self) -> dict:
        return {
            "level_change": self.level.as_json(),
            "slope_change": self.slope.as_json() if self.slope else None,
            "points_before": self.points_before,
            "points_after": self.points_after,
            "dispersion": self.dispersion,
            "too_short": self.too_short,
        }


def analyse(
    counts: Sequence[float],
    offsets: Sequence[float],
    time: Sequence[float],
    intervention: Sequence[int],
    *,
    month: Sequence[int] | None = None,
    harmonics: int = 0,
    slope_change: bool = False,
) -> Result:
    # numpy and statsmodels.api are imported on first use: statsmodels adds about
    # 0.3 s to every start of the server and of each command, and only an analysis
    # needs them.
    import numpy as np  # on first use (above)
    import statsmodels.api as sm  # on first use (above)

    n = len(counts)
    if not (len(offsets) == len(time) == len(intervention) == n):
        raise SeriesError("(columns)", "all columns must have the same length")
    for i, (c, o, a) in enumerate(zip(counts, offsets, intervention, strict=True), start=1):
        if c < 0:
            raise SeriesError(f"line {i + 1}", "a count cannot be negative")
        if o <= 0:
            raise SeriesError(f"line {i + 1}", "the offset must be above zero")
        if a not in (0, 1):
            raise SeriesError(f"line {i + 1}", "the intervention column holds 0 or 1")
    if harmonics and month is None:
        raise SeriesError("--month", "seasonality needs the month column")
    after = np.asarray(intervention, dtype=float)
    before_n, after_n = int((after == 0).sum()), int((after == 1).sum())
    if before_n < 2 or after_n < 2:
        raise SeriesError("(series)", "needs at least two points before and after")
    t = np.asarray(time, dtype=float)
    columns = {"const": np.ones(n), "time": t, "after": after}
    if slope_change:
        start = t[after == 1].min()
        columns["time_after"] = np.where(after == 1, t - start, 0.0)
    for k in range(1, harmonics + 1):
        m = np.asarray(month, dtype=float)
        columns[f"sin{k}"] = np.sin(2 * np.pi * k * m / 12)
        columns[f"cos{k}"] = np.cos(2 * np.pi * k * m / 12)
    names = list(columns)
    design = np.column_stack([columns[c] for c in names])
    offset = np.log(np.asarray(offsets, dtype=float))
    y = np.asarray(counts, dtype=float)
    model = sm.GLM(y, design, family=sm.families.Poisson(), offset=offset).fit(scale="X2")
    params, errors = model.params, model.bse

    def ratio(name: str) -> RateRatio:
        j = names.index(name)
        b, se = float(params[j]), float(errors[j])
        return RateRatio(math.exp(b), math.exp(b - Z95 * se), math.exp(b + Z95 * se))

    fitted = np.exp(design @ params + offset)
    counter = design.copy()
    counter[:, names.index("after")] = 0
    if slope_change:
        counter[:, names.index("time_after")] = 0
    return Result(
        level=ratio("after"),
        slope=ratio("time_after") if slope_change else None,
        points_before=before_n,
        points_after=after_n,
        dispersion=float(model.scale),
        fitted=[float(v) for v in fitted],
        counterfactual=[float(v) for v in np.exp(counter @ params + offset)],
    )
