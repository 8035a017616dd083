"""Small-number suppression for every aggregate Peerstöd shows or exports.

A count between 1 and threshold-1 is hidden (primary suppression). Where a table also
publishes totals, a single hidden cell in a row or column could be recomputed by
subtraction, so a second cell in that line is hidden too (complementary suppression),
repeating until no line has exactly one hidden cell. Zeros are shown: knowing that
nobody is in a group does not point to anyone.

This module is the one suppression layer: every aggregate, filter, interim result,
export and answer of Peerstöd goes through one of

- `suppress_table` / `suppress_counts`: counts of people with their totals;
- `suppress_each`: figures that add up to nothing published (points of a series);
- `suppress_nested`: nested steps (applied ⊇ interviewed ⊇ admitted), where two shown
  steps give the number between them;
- `suppress_linked`: every view a report offers (filters, slices, their parents)
  suppressed together, so no view minus others gives a hidden cell back;
- `suppress_by_people`: hours and other sums, hidden by the number of people behind
  them, not by their size;
- `suppress_growing`: nested counts that grow over time, so no two days differ by a few.

Survey results also freeze their interim figures in whole groups (surveys.results).
The rule and the practice it follows: docs/integritet.md.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

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


def _complement(lines, hidden: dict, preference) -> None:
    """Complementary suppression: until no line (an equation "parts sum to the total")
    has exactly one hidden member, hide a second one, the first by `preference`."""
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

    _complement(lines, hidden, preference)

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


# Linked tables -------------------------------------------------------------------------
#
# A report that can be filtered publishes many views of the same records: everything, each
# organisation, each call, each cohort, each year. Each view may be safe on its own, but a
# reader who can ask for all of them can subtract: everything minus the other calls gives
# the one left, an organisation minus its calls the call it hides. Handbooks of statistical
# disclosure control call these *linked tables*: they are protected together, by primary
# suppression of the small cells and secondary (complementary) suppression chosen across
# all of them, so that no hidden cell can be worked out from the published ones.


class Slice:
    """Part of the records: some groups, and of their records only some categories (a
    cohort's view is every call's records in that cohort). Without categories, all."""

    def __init__(
        self, groups: Iterable[Hashable], categories: Iterable[Hashable] | None = None
    ) -> None:
        self.groups = tuple(dict.fromkeys(groups))
        self.categories = None if categories is None else tuple(dict.fromkeys(categories))


@dataclass(frozen=True)
class Linked:
    """Every view's published cells: `linked[view][measure]` is a Cell."""

    cells: dict[Hashable, dict[Hashable, Cell]]
    threshold: int

    def __getitem__(self, view: Hashable) -> dict[Hashable, Cell]:
        return self.cells[view]

    def __contains__(self, view: object) -> bool:
        return view in self.cells


def suppress_linked(
    counts: Mapping[Hashable, Mapping[Hashable, int]],
    views: Mapping[Hashable, Iterable[Hashable] | Slice],
    measures: Mapping[Hashable, Iterable[Hashable]],
    *,
    steps: Sequence[Hashable] = (),
    protect: Mapping[Hashable, Iterable[Hashable] | Slice] | None = None,
    limit: int | None = None,
) -> Linked:
    """Suppress every view a reader can ask for together, so that no hidden cell of any
    view can be worked out from all the published cells of all the views.

    `counts` is the finest split of the records, never published itself: group →
    category → how many. For the funnel a group is one call's applications of one year,
    and a category says how far an application came, how it ended and in which cohort.
    A category a group leaves out cannot happen there (nobody from the 2019 call was in
    the 2024 cohort); one given as 0 can, it just did not. A view is a `Slice` (or just
    its groups); a measure adds up categories; a published cell is one view's count of
    one measure. `steps` are the measures that are nested steps, in order (applied ⊇
    interviewed ⊇ admitted). `protect` names slices that no reader can pick but whose
    counts must not be given away when they are small either: the records in no view of
    a filter (applications in a cohort nobody may pick), or the cells of a
    cross-tabulation that nobody can ask for (a call × a cohort).

    The reader is assumed to know every published cell, what each view and measure adds
    up, which categories cannot happen in which group, and that counts are whole numbers
    ≥ 0. The rule:

    1. primary suppression: a cell from 1 to threshold-1 is hidden;
    2. inside each view the rule of `suppress_nested`: a step is shown only when it and
       the number between it and the last shown step are 0 or at least the threshold;
    3. secondary suppression by the hypercube method: every hidden cell and every small
       protected count needs a *second table*, of whole numbers ≥ 0, that agrees with
       every published cell and differs in that one, or a reader could work it out. The
       second table is sought among the smallest changes: one record more in a group and
       category; one record moved between two categories of a group, or between two
       groups in a category; or one record moved between two categories in one group and
       one the other way in another group, so that every view holding both sees no
       change (+1 −1 / −1 +1 around a rectangle: the hypercube of a two-way table). Of
       the possible ones (no count below 0, no category where it cannot happen) the one
       that moves the smallest sum of published cells is taken (a cell of a wider view
       counts up to twice), and the published cells it moves are hidden too. Zeros are
       shown: moving a published 0 is the last resort.

    Steps 2 and 3 repeat until every hidden cell has its second table. Hiding more only
    removes equations, so a second table that agrees with what is published stays
    agreeing, and each is checked again by integer arithmetic at the end: for every
    hidden cell there are two tables of whole numbers that agree with everything that is
    published and differ in that cell, so it cannot be worked out, whatever a reader
    subtracts from what.
    """
    limit = threshold(limit)
    return _Hypercube(counts, views, measures, steps, protect or {}, limit).run()


