"""Results of survey rounds: n, mean and 95 % confidence interval per unit and subscale,
answer distributions, and the comparison of two rounds, all through small-number
suppression.

Groups smaller than SURVEY_MIN_GROUP are hidden, and where a round's total is shown a
second unit is hidden with a lone hidden one (complementary suppression), so no unit's
figures can be recovered from the total and the other units. While a round is still
open, its interim results grow in whole steps of the minimum group: two views taken a
day apart never differ by fewer answers than a group may have.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.conf import settings

from peerstod.core.suppression import Cell, suppress_counts
from peerstod.surveys.instrument import Instrument, Subscale
from peerstod.surveys.tallies import Counts, Stats

TOTAL = "total"
Z95 = 1.959963984540054


def minimum_group() -> int:
    return settings.SURVEY_MIN_GROUP


@dataclass(frozen=True)
class Estimate:
    n: int
    mean: float
    low: float
    high: float
    sd: float


@dataclass
class Group:
    """One unit (or the whole round) in the results."""

    key: object  # unit id or TOTAL
    label: str
    responses: Cell
    subscales: dict[str, Estimate | None] = field(default_factory=dict)


@dataclass
class Distribution:
    """How the answers to one item spread over its options, for the round's total: a
    count per option and for "don't know", through suppression with their total, and
    whole percentages of the item's answers for the counts that are shown."""

    item: str
    text: str
    cells: list[Cell]
    excluded: Cell
    answered: Cell

    def _share(self, cell: Cell) -> int | None:
        if cell.value is None or not self.answered.value:
            return None
        return round(100 * cell.value / self.answered.value)

    def shares(self) -> list[int | None]:
        """Per option; None where the count is hidden."""
        return [self._share(cell) for cell in self.cells]

    def excluded_share(self) -> int | None:
        return self._share(self.excluded)

    def hidden_share(self) -> int:
        """The hidden counts together, which the total and the shown counts tell anyway."""
        if not self.answered.value:
            return 0
        shown = sum(c.value for c in [*self.cells, self.excluded] if c.value is not None)
        return round(100 * (self.answered.value - shown) / self.answered.value)


@dataclass
class Results:
    subscales: list[Subscale]
    groups: list[Group]
    total: Group
    distributions: dict[str, list[Distribution]]
    interim: bool
    counted: int
    received: int
    limit: int
    # subscale → unit id → the scores' n, sum and squares; for comparisons only
    stats: dict[str, dict[int, Stats]] = field(default_factory=dict)

    @property
    def uncounted(self) -> int:
        return self.received - self.counted

    def pooled(self, subscale: str, unit_id: int | None = None) -> Stats:
        per_unit = self.stats.get(subscale, {})
        if unit_id is not None:
            return per_unit.get(unit_id, Stats())
        return sum(per_unit.values(), Stats())


@dataclass(frozen=True)
class Difference:
    first: Estimate
    second: Estimate
    difference: float
    low: float
    high: float
    effect: float
    effect_low: float
    effect_high: float


def _t975(dof: float) -> float:
    # scipy only when results are computed, not with the URLconf (about 3 s to load)
    from scipy import stats

    return float(stats.t.ppf(0.975, dof))


def estimate(values: Sequence[float] | Stats) -> Estimate:
    """n, mean, t-based 95 % interval and (population) standard deviation."""
    found = values if isinstance(values, Stats) else Stats.of(values)
    sd = math.sqrt(found.variance)
    if found.n > 1:
        half = _t975(found.n - 1) * math.sqrt(found.variance / (found.n - 1))
        low, high = found.mean - half, found.mean + half
    else:
        low, high = math.nan, math.nan
    return Estimate(found.n, found.mean, low, high, sd)


