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


TOTAL = object()  # the margin key, in rows and in columns


def suppress_table(
    counts: Mapping[tuple[Hashable, Hashable], int], *, limit: int | None = None
) -> Table:
    """Suppress a two-way table of counts published with row, column and grand totals.

    The table is extended with its margins, so that every row and every column
    (margins included) is one equation "parts sum to the total". An equation with a
    single hidden member gives that member away, so until none has exactly one, a
    second member is hidden: the smallest non-zero part, else a zero, else the total.
    """
    limit = threshold(limit)
    for key, value in counts.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValueError(f"Count for {key!r} must be a whole number ≥ 0, not {value!r}.")
    rows = list(dict.fromkeys(r for r, _ in counts))
    columns = list(dict.fromkeys(c for _, c in counts))
    values: dict[tuple[Hashable, Hashable], int] = {
        (r, c): counts.get((r, c), 0) for r in rows for c in columns
    }
    for r in rows:
        values[(r, TOTAL)] = sum(values[(r, c)] for c in columns)
    for c in columns:
        values[(TOTAL, c)] = sum(values[(r, c)] for r in rows)
    values[(TOTAL, TOTAL)] = sum(values[(r, TOTAL)] for r in rows)

    hidden: dict[tuple[Hashable, Hashable], Reason] = {
        key: Reason.SMALL for key, value in values.items() if _is_small(value, limit)
    }
    all_rows, all_columns = [*rows, TOTAL], [*columns, TOTAL]
    lines = [[(r, c) for c in all_columns] for r in all_rows]
    lines += [[(r, c) for r in all_rows] for c in all_columns]

    def preference(key: tuple[Hashable, Hashable]) -> tuple[bool, bool, int]:
        is_margin = TOTAL in key
        return (is_margin, values[key] == 0, values[key])

    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(key in hidden for key in line) != 1:
                continue
            candidates = sorted((key for key in line if key not in hidden), key=preference)
            if candidates:
                hidden[candidates[0]] = Reason.COMPLEMENTARY
                changed = True

    def cell(key: tuple[Hashable, Hashable]) -> Cell:
        return Cell(None, hidden[key]) if key in hidden else Cell(values[key])

    return Table(
        cells={(r, c): cell((r, c)) for r in rows for c in columns},
        row_totals={r: cell((r, TOTAL)) for r in rows},
        column_totals={c: cell((TOTAL, c)) for c in columns},
        total=cell((TOTAL, TOTAL)),
        threshold=limit,
    )


def suppress_counts(counts: Mapping[Hashable, int], *, limit: int | None = None) -> Table:
    """Suppress a one-way list of counts published with its total."""
    return suppress_table({(key, "n"): value for key, value in counts.items()}, limit=limit)


def suppress_each(values: Mapping[Hashable, int], *, limit: int | None = None) -> dict:
    """Primary suppression only, for figures that do not add up to a published total:
    nested funnel steps, or points of a series. Returns key → Cell."""
    limit = threshold(limit)
    cells = {}
    for key, value in values.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValueError(f"Count for {key!r} must be a whole number ≥ 0, not {value!r}.")
        cells[key] = Cell(None, Reason.SMALL) if _is_small(value, limit) else Cell(value)
    return cells


def suppress_nested(values: Mapping[Hashable, int], *, limit: int | None = None) -> dict:
    """Suppression for counts that are nested steps, each a subset of the one before
    (applied ⊇ interviewed ⊇ admitted; started ⊇ still employed), given in that order.

    Two shown steps tell how many left between them, so a step is shown only when it is
    0 or at least the threshold and so is the number between it and the last step shown
    before it. A hidden step lies somewhere between the shown ones around it, and the
    number between those is at least the threshold too: nobody who left can be counted
    out. Returns key → Cell in the order given."""
    limit = threshold(limit)
    cells: dict = {}
    shown: int | None = None
    for key, value in values.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValueError(f"Count for {key!r} must be a whole number ≥ 0, not {value!r}.")
        if shown is not None and value > shown:
            raise ValueError(f"Step {key!r} ({value}) is larger than the step before ({shown}).")
        if _is_small(value, limit):
            cells[key] = Cell(None, Reason.SMALL)
        elif shown is not None and _is_small(shown - value, limit):
            cells[key] = Cell(None, Reason.COMPLEMENTARY)
        else:
            cells[key] = Cell(value)
            shown = value
    return cells
