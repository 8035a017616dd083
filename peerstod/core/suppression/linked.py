"""Linked tables (`suppress_linked`): every view a report offers, suppressed together.

A report that can be filtered publishes many views of the same records: everything, each
organisation, each call, each cohort, each year. Each view may be safe on its own, but a
reader who can ask for all of them can subtract: everything minus the other calls gives
the one left, an organisation minus its calls the call it hides. Handbooks of statistical
disclosure control call these *linked tables*: they are protected together, by primary
suppression of the small cells and secondary (complementary) suppression chosen across
all of them, so that no hidden cell can be worked out from the published ones.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from peerstod.core.suppression.cells import Cell, threshold


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
    # numpy only when a report is suppressed, not when the URLconf is imported
    from peerstod.core.suppression._hypercube import Hypercube

    limit = threshold(limit)
    return Hypercube(counts, views, measures, steps, protect or {}, limit).run()