def compute(
    *,
    instrument: Instrument,
    audience: str,
    language: str,
    counts: Counts,
    units: list[tuple[int, str]],
    interim: bool,
    total_label: str,
    received: int | None = None,
    limit: int | None = None,
) -> Results:
    """Results from the counts of the answers counted (see tallies.py): the caller has
    left out the answers whose group is not yet whole where they must not count (in
    interim results, and in final results once interim results have been shown), so
    that every view differs from every other by whole groups of each unit."""
    limit = limit or minimum_group()
    subscales = instrument.subscales_for(audience)
    responses: dict[int, int] = {unit_id: 0 for unit_id, _label in units}
    for unit_id, n in counts.answers.items():
        responses[unit_id] = responses.get(unit_id, 0) + n
    counted = sum(counts.answers.values())
    per_subscale: dict[str, dict[int, Stats]] = {s.key: {} for s in subscales}
    for (unit_id, key), found in counts.scores.items():
        if key in per_subscale and found.n:
            per_subscale[key][unit_id] = found

    response_table = suppress_counts(responses, limit=limit)
    groups = [
        Group(unit_id, label, response_table.cells[(unit_id, "n")]) for unit_id, label in units
    ]
    total = Group(TOTAL, total_label, response_table.total)
    for subscale in subscales:
        per_unit = per_subscale[subscale.key]
        table = suppress_counts(
            {u: per_unit[u].n if u in per_unit else 0 for u, _l in units}, limit=limit
        )
        for group in groups:
            shown = not group.responses.suppressed and not table.cells[(group.key, "n")].suppressed
            found = per_unit.get(group.key)  # type: ignore[call-overload]
            group.subscales[subscale.key] = estimate(found) if shown and found else None
        pooled = sum(per_unit.values(), Stats())
        shown = not total.responses.suppressed and not table.total.suppressed
        total.subscales[subscale.key] = estimate(pooled) if shown and pooled.n else None

    distributions: dict[str, list[Distribution]] = {}
    if not total.responses.suppressed and total.responses.value:
        options: dict[tuple[str, int], int] = defaultdict(int)
        for (_unit, item, value), n in counts.options.items():
            options[(item, value)] += n
        for subscale in subscales:
            distributions[subscale.key] = [
                _distribution(instrument, key, audience, language, options, limit)
                for key in subscale.items
            ]
    return Results(
        subscales=subscales,
        groups=groups,
        total=total,
        distributions=distributions,
        interim=interim,
        counted=counted,
        received=counted if received is None else received,
        limit=limit,
        stats=per_subscale,
    )


def _distribution(
    instrument: Instrument,
    key: str,
    audience: str,
    language: str,
    options: Mapping[tuple[str, int], int],
    limit: int,
) -> Distribution:
    item = instrument.item(key)
    scale = item.scale
    assert scale is not None
    counts = [options.get((key, value), 0) for value in scale.values()]
    excluded = sum(options.get((key, value), 0) for value in scale.excluded)
    parts: dict[object, int] = {index: count for index, count in enumerate(counts)}
    parts["excluded"] = excluded
    table = suppress_counts(parts, limit=limit)
    return Distribution(
        key,
        item.text_for(audience, language),
        [table.cells[(index, "n")] for index in range(len(counts))],
        table.cells[("excluded", "n")],
        table.total,
    )


def compare(
    first: Sequence[float] | Stats, second: Sequence[float] | Stats, *, limit: int | None = None
) -> Difference | None:
    """Second minus first with Welch's 95 % CI and Hedges' g (bias-corrected standardised
    mean difference) with its CI; None when either group is too small to show. From the
    scores' n, sums and squares: the same figures as from the scores themselves."""
    limit = limit or minimum_group()
    a = first if isinstance(first, Stats) else Stats.of(first)
    b = second if isinstance(second, Stats) else Stats.of(second)
    if a.n < limit or b.n < limit:
        return None
    # Welch: the variance of each mean from the population variance over n − 1.
    va, vb = a.variance / (a.n - 1), b.variance / (b.n - 1)
    difference = b.mean - a.mean
    if va + vb == 0:
        low = high = math.nan
    else:
        dof = (va + vb) ** 2 / (va**2 / (a.n - 1) + vb**2 / (b.n - 1))
        half = _t975(dof) * math.sqrt(va + vb)
        low, high = difference - half, difference + half
    sd_a, sd_b = a.sample_sd, b.sample_sd
    if sd_a == 0 and sd_b == 0:
        effect, variance = 0.0, 0.0
    else:
        # statsmodels only when two rounds are compared, not with the URLconf
        from statsmodels.stats.meta_analysis import effectsize_smd

        effect, variance = effectsize_smd(b.mean, sd_b, b.n, a.mean, sd_a, a.n)
    spread = Z95 * math.sqrt(float(variance))
    return Difference(
        first=estimate(a),
        second=estimate(b),
        difference=float(difference),
        low=float(low),
        high=float(high),
        effect=float(effect),
        effect_low=float(effect) - spread,
        effect_high=float(effect) + spread,
    )
