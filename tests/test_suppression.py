"""Small-number suppression: no hidden count can be recomputed from what is shown."""

import itertools

import pytest
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from peerstod.core.suppression import (
    Reason,
    suppress_counts,
    suppress_nested,
    suppress_table,
    threshold,
)


def test_small_counts_are_hidden_and_zeros_and_large_ones_shown():
    table = suppress_counts({"a": 0, "b": 3, "c": 12, "d": 7}, limit=5)
    shown = {key: cell.value for (key, _), cell in table.cells.items()}
    assert shown["a"] == 0
    assert shown["b"] is None
    assert table.cells[("b", "n")].reason == Reason.SMALL
    assert shown["c"] == 12


def test_a_lone_hidden_cell_gets_a_complementary_one():
    # Total 22 is shown: with only "b" hidden, b = 22 - 0 - 12 - 7 = 3.
    table = suppress_counts({"a": 0, "b": 3, "c": 12, "d": 7}, limit=5)
    hidden = [key for (key, _), cell in table.cells.items() if cell.suppressed]
    assert sorted(hidden) == ["b", "d"]  # the smallest non-zero neighbour
    assert table.cells[("d", "n")].reason == Reason.COMPLEMENTARY
    assert table.total.value == 22
    assert table.cells[("c", "n")].value == 12


def test_a_small_total_is_hidden_with_everything_in_it():
    table = suppress_counts({"a": 2, "b": 1}, limit=5)
    assert table.total.suppressed
    assert all(cell.suppressed for cell in table.cells.values())


def test_the_threshold_comes_from_settings_and_never_goes_below_three():
    with override_settings(SUPPRESSION_THRESHOLD=10):
        assert threshold() == 10
        assert suppress_counts({"a": 9, "b": 40, "c": 30}).cells[("a", "n")].suppressed
    with pytest.raises(ValueError):
        threshold(2)


def test_negative_or_non_integer_counts_are_refused():
    with pytest.raises(ValueError):
        suppress_counts({"a": -1})
    with pytest.raises(ValueError):
        suppress_counts({"a": 2.5})  # type: ignore[dict-item]


def _recoverable(table, counts) -> list:
    """Hidden numbers a reader could compute from one row or column and its total."""
    rows = list(dict.fromkeys(r for r, _ in counts))
    cols = list(dict.fromkeys(c for _, c in counts))
    found = []
    lines = [[table.cells[(r, c)] for c in cols] + [table.row_totals[r]] for r in rows]
    lines += [[table.cells[(r, c)] for r in rows] + [table.column_totals[c]] for c in cols]
    lines.append(list(table.column_totals.values()) + [table.total])
    lines.append(list(table.row_totals.values()) + [table.total])
    for line in lines:
        hidden = [cell for cell in line if cell.suppressed]
        if len(hidden) == 1:
            found.append(line)
    return found


@settings(max_examples=200)
@given(
    st.integers(1, 4),
    st.integers(1, 5),
    st.lists(st.integers(0, 30), min_size=20, max_size=20),
)
def test_no_hidden_count_can_be_worked_out_from_a_line_total(n_rows, n_cols, values):
    keys = list(itertools.product(range(n_rows), range(n_cols)))
    counts = {key: values[i] for i, key in enumerate(keys)}
    table = suppress_table(counts, limit=5)
    for key, value in counts.items():
        cell = table.cells[key]
        if 0 < value < 5:
            assert cell.suppressed
        if not cell.suppressed:
            assert cell.value == value
    assert _recoverable(table, counts) == []


def test_a_nested_step_that_leaves_fewer_than_the_threshold_behind_is_hidden():
    cells = suppress_nested({"applied": 20, "screened": 18, "interviewed": 12, "admitted": 12})
    assert [str(c) for c in cells.values()] == ["20", "–", "12", "12"]
    # What the hidden step hides: 20 − 12 = 8 left between the shown steps, not 2 and 6.
    assert cells["screened"].reason == "complementary"


def test_a_small_nested_step_is_hidden_and_the_next_compares_with_the_last_shown():
    cells = suppress_nested({"a": 9, "b": 3, "c": 0})
    assert [str(c) for c in cells.values()] == ["9", "–", "0"]
    cells = suppress_nested({"a": 9, "b": 6, "c": 5})
    assert [str(c) for c in cells.values()] == ["9", "–", "–"]


@given(st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=8))
def test_every_shown_nested_step_and_every_gap_between_two_is_zero_or_at_least_the_threshold(drops):
    # Build nested steps from a start and the numbers leaving at each step.
    values, current = {}, sum(drops)
    for index, drop in enumerate(drops):
        values[index] = current
        current -= drop
    shown = [c.value for c in suppress_nested(values, limit=5).values() if c.value is not None]
    assert all(v == 0 or v >= 5 for v in shown)
    assert all(a - b == 0 or a - b >= 5 for a, b in zip(shown, shown[1:], strict=False))
