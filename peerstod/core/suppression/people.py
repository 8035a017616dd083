"""Suppression of sums (hours, activities) by the number of PEOPLE behind them
(`suppress_by_people`).

`suppress_table` hides a count by its own size, which is right when the count is a
number of people. Hours and numbers of activities are not: 40 hours can be one person's
month. Here every figure comes with the number of people behind it, and a
figure is hidden when those people are 1 to threshold-1 – whatever its size.

A row describes a group of people (a unit's peer supporters in a month): when that group
is 1 to threshold-1, every figure of the row is hidden, zeros included, since "nothing
of this kind" is as much about the few people as an amount is. The table is published
with its margins (a unit's total, the total of all units, the total of everything), so
complementary suppression follows, as in `suppress_table`: no row or column (margins
included) is left with exactly one hidden figure.

Callers that show one row of the table at a time (one unit, or all of them) compute the
whole table the viewer can ask for and show its rows: the unit view and the total view
then hide the same figures, and no difference of two views gives a hidden one back.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from peerstod.core.suppression.cells import TOTAL, Reason, complement, margin_lines, threshold

Key = tuple[Hashable, Hashable]


@dataclass(frozen=True)
class PeopleTable:
    """What is hidden (key → reason); keys use `TOTAL` for the margins."""

    hidden: dict[Key, Reason]
    threshold: int

    def is_hidden(self, row: Hashable, column: Hashable) -> bool:
        return (row, column) in self.hidden

    def row_hidden(self, row: Hashable) -> bool:
        return any(key[0] == row for key in self.hidden)


def suppress_by_people(
    *,
    rows: Sequence[Hashable],
    columns: Sequence[Hashable],
    values: Mapping[Any, float],
    people: Mapping[Any, int],
    row_people: Mapping[Any, int],
    column_people: Mapping[Any, int],
    total_people: int,
    small_values: bool = False,
    limit: int | None = None,
) -> PeopleTable:
    """`values`, `people`: the figure of each (row, column) and the distinct people
    behind it (missing: 0). `row_people`, `column_people`, `total_people`: the distinct
    people behind each margin (not sums: one person can be in two rows). With
    `small_values`, a figure of 1 to threshold-1 is hidden too (numbers of patients)."""
    limit = threshold(limit)

    def small(n: float) -> bool:
        return 0 < n < limit

    full: dict[Key, float] = {(r, c): values.get((r, c), 0) for r in rows for c in columns}
    behind: dict[Key, int] = {(r, c): people.get((r, c), 0) for r in rows for c in columns}
    for r in rows:
        full[(r, TOTAL)] = sum(full[(r, c)] for c in columns)
        behind[(r, TOTAL)] = row_people.get(r, 0)
    for c in columns:
        full[(TOTAL, c)] = sum(full[(r, c)] for r in rows)
        behind[(TOTAL, c)] = column_people.get(c, 0)
    full[(TOTAL, TOTAL)] = sum(full[(r, TOTAL)] for r in rows)
    behind[(TOTAL, TOTAL)] = total_people
    group = {**{r: row_people.get(r, 0) for r in rows}, TOTAL: total_people}

    hidden: dict[Key, Reason] = {
        key: Reason.SMALL
        for key in full
        if small(behind[key]) or small(group[key[0]]) or (small_values and small(full[key]))
    }
    lines = margin_lines(rows, columns)

    def preference(key: Key) -> tuple[bool, bool, float]:
        return (TOTAL in key, full[key] == 0, full[key])

    complement(lines, hidden, preference)
    return PeopleTable(hidden, limit)
