"""The hypercube method of `linked.suppress_linked`, in numpy: a module of its own so
that numpy is imported only when a report is suppressed, not with the URLconf."""

from __future__ import annotations

from collections.abc import Hashable

import numpy as np

from peerstod.core.suppression.cells import Cell, Reason, check_count, is_small
from peerstod.core.suppression.linked import Linked, Slice


class Hypercube:
    """The state of `suppress_linked`. The unknowns form a grid of groups × categories
    (only the possible pairs). A published cell, and a protected slice's count of a
    measure, is the sum over a rectangle of it: the slice's groups × those of the
    measure's categories that the slice holds."""

    ZERO_COST = 1e9  # moving a published zero: only when nothing else will do

    def __init__(self, counts, views, measures, steps, protect, limit: int) -> None:
        self.limit = limit
        groups = list(counts)
        categories = list(dict.fromkeys(c for g in groups for c in counts[g]))
        where = {c: k for k, c in enumerate(categories)}
        self.exists = np.zeros((len(groups), len(categories)), dtype=bool)
        self.grid = np.zeros((len(groups), len(categories)), dtype=np.int64)
        for g, group in enumerate(groups):
            for category, value in counts[group].items():
                check_count(value, f"{group!r}, {category!r}")
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
        self.kinds_float = self.kinds.astype(float)
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
        """Every slice's count of every measure, for a grid of counts."""
        per_category = (self.areas.astype(np.int64) @ grid) * self.filter  # A × K
        return per_category @ self.kinds.T.astype(np.int64)  # A × M

    def _change_sums(self, changes: list[tuple[int, int, int]]):
        """What a few changes to the grid (group, category, ±n) change in every slice's
        count of every measure: the same as `_sums` of the changes as a grid, without
        multiplying the whole grid for two to four changed cells."""
        moved = np.zeros(self.value.shape, dtype=np.int64)
        for g, k, step in changes:
            slices = self.areas[:, g] & self.filter[:, k]  # A
            moved += step * np.outer(slices, self.kinds[:, k]).astype(np.int64)
        return moved

    # The rules ----------------------------------------------------------------------

    def run(self) -> Linked:
        small = (self.value > 0) & (self.value < self.limit)
        for v, m in zip(*np.nonzero(small[: self.nviews]), strict=True):
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
                if shown is not None and is_small(shown - value, self.limit):
                    self._hide(v, m, Reason.COMPLEMENTARY)
                else:
                    shown = value

    def _wanted(self):
        """Hidden cells and small protected counts: each needs a second table."""
        wanted = np.zeros(self.value.shape, dtype=bool)
        wanted[: self.nviews] = self.hidden
        protected = self.value[self.nviews :]
        wanted[self.nviews :] = (protected > 0) & (protected < self.limit)
        return wanted

    def _targets(self) -> list[tuple[int, int]]:
        """Those still without a second table, the largest first."""
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
        # per_kind[v, p]: the cost in view v of one record more in category k_in[p].
        per_kind = (weights @ self.kinds_float[:, k_in]) * self.filter[: self.nviews, k_in]
        options: list[tuple[float, list[tuple[int, int, int]]]] = []

        def best(cost, build) -> None:
            if cost.size and np.isfinite(cost).any():
                index = np.unravel_index(np.argmin(cost), cost.shape)
                options.append((float(cost[index]), build(*(int(i) for i in index))))

        # One record more.
        grow = np.where(exists[np.ix_(g_in, k_in)], holds[:, g_in].T @ per_kind, np.inf)
        best(grow, lambda i, p: [(g_in[i], k_in[p], 1)])
        split = self.split_groups[np.ix_(g_in, g_out)].astype(float)  # n1 × n2 × V
        if len(g_in) and len(g_out):
            # One record between two groups in a category.
            cost = np.einsum("abv,vp->abp", split, per_kind)
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
        moved = self._change_sums(changes) != 0
        for v, m in zip(*np.nonzero(moved[: self.nviews]), strict=True):
            if not self.hidden[v, m]:
                self._hide(int(v), int(m), Reason.COMPLEMENTARY)
        self.free |= moved
        self.changes.append(changes)

    def _verify(self) -> None:
        """Every second table, checked against every published cell at the end: whole
        numbers ≥ 0 where the category can happen, agreeing with all of them."""
        covered = np.zeros(self.value.shape, dtype=bool)
        shown = ~self.hidden
        for changes in self.changes:
            delta: dict[tuple[int, int], int] = {}
            for g, k, step in changes:
                delta[g, k] = delta.get((g, k), 0) + step
            for (g, k), step in delta.items():
                if self.grid[g, k] + step < 0 or (step and not self.exists[g, k]):
                    raise AssertionError("A second table went below zero or off the grid.")
            moved = self._change_sums(changes)
            if (moved[: self.nviews][shown] != 0).any():
                raise AssertionError("A second table disagrees with a published cell.")
            covered |= moved != 0
        if (self._wanted() & ~covered).any():
            raise AssertionError("A hidden cell has no second table.")
