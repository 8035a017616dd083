"""What the results of a round are computed from: per unit, the count of answers, and
per subscale and per answer option the counts and sums that n, a mean, its 95 %
interval and a distribution need (sufficient statistics). Plain Python: the services
add a sealed group's counts to the tally tables, the results read them back, and the
answers still waiting for a whole group (fewer than a group per unit) are counted here
from their rows.

Why only sealed groups are tallied: a tally row that moved with every answer would,
read twice, tell what one answer said and when. It moves only in the transaction that
seals a unit's group (one transaction with the group's rewrite), by the whole group,
and carries no time, so it says no more than the shuffled group itself.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from peerstod.surveys.instrument import Instrument


@dataclass
class Stats:
    """n, sum and sum of squares of some scores: enough for their mean and spread."""

    n: int = 0
    total: float = 0.0
    squares: float = 0.0

    @classmethod
    def of(cls, values: Iterable[float]) -> Stats:
        found = cls()
        for value in values:
            found.add(value)
        return found

    def add(self, value: float) -> None:
        self.n += 1
        self.total += value
        self.squares += value * value

    def __add__(self, other: Stats) -> Stats:
        return Stats(self.n + other.n, self.total + other.total, self.squares + other.squares)

    @property
    def mean(self) -> float:
        return self.total / self.n if self.n else math.nan

    @property
    def variance(self) -> float:
        """The population variance (ddof 0), never below zero from rounding."""
        if not self.n:
            return math.nan
        mean = self.total / self.n
        return max(self.squares / self.n - mean * mean, 0.0)

    @property
    def sample_sd(self) -> float:
        """The sample standard deviation (ddof 1)."""
        if self.n < 2:
            return math.nan
        return math.sqrt(self.variance * self.n / (self.n - 1))


@dataclass
class Counts:
    """A round's counted answers, by unit: answers, scores per subscale, options per item."""

    answers: dict[int, int] = field(default_factory=dict)
    channels: dict[tuple[int, str], int] = field(default_factory=dict)
    scores: dict[tuple[int, str], Stats] = field(default_factory=dict)
    options: dict[tuple[int, str, int], int] = field(default_factory=dict)

    def __add__(self, other: Counts) -> Counts:
        found = Counts(
            dict(self.answers), dict(self.channels), dict(self.scores), dict(self.options)
        )
        for unit, n in other.answers.items():
            found.answers[unit] = found.answers.get(unit, 0) + n
        for place, n in other.channels.items():
            found.channels[place] = found.channels.get(place, 0) + n
        for scored, stats in other.scores.items():
            found.scores[scored] = found.scores.get(scored, Stats()) + stats
        for chosen, n in other.options.items():
            found.options[chosen] = found.options.get(chosen, 0) + n
        return found


def count(instrument: Instrument, rows: Iterable[Mapping]) -> Counts:
    """The counts of answer rows (unit_id, channel, answers, important)."""
    found = Counts()
    scaled = {i.key for i in instrument.items if i.scale is not None}
    for row in rows:
        unit = row["unit_id"]
        found.answers[unit] = found.answers.get(unit, 0) + 1
        place = (unit, row["channel"])
        found.channels[place] = found.channels.get(place, 0) + 1
        for key, value in instrument.score(row["answers"], set(row["important"])).items():
            found.scores.setdefault((unit, key), Stats()).add(value)
        for key, value in row["answers"].items():
            if key in scaled and isinstance(value, int):
                chosen = (unit, key, value)
                found.options[chosen] = found.options.get(chosen, 0) + 1
    return found