class _Hypercube:
    """The state of `suppress_linked`. The unknowns form a grid of groups × categories
    (only the possible pairs). A published cell, and a protected slice's count of a
    measure, is the sum over a rectangle of it: the slice's groups × those of the
    measure's categories that the slice holds."""

    ZERO_COST = 1e9  # moving a published zero: only when nothing else will do

    def __init__(self, counts, views, measures, steps, protect, limit: int) -> None:
        import numpy as np

        self.np = np
        self.limit = limit
        groups = list(counts)
        categories = list(dict.fromkeys(c for g in groups for c in counts[g]))
        where = {c: k for k, c in enumerate(categories)}
        self.exists = np.zeros((len(groups), len(categories)), dtype=bool)
        self.grid = np.zeros((len(groups), len(categories)), dtype=np.int64)
        for g, group in enumerate(groups):
            for category, value in counts[group].items():
                if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                    raise ValueError(
                        f"Count for {group!r}, {category!r} must be a whole number ≥ 0, "
                        f"not {value!r}."
                    )
                self.exists[g, where[category]] = True
                self.grid[g, where[category]] = value
        self.views, self.measures, self.steps = list(views), list(measures), list(steps)
        if any(step not in measures for step in self.steps):
            raise ValueError("Every step must be one of the measures.")
        position = {group: g for g, group in enumerate(groups)}
        slices = [views[v] for v in self.views] + list(protect.values())
        self.nviews = len(self.views)
        self.areas = np.zeros((len(slices), len(groups)), dtype=bool)
        self.filter = np.ones((len(slices), len(categories)), dtype=bool)
        for a, part in enumerate(slices):
            part = part if isinstance(part, Slice) else Slice(part)
            for member in part.groups:
                if member not in position:
                    raise ValueError(f"A view adds up a group without counts: {member!r}.")
                self.areas[a, position[member]] = True
            if part.categories is not None:
                self.filter[a] = False
                for category in part.categories:
                    if category in where:
                        self.filter[a, where[category]] = True
        self.kinds = np.zeros((len(self.measures), len(categories)), dtype=bool)
        for m, measure in enumerate(self.measures):
            for category in measures[measure]:
                if category in where:
                    self.kinds[m, where[category]] = True
        self.value = self._sums(self.grid)
        for v, view in enumerate(self.views):
            values = [int(self.value[v, self.measures.index(s)]) for s in self.steps]
            for before, after, step in zip(values, values[1:], self.steps[1:], strict=False):
                if after > before:
                    raise ValueError(
                        f"Step {step!r} of view {view!r} ({after}) is larger than the step "
                        f"before ({before})."
                    )
        view_groups = self.areas[: self.nviews]
        # A cell of a wider view is read more (the whole programme's total most): hiding
        # it costs up to twice its value.
        size = view_groups.sum(axis=1).astype(float)
        self.importance = (1.0 + size / max(float(size.max(initial=0)), 1.0))[:, None]
        # Which views tell two groups apart.
        self.split_groups = view_groups.T[:, None, :] ^ view_groups.T[None, :, :]  # G×G×V
        self.hidden = np.zeros((self.nviews, len(self.measures)), dtype=bool)
        self.reasons: dict[tuple[int, int], Reason] = {}
        self.free = np.zeros(self.value.shape, dtype=bool)
        self.changes: list = []  # the second tables, as changes to the grid
        self._pairs()

    def _sums(self, grid):
        """Every slice's count of every measure, for a grid of counts (or of changes)."""
        np = self.np
        per_category = (self.areas.astype(np.int64) @ grid) * self.filter  # A × K
        return per_category @ self.kinds.T.astype(np.int64)  # A × M

    # The rules ----------------------------------------------------------------------

    def run(self) -> Linked:
        small = (self.value > 0) & (self.value < self.limit)
        for v, m in zip(*self.np.nonzero(small[: self.nviews]), strict=True):
            self._hide(int(v), int(m), Reason.SMALL)
        while True:
            self._nested()
            targets = self._targets()
            if not targets:
                break
            for a, m in targets:
                if not self.free[a, m]:
                    self._protect(a, m)
        self._verify()
        cells: dict[Hashable, dict[Hashable, Cell]] = {view: {} for view in self.views}
        for v, view in enumerate(self.views):
            for m, measure in enumerate(self.measures):
                reason = self.reasons.get((v, m))
                value = int(self.value[v, m])
                cells[view][measure] = Cell(None, reason) if reason else Cell(value)
        return Linked(cells=cells, threshold=self.limit)

    def _hide(self, v: int, m: int, reason: Reason) -> None:
        self.hidden[v, m] = True
        self.reasons.setdefault((v, m), reason)

    def _nested(self) -> None:
        steps = [self.measures.index(step) for step in self.steps]
        for v in range(self.nviews):
            shown: int | None = None
            for m in steps:
                if self.hidden[v, m]:
                    continue
                value = int(self.value[v, m])
                if shown is not None and _is_small(shown - value, self.limit):
                    self._hide(v, m, Reason.COMPLEMENTARY)
                else:
                    shown = value

    def _wanted(self):
        """Hidden cells and small protected counts: each needs a second table."""
        np = self.np
        wanted = np.zeros(self.value.shape, dtype=bool)
        wanted[: self.nviews] = self.hidden
        protected = self.value[self.nviews :]
        wanted[self.nviews :] = (protected > 0) & (protected < self.limit)
        return wanted

    def _targets(self) -> list[tuple[int, int]]:
        """Those still without a second table, the largest first."""
        np = self.np
        found = zip(*np.nonzero(self._wanted() & ~self.free), strict=True)
        return sorted(
            ((int(a), int(m)) for a, m in found), key=lambda am: (-int(self.value[am]), am)
        )

    # Second tables ------------------------------------------------------------------

    def _pairs(self) -> None:
        """Sort every possible move of one record between two categories of a group into
        classes by the measures it changes: moving from "screened, under way" to
        "applied, under way" in one call and from "screened, not admitted" to "applied,
        not admitted" in another change the same step, so the two together leave every
        view that holds both calls as it was (a view that keeps only some categories, a
        cohort's, is counted apart)."""
        np = self.np
        kinds = self.kinds.T.astype(np.int8)  # K × M
        firsts, seconds, owners = [], [], []
        for g in range(len(self.grid)):
            present = np.flatnonzero(self.exists[g])
            x, y = np.meshgrid(present, present, indexing="ij")
            keep = x != y
            firsts.append(x[keep])
            seconds.append(y[keep])
            owners.append(np.full(int(keep.sum()), g))
        x, y, owner = (
            np.concatenate([np.zeros(0, dtype=np.int64), *parts]).astype(np.int64)
            for parts in (firsts, seconds, owners)
        )
        if len(x):
            self.classes, kind = np.unique(kinds[x] - kinds[y], axis=0, return_inverse=True)
            kind = np.asarray(kind).ravel()
        else:
            self.classes, kind = np.zeros((0, len(self.measures)), dtype=np.int8), x
        # For each group and class, one pair that can move +1 into x, −1 out of y (a
        # record in y), and one that can move the other way (a record in x).
        shape = (len(self.grid), len(self.classes), 2)
        self.plus = np.full(shape, -1, dtype=np.int64)
        self.minus = np.full(shape, -1, dtype=np.int64)
        pairs = np.stack([x, y], axis=1)
        can = self.grid[owner, y] > 0
        self.plus[owner[can], kind[can]] = pairs[can]
        can = self.grid[owner, x] > 0
        self.minus[owner[can], kind[can]] = pairs[can]
        # Views that keep only some categories, and what each category counts in them.
        self.partial = np.flatnonzero(~self.filter[: self.nviews].all(axis=1))
        self.partial_kinds = (
            self.filter[self.partial].T[:, :, None] & self.kinds.T[:, None, :]
        ).astype(np.int8)  # K × P × M

    def _protect(self, a: int, m: int) -> None:
        """Take the cheapest possible change that moves slice a's count of measure m,
        hide the published cells it moves, and keep it as their second table."""
        np = self.np
        grid, exists = self.grid, self.exists
        values = self.value[: self.nviews]
        weights = values * self.importance  # what moving a published cell costs
        weights[values == 0] = self.ZERO_COST
        weights[self.hidden] = 0.0
        holds = self.areas[: self.nviews].astype(float)  # V × G
        in_g = self.areas[a]
        in_k = self.kinds[m] & self.filter[a]
        g_in, g_out = np.flatnonzero(in_g), np.flatnonzero(~in_g)
        k_in = np.flatnonzero(in_k)
        # per_kind[v, k]: the cost in view v of one record more in category k.
        per_kind = (weights @ self.kinds.astype(float)) * self.filter[: self.nviews]
        options: list[tuple[float, list[tuple[int, int, int]]]] = []

        def best(cost, build) -> None:
            if cost.size and np.isfinite(cost).any():
                index = np.unravel_index(np.argmin(cost), cost.shape)
                options.append((float(cost[index]), build(*(int(i) for i in index))))

        # One record more.
        grow = np.where(
            exists[np.ix_(g_in, k_in)], (holds.T @ per_kind)[np.ix_(g_in, k_in)], np.inf
        )
        best(grow, lambda i, p: [(g_in[i], k_in[p], 1)])
        split = self.split_groups[np.ix_(g_in, g_out)].astype(float)  # n1 × n2 × V
        if len(g_in) and len(g_out):
            # One record between two groups in a category.
            cost = np.einsum("abv,vp->abp", split, per_kind[:, k_in])
            possible = (
                exists[np.ix_(g_in, k_in)][:, None, :] & exists[np.ix_(g_out, k_in)][None, :, :]
            )
            movable = (grid[np.ix_(g_in, k_in)][:, None, :] > 0) | (
                grid[np.ix_(g_out, k_in)][None, :, :] > 0
            )
            best(
                np.where(possible & movable, cost, np.inf),
                lambda i, j, p: self._between(g_in[i], g_out[j], k_in[p]),
            )
        # Moves between two categories of a group that change this count.
        reps = self.plus[g_in]  # n1 × S × 2
        usable = reps[:, :, 0] >= 0
        target = in_k.astype(np.int8)
        change = np.where(usable, target[reps[:, :, 0]] - target[reps[:, :, 1]], 0)
        useful = np.flatnonzero((change != 0).any(axis=0))
        if not len(useful):
            self._choose(options)
            return
        reps, usable = reps[:, useful], (change[:, useful] != 0)
        whole = np.ones(self.nviews, dtype=bool)
        whole[self.partial] = False
        # per_class[v, s]: the cost in a whole view v of a move of class s in its groups.
        per_class = (weights * whole[:, None]) @ np.abs(self.classes[useful]).T.astype(float)
        partial_weights = weights[self.partial]  # P × M
        partial_holds = holds[self.partial]  # P × G

        def partial_change(pairs):  # (…, 2) → (…, P, M): the change in partial views
            return self.partial_kinds[pairs[..., 0]] - self.partial_kinds[pairs[..., 1]]

        # Within one group.
        own = partial_change(np.where(reps >= 0, reps, 0))  # n1 × s × P × M
        partial_cost = np.einsum(
            "ispm,pm,pi->is", np.abs(own).astype(float), partial_weights, partial_holds[:, g_in]
        )
        cost = holds[:, g_in].T @ per_class + partial_cost
        best(np.where(usable, cost, np.inf), lambda i, s: self._within(g_in[i], useful[s]))
        if len(g_out):
            # In one group, and the other way in a group outside: the whole views that
            # hold both see no change (the hypercube of a two-way table).
            back = self.minus[np.ix_(g_out, useful)]  # n2 × s × 2
            ok = usable[:, None, :] & (back[None, :, :, 0] >= 0)
            cost = np.einsum("abv,vs->abs", split, per_class)
            cost = np.where(ok, cost, np.inf)
            finite = np.flatnonzero(np.isfinite(cost).ravel())
            if len(finite):
                # The cheapest few by the whole views; then add the partial views.
                keep = finite[np.argsort(cost.ravel()[finite], kind="stable")[:256]]
                i, j, s = np.unravel_index(keep, cost.shape)
                other = partial_change(back[j, s])  # c × P × M
                held_1 = partial_holds[:, g_in[i]].T[:, :, None]  # c × P × 1
                held_2 = partial_holds[:, g_out[j]].T[:, :, None]
                moved = np.abs(held_1 * own[i, s] - held_2 * other)
                total = cost.ravel()[keep] + np.einsum("cpm,pm->c", moved, partial_weights)
                c = int(np.argmin(total))
                options.append(
                    (
                        float(total[c]),
                        self._crossed(g_in[i[c]], g_out[j[c]], useful[s[c]]),
                    )
                )
        self._choose(options)

    def _choose(self, options) -> None:
        if not options:
            raise AssertionError("A count with a record in it can always grow.")
        _cost, changes = min(options, key=lambda option: option[0])
        self._apply(changes)

    def _between(self, g1, g2, k) -> list[tuple[int, int, int]]:
        """One record into (g1, k) from (g2, k), or the other way if g2 has none."""
        step = 1 if self.grid[g2, k] > 0 else -1
        return [(int(g1), int(k), step), (int(g2), int(k), -step)]

    def _within(self, g, kind) -> list[tuple[int, int, int]]:
        x, y = self.plus[g, kind]
        return [(int(g), int(x), 1), (int(g), int(y), -1)]

    def _crossed(self, g1, g2, kind) -> list[tuple[int, int, int]]:
        x1, y1 = self.plus[g1, kind]
        x2, y2 = self.minus[g2, kind]
        g1, g2 = int(g1), int(g2)
        return [(g1, int(x1), 1), (g1, int(y1), -1), (g2, int(x2), -1), (g2, int(y2), 1)]

    def _apply(self, changes: list[tuple[int, int, int]]) -> None:
        np = self.np
        delta = np.zeros(self.grid.shape, dtype=np.int64)
        for g, k, step in changes:
            delta[g, k] += step
        moved = self._sums(delta) != 0
        for v, m in zip(*np.nonzero(moved[: self.nviews]), strict=True):
            if not self.hidden[v, m]:
                self._hide(int(v), int(m), Reason.COMPLEMENTARY)
        self.free |= moved
        self.changes.append(delta)

    def _verify(self) -> None:
        """Every second table, checked against every published cell at the end: whole
        numbers ≥ 0 where the category can happen, agreeing with all of them."""
        np = self.np
        covered = np.zeros(self.value.shape, dtype=bool)
        shown = ~self.hidden
        for delta in self.changes:
            table = self.grid + delta
            if (table < 0).any() or (delta[~self.exists] != 0).any():
                raise AssertionError("A second table went below zero or off the grid.")
            values = self._sums(table)
            if (values[: self.nviews][shown] != self.value[: self.nviews][shown]).any():
                raise AssertionError("A second table disagrees with a published cell.")
            covered |= values != self.value
        if (self._wanted() & ~covered).any():
            raise AssertionError("A hidden cell has no second table.")


