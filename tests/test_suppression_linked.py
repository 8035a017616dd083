"""Linked tables (issue 14): every view a reader can ask for is suppressed together, so
that no hidden cell of any view is given away by all the others.

The property tests build small random tables (groups × categories, views that cross
each other, a view that keeps only some categories, nested steps and a reason) and
check the promise by brute force: every table of whole numbers ≥ 0 that agrees with
everything published is enumerated, and each hidden cell must take at least two values
among them. Nothing from the implementation is used for that check."""

from itertools import product

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerstod.core.suppression import Cell, Reason, Slice, suppress_linked, suppress_nested

LIMIT = 3
# A category: (how far, how it ended). Steps count how far; the reason counts endings.
CATEGORIES = [(0, ""), (0, "r"), (1, ""), (1, "r"), (2, "")]
MEASURES = {
    "s0": [c for c in CATEGORIES if c[0] >= 0],
    "s1": [c for c in CATEGORIES if c[0] >= 1],
    "s2": [c for c in CATEGORIES if c[0] >= 2],
    "r": [c for c in CATEGORIES if c[1] == "r"],
}
STEPS = ["s0", "s1", "s2"]


def slice_of(view):
    return view if isinstance(view, Slice) else Slice(view)


def cells_of(counts, views, protect):
    """Every published cell and protected count: key → (the (group, category) pairs it
    adds up, its true value)."""
    found = {}
    for name, view in [*views.items(), *[(("protected", p), v) for p, v in protect.items()]]:
        part = slice_of(view)
        for measure, categories in MEASURES.items():
            keep = [c for c in categories if part.categories is None or c in part.categories]
            pairs = [(g, c) for g in part.groups for c in keep if c in counts[g]]
            found[(name, measure)] = (pairs, sum(counts[g][c] for g, c in pairs))
    return found


def every_table(counts, published):
    """All tables of whole numbers ≥ 0 on the possible (group, category) pairs that agree
    with the published cells. A pair no published cell holds can be anything; trying up
    to one above its true value is enough to show that it moves."""
    variables = [(g, c) for g in counts for c in counts[g]]
    constraints = [(set(pairs), value) for pairs, value in published]
    bound = []
    for v in variables:
        holding = [value for pairs, value in constraints if v in pairs]
        bound.append(min(holding) if holding else counts[v[0]][v[1]] + 1)
    uses = [[i for i, (pairs, _) in enumerate(constraints) if v in pairs] for v in variables]
    total = [0] * len(constraints)
    room = [
        sum(bound[j] for j, v in enumerate(variables) if v in pairs) for pairs, _ in constraints
    ]
    table = [0] * len(variables)

    def search(i):
        if i == len(variables):
            yield dict(zip(variables, table, strict=True))
            return
        for value in range(bound[i] + 1):
            for c in uses[i]:
                total[c] += value
                room[c] -= bound[i]
            if all(total[c] <= constraints[c][1] <= total[c] + room[c] for c in uses[i]):
                table[i] = value
                yield from search(i + 1)
            for c in uses[i]:
                total[c] -= value
                room[c] += bound[i]

    yield from search(0)


def given_away(counts, views, protect, result):
    """Hidden cells and small protected counts that take a single value in every table
    that agrees with what is published."""
    cells = cells_of(counts, views, protect)
    published = [cells[(v, m)] for v in views for m in MEASURES if not result[v][m].suppressed]
    targets = {
        key: pairs
        for key, (pairs, value) in cells.items()
        if (key[0] in views and result[key[0]][key[1]].suppressed)
        or (key[0] not in views and 0 < value < LIMIT)
    }
    seen = {key: set() for key in targets}
    for table in every_table(counts, published):
        for key, pairs in targets.items():
            seen[key].add(sum(table[p] for p in pairs))
        if all(len(values) > 1 for values in seen.values()):
            return []
    return sorted(str(key) for key, values in seen.items() if len(values) < 2)


@st.composite
def worlds(draw):
    n = draw(st.integers(2, 3))
    groups = [f"g{i}" for i in range(n)]
    counts = {}
    for g in groups:
        possible = draw(st.lists(st.sampled_from(CATEGORIES), min_size=1, max_size=4, unique=True))
        counts[g] = {c: draw(st.integers(0, 3)) for c in possible}
    views = {"all": groups, **{("one", g): [g] for g in groups}}
    # A second way to split the same groups (a year, when calls are the first).
    cut = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    for side in (True, False):
        members = [g for g, c in zip(groups, cut, strict=True) if c is side]
        if members and len(members) < n:
            views[("side", side)] = members
    # A view that keeps only some categories of every group (a cohort).
    if draw(st.booleans()):
        kept = draw(st.lists(st.sampled_from(CATEGORIES), min_size=1, max_size=3, unique=True))
        views["kept"] = Slice(groups, kept)
    protect = {}
    if draw(st.booleans()):
        protect["rest"] = Slice(groups, [c for c in CATEGORIES if c[1] == "r"])
    return counts, views, protect


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds())
def test_no_hidden_cell_of_any_view_is_determined_by_all_that_is_published(world):
    counts, views, protect = world
    result = suppress_linked(counts, views, MEASURES, steps=STEPS, protect=protect, limit=LIMIT)
    cells = cells_of(counts, views, protect)
    for view in views:
        for measure in MEASURES:
            cell, (_pairs, value) = result[view][measure], cells[(view, measure)]
            if 0 < value < LIMIT:
                assert cell.suppressed and cell.reason == Reason.SMALL
            if not cell.suppressed:
                assert cell.value == value
        shown = [result[view][s].value for s in STEPS if not result[view][s].suppressed]
        assert all(a - b == 0 or a - b >= LIMIT for a, b in zip(shown, shown[1:], strict=False))
    assert given_away(counts, views, protect, result) == []


