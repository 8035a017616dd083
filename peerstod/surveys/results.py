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
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from statsmodels.stats.meta_analysis import effectsize_smd
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

from peerstod.core.suppression import Cell, suppress_counts
from peerstod.surveys.instrument import Instrument, Subscale

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
    # subscale → unit id → scores of the answers counted; for comparisons only
    scores: dict[str, dict[int, list[float]]] = field(default_factory=dict)

    @property
    def uncounted(self) -> int:
        return self.received - self.counted

    def pooled(self, subscale: str, unit_id: int | None = None) -> list[float]:
        per_unit = self.scores.get(subscale, {})
        if unit_id is not None:
            return per_unit.get(unit_id, [])
        return [v for values in per_unit.values() for v in values]


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


def estimate(values: Sequence[float]) -> Estimate:
    data = DescrStatsW(np.asarray(values, dtype=float))
    low, high = data.tconfint_mean() if len(values) > 1 else (math.nan, math.nan)
    return Estimate(len(values), float(data.mean), float(low), float(high), float(data.std))


def compute(
    *,
    instrument: Instrument,
    audience: str,
    language: str,
    rows: list[dict],
    units: list[tuple[int, str]],
    interim: bool,
    total_label: str,
    whole_groups: bool | None = None,
    limit: int | None = None,
) -> Results:
    """`rows` are the round's answers (unit_id, answers, important, group). An answer
    whose group is not yet whole is left out of interim results, and of final results
    once interim results have been shown (`whole_groups`): every view then differs from
    every other by whole groups of each unit."""
    limit = limit or minimum_group()
    received = len(rows)
    if interim if whole_groups is None else whole_groups:
        rows = [row for row in rows if row.get("group") is not None]
    subscales = instrument.subscales_for(audience)
    scores: dict[str, dict[int, list[float]]] = {s.key: defaultdict(list) for s in subscales}
    responses: dict[int, int] = {unit_id: 0 for unit_id, _label in units}
    for row in rows:
        responses[row["unit_id"]] = responses.get(row["unit_id"], 0) + 1
        for key, value in instrument.score(row["answers"], set(row["important"])).items():
            if key in scores:
                scores[key][row["unit_id"]].append(value)

    response_table = suppress_counts(responses, limit=limit)
    groups = [
        Group(unit_id, label, response_table.cells[(unit_id, "n")]) for unit_id, label in units
    ]
    total = Group(TOTAL, total_label, response_table.total)
    for subscale in subscales:
        per_unit = scores[subscale.key]
        table = suppress_counts({u: len(per_unit.get(u, [])) for u, _l in units}, limit=limit)
        for group in groups:
            shown = not group.responses.suppressed and not table.cells[(group.key, "n")].suppressed
            values = per_unit.get(group.key, [])  # type: ignore[call-overload]
            group.subscales[subscale.key] = estimate(values) if shown and values else None
        all_values = [v for values in per_unit.values() for v in values]
        shown = not total.responses.suppressed and not table.total.suppressed
        total.subscales[subscale.key] = estimate(all_values) if shown and all_values else None

    distributions: dict[str, list[Distribution]] = {}
    if not total.responses.suppressed and total.responses.value:
        for subscale in subscales:
            distributions[subscale.key] = [
                _distribution(instrument, key, audience, language, rows, limit)
                for key in subscale.items
            ]
    return Results(
        subscales=subscales,
        groups=groups,
        total=total,
        distributions=distributions,
        interim=interim,
        counted=len(rows),
        received=received,
        limit=limit,
        scores={key: dict(values) for key, values in scores.items()},
    )


def _distribution(
    instrument: Instrument,
    key: str,
    audience: str,
    language: str,
    rows: list[dict],
    limit: int,
) -> Distribution:
    item = instrument.item(key)
    scale = item.scale
    assert scale is not None
    counts = [0] * (scale.maximum - scale.minimum + 1)
    excluded = 0
    for row in rows:
        value = row["answers"].get(key)
        if value is None:
            continue
        if value in scale.excluded:
            excluded += 1
        else:
            counts[value - scale.minimum] += 1
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
    first: Sequence[float], second: Sequence[float], *, limit: int | None = None
) -> Difference | None:
    """Second minus first with Welch's 95 % CI and Hedges' g (bias-corrected standardised
    mean difference) with its CI; None when either group is too small to show."""
    limit = limit or minimum_group()
    if len(first) < limit or len(second) < limit:
        return None
    a, b = np.asarray(first, dtype=float), np.asarray(second, dtype=float)
    low, high = CompareMeans(DescrStatsW(b), DescrStatsW(a)).tconfint_diff(usevar="unequal")
    sd_a, sd_b = float(a.std(ddof=1)), float(b.std(ddof=1))
    if sd_a == 0 and sd_b == 0:
        effect, variance = 0.0, 0.0
    else:
        effect, variance = effectsize_smd(b.mean(), sd_b, len(b), a.mean(), sd_a, len(a))
    spread = Z95 * math.sqrt(float(variance))
    return Difference(
        first=estimate(first),
        second=estimate(second),
        difference=float(b.mean() - a.mean()),
        low=float(low),
        high=float(high),
        effect=float(effect),
        effect_low=float(effect) - spread,
        effect_high=float(effect) + spread,
    )