# ---------------------------------------------------------------- sums, by the people behind them
# Suppression of sums (hours, activities) by the number of PEOPLE behind them.
#
# `core.suppression.suppress_table` hides a count by its own size, which is right when the
# count is a number of people. Hours and numbers of activities are not: 40 hours can be
# one person's month. Here every figure comes with the number of people behind it, and a
# figure is hidden when those people are 1 to threshold-1 – whatever its size.
#
# A row describes a group of people (a unit's peer supporters in a month): when that group
# is 1 to threshold-1, every figure of the row is hidden, zeros included, since "nothing
# of this kind" is as much about the few people as an amount is. The table is published
# with its margins (a unit's total, the total of all units, the total of everything), so
# complementary suppression follows, as in `suppress_table`: no row or column (margins
# included) is left with exactly one hidden figure.
#
# Callers that show one row of the table at a time (one unit, or all of them) compute the
# whole table the viewer can ask for and show its rows: the unit view and the total view
# then hide the same figures, and no difference of two views gives a hidden one back.


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
    all_rows, all_columns = [*rows, TOTAL], [*columns, TOTAL]
    lines = [[(r, c) for c in all_columns] for r in all_rows]
    lines += [[(r, c) for r in all_rows] for c in all_columns]

    def preference(key: Key) -> tuple[bool, bool, float]:
        return (TOTAL in key, full[key] == 0, full[key])

    _complement(lines, hidden, preference)
    return PeopleTable(hidden, limit)


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
