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

from peerstod.core.suppression.cells import (
    MINIMUM_THRESHOLD,
    TOTAL,
    Cell,
    Reason,
    threshold,
)
from peerstod.core.suppression.linked import Linked, Slice, suppress_linked
from peerstod.core.suppression.people import PeopleTable, suppress_by_people
from peerstod.core.suppression.tables import (
    Table,
    suppress_counts,
    suppress_each,
    suppress_growing,
    suppress_nested,
    suppress_table,
)

__all__ = [
    "MINIMUM_THRESHOLD",
    "TOTAL",
    "Cell",
    "Linked",
    "PeopleTable",
    "Reason",
    "Slice",
    "Table",
    "suppress_by_people",
    "suppress_counts",
    "suppress_each",
    "suppress_growing",
    "suppress_linked",
    "suppress_nested",
    "suppress_table",
    "threshold",
]
