"""Counts of people published with their totals (`suppress_table`, `suppress_counts`),
figures that add up to nothing published (`suppress_each`), nested steps
(`suppress_nested`) and nested counts that grow over time (`suppress_growing`)."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass

from peerstod.core.suppression.cells import (
    TOTAL,
    Cell,
    Reason,
    check_count,
    complement,
    is_small,
    margin_lines,
    threshold,
)


@dataclass(frozen=True)
class Table:
    cells: dict[tuple[Hashable, Hashable], Cell]
    row_totals: dict[Hashable, Cell]
    column_totals: dict[Hashable, Cell]
    total: Cell
    threshold: int


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
        check_count(value, repr(key))
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
        key: Reason.SMALL for key, value in values.items() if is_small(value, limit)
    }
    lines = margin_lines(rows, columns)

    def preference(key: tuple[Hashable, Hashable]) -> tuple[bool, bool, int]:
        is_margin = TOTAL in key
        return (is_margin, values[key] == 0, values[key])

    complement(lines, hidden, preference)

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
        check_count(value, repr(key))
        cells[key] = Cell(None, Reason.SMALL) if is_small(value, limit) else Cell(value)
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
        check_count(value, repr(key))
        if shown is not None and value > shown:
            raise ValueError(f"Step {key!r} ({value}) is larger than the step before ({shown}).")
        if is_small(value, limit):
            cells[key] = Cell(None, Reason.SMALL)
        elif shown is not None and is_small(shown - value, limit):
            cells[key] = Cell(None, Reason.COMPLEMENTARY)
        else:
            cells[key] = Cell(value)
            shown = value
    return cells


def suppress_growing(
    snapshots: list[dict[Hashable, int]],
    *,
    nested: list[tuple[Hashable, Hashable]],
    population: Mapping[Hashable, Hashable],
    everyone_hidden: frozenset = frozenset(),
    limit: int | None = None,
) -> dict[Hashable, Cell]:
    """Suppression of nested counts that only grow over time, seen at successive days.

    `snapshots`: the figures of each day, oldest first, each key in the order its nested
    steps come (a superset before its subsets). `nested`: (superset, subset) pairs of one
    day. `population`: a figure's group (the subset's superset it is a share of). Two
    shown figures of nested sets tell how many lie between them, and so do a figure's
    value on two days: so a figure is shown only when it is 0 or at least the threshold
    and so is its difference with every shown figure it is nested with that day and with
    its own last shown value – as `suppress_nested` does for one chain.
    A figure whose population is too small is hidden too (even 0 is about the few), and a
    key in `everyone_hidden` is hidden when it equals its population (the figure says it
    of each of them: "everybody employed was on sick leave"). Returns the last day's
    cells."""
    limit = threshold(limit)

    def small(n: int) -> bool:
        return 0 < n < limit

    last_shown: dict[Hashable, int] = {}
    cells: dict[Hashable, Cell] = {}
    for figures in snapshots:
        cells = {}
        for key, value in figures.items():
            related = [b for a, b in nested if a == key] + [a for a, b in nested if b == key]
            others = [figures[k] for k in related if k in cells and not cells[k].suppressed]
            if key in last_shown:
                others.append(last_shown[key])
            group = population.get(key)
            few = small(value) or (group is not None and cells[group].reason == Reason.SMALL)
            between = any(small(abs(value - other)) for other in others)
            everyone = key in everyone_hidden and group is not None and 0 < value == figures[group]
            if few:
                cells[key] = Cell(None, Reason.SMALL)
            elif between or everyone:
                cells[key] = Cell(None, Reason.COMPLEMENTARY)
            else:
                cells[key] = Cell(value)
                last_shown[key] = value
    return cells