def test_the_brute_force_finds_a_cell_that_subtraction_gives_away():
    """The check itself: a parent and all but one of its parts, shown, pin the last."""
    counts = {"a": {(0, ""): 2}, "b": {(0, ""): 9}, "c": {(0, ""): 7}}
    views = {"all": ["a", "b", "c"], "a": ["a"], "b": ["b"], "c": ["c"]}
    primary_only = {
        view: {
            m: Cell(None, Reason.SMALL) if view == "a" and m == "s0" else Cell(0) for m in MEASURES
        }
        for view in views
    }
    assert given_away(counts, views, {}, primary_only) == ["('a', 's0')"]


def test_everything_minus_the_other_calls_does_not_give_away_a_small_call():
    """The finding of issue 14: the unfiltered funnel minus its per-call views gave
    back a call's hidden steps (screened 4, interviewed 2, admitted 1)."""
    counts = {
        "small": {(0, ""): 2, (1, ""): 1, (2, ""): 1, (0, "r"): 3},  # applied 7
        "b": {(0, ""): 10, (1, ""): 8, (2, ""): 12, (0, "r"): 5},
        "c": {(0, ""): 9, (1, ""): 6, (2, ""): 9, (0, "r"): 6},
    }
    views = {"all": list(counts), **{g: [g] for g in counts}}
    result = suppress_linked(counts, views, MEASURES, steps=STEPS, limit=5)
    assert [str(result["small"][s]) for s in STEPS] == ["7", "–", "–"]
    for step in ("s1", "s2"):
        parts = [result[v][step] for v in ("all", "b", "c")]
        # Not everything and both other calls may be shown: one more is hidden.
        assert any(cell.suppressed for cell in parts)
    assert given_away(counts, views, {}, result) == []


def test_a_reason_and_the_steps_do_not_give_away_a_hidden_step():
    """Everybody who left before the second step left for the one reason; with the
    reason and the first step shown, the second would follow."""
    counts = {"a": {(0, "r"): 6, (1, ""): 2, (2, ""): 9}, "b": {(0, "r"): 7, (1, ""): 8}}
    views = {"all": ["a", "b"], "a": ["a"], "b": ["b"]}
    result = suppress_linked(counts, views, MEASURES, steps=STEPS, limit=5)
    assert result["a"]["s2"].suppressed  # 11 → 9: two left between the steps
    assert given_away(counts, views, {}, result) == []


def test_zeros_are_shown_and_a_lone_view_is_just_suppress_nested():
    counts = {"a": {(0, ""): 9, (1, ""): 0, (2, ""): 6, (1, "r"): 0}}
    result = suppress_linked(counts, {"all": ["a"]}, MEASURES, steps=STEPS, limit=5)
    nested = suppress_nested({"s0": 15, "s1": 6, "s2": 6}, limit=5)
    assert [result["all"][s] for s in STEPS] == list(nested.values())
    assert result["all"]["r"].value == 0


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ({"a": {(0, ""): -1}}, "whole number"),
        ({"a": {(0, ""): 1.5}}, "whole number"),
        ({"a": {(0, ""): True}}, "whole number"),
    ],
)
def test_bad_counts_are_refused(counts, message):
    with pytest.raises(ValueError, match=message):
        suppress_linked(counts, {"all": ["a"]}, MEASURES, steps=STEPS, limit=5)


def test_a_view_of_an_unknown_group_or_steps_that_grow_are_refused():
    with pytest.raises(ValueError, match="without counts"):
        suppress_linked({"a": {}}, {"all": ["a", "x"]}, MEASURES, limit=5)
    with pytest.raises(ValueError, match="larger than the step before"):
        suppress_linked({"a": {(0, ""): 1}}, {"all": ["a"]}, MEASURES, steps=["s2", "s0"], limit=5)
    with pytest.raises(ValueError):
        suppress_linked({"a": {}}, {"all": ["a"]}, MEASURES, limit=2)


def test_forty_calls_over_ten_years_are_suppressed_together():
    """A size the audit must manage without a solver: forty calls of a network over ten
    years, fifty-one views."""
    counts = {}
    for call, (k, e) in product(range(40), CATEGORIES):
        counts.setdefault(call, {})[(k, e)] = (call * 7 + k * 3 + len(e)) % 9
    views = {"all": list(counts)}
    views.update({("call", c): [c] for c in counts})
    views.update({("year", y): [c for c in counts if c // 4 == y] for y in range(10)})
    result = suppress_linked(counts, views, MEASURES, steps=STEPS, limit=5)
    assert len(result.cells) == 51


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds(), st.data())
def test_the_sums_of_a_few_changes_equal_the_sums_of_the_changed_grid(world, data):
    """The second tables are checked by what a few changes move (`_change_sums`); that
    must be exactly what summing the whole changed grid again gives."""
    from peerstod.core.suppression._hypercube import Hypercube  # the method's internals

    counts, views, protect = world
    cube = Hypercube(counts, views, MEASURES, STEPS, protect, LIMIT)
    rows, columns = cube.grid.shape
    changes = data.draw(
        st.lists(
            st.tuples(st.integers(0, rows - 1), st.integers(0, columns - 1), st.integers(-2, 2)),
            min_size=1,
            max_size=4,
        )
    )
    grid = cube.grid.copy()
    for g, k, step in changes:
        grid[g, k] += step
    assert (cube._change_sums(changes) == cube._sums(grid) - cube.value).all()
