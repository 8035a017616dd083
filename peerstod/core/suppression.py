"""Small-number suppression for every aggregate Peerstöd shows or exports.

A count between 1 and threshold-1 is hidden (primary suppression). Where a table also
publishes totals, a single hidden cell in a row or column could be recomputed by
subtraction, so a second cell in that line is hidden too (complementary suppression),
repeating until no line has exactly one hidden cell. Zeros are shown: knowing that
nobody is in a group does not point to anyone.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings

MINIMUM_THRESHOLD = 3


class Reason(StrEnum):
    SMALL = "small"
    COMPLEMENTARY = "complementary"


@dataclass(frozen=True)
class Cell:
    value: int | None
    reason: Reason | None = None

    @property
    def suppressed(self) -> bool:
        return self.value is None

    def __str__(self) -> str:
        return "–" if self.value is None else str(self.value)


@dataclass(frozen=True)
class Table:
    cells: dict[tuple[Hashable, Hashable], Cell]
    row_totals: dict[Hashable, Cell]
    column_totals: dict[Hashable, Cell]
    total: Cell
    threshold: int


def threshold(value: int | None = None) -> int:
    chosen = settings.SUPPRESSION_THRESHOLD if value is None else value
    if chosen < MINIMUM_THRESHOLD:
        raise ValueError(f"The suppression threshold may not be below {MINIMUM_THRESHOLD}.")
    return chosen


def _is_small(value: int, limit: int) -> bool:
    return 0 < value < limit


def suppress_table(
    counts: Mapping[tuple[Hashable, Hashable], int], *, limit: int | None = None
) -> Table:
    """Suppress a two-way table of counts published with row, column and grand totals."""
    limit = threshold(limit)
    for key, value in counts.items():
        if not isinstance(value, int) or value < 0:
            raise ValueError(f"Count for {key!r} must be a whole number ≥ 0, not {value!r}.")
    rows = list(dict.fromkeys(r for r, _ in counts))
    columns = list(dict.fromkeys(c for _, c in counts))
    values = {(r, c): counts.get((r, c), 0) for r in rows for c in columns}
    hidden: dict[tuple[Hashable, Hashable], Reason] = {
        key: Reason.SMALL for key, value in values.items() if _is_small(value, limit)
    }
    row_sum = {r: sum(values[(r, c)] for c in columns) for r in rows}
    col_sum = {c: sum(values[(r, c)] for r in rows) for c in columns}
    grand = sum(values.values())
    hidden_rows = {r for r in rows if _is_small(row_sum[r], limit)}
    hidden_cols = {c for c in columns if _is_small(col_sum[c], limit)}
    for r in hidden_rows:
        for c in columns:
            hidden.setdefault((r, c), Reason.COMPLEMENTARY)
    for c in hidden_cols:
        for r in rows:
            hidden.setdefault((r, c), Reason.COMPLEMENTARY)

    lines = [[(r, c) for c in columns] for r in rows if r not in hidden_rows]
    lines += [[(r, c) for r in rows] for c in columns if c not in hidden_cols]
    changed = True
    while changed:
        changed = False
        for line in lines:
            inside = [key for key in line if key in hidden]
            if len(inside) != 1:
                continue
            candidates = [key for key in line if key not in hidden]
            if not candidates:
                continue
            # Hide the smallest non-zero neighbour; a zero only if nothing else is left.
            candidates.sort(key=lambda key: (values[key] == 0, values[key]))
            hidden[candidates[0]] = Reason.COMPLEMENTARY
            changed = True

    def cell(key: tuple[Hashable, Hashable]) -> Cell:
        return Cell(None, hidden[key]) if key in hidden else Cell(values[key])

    def total_cell(value: int, is_hidden: bool) -> Cell:
        return Cell(None, Reason.SMALL) if is_hidden else Cell(value)

    return Table(
        cells={key: cell(key) for key in values},
        row_totals={r: total_cell(row_sum[r], r in hidden_rows) for r in rows},
        column_totals={c: total_cell(col_sum[c], c in hidden_cols) for c in columns},
        total=total_cell(grand, _is_small(grand, limit)),
        threshold=limit,
    )


def suppress_counts(counts: Mapping[Hashable, int], *, limit: int | None = None) -> Table:
    """Suppress a one-way list of counts published with its total."""
    return suppress_table({(key, "n"): value for key, value in counts.items()}, limit=limit)
