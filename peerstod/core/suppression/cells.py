"""The pieces every rule of `core.suppression` shares: the threshold, what a published
cell is, the margin key, the check of a count and complementary suppression of lines that
sum to a total."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
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


def threshold(value: int | None = None) -> int:
    chosen = settings.SUPPRESSION_THRESHOLD if value is None else value
    if chosen < MINIMUM_THRESHOLD:
        raise ValueError(f"The suppression threshold may not be below {MINIMUM_THRESHOLD}.")
    return chosen


def is_small(value: int, limit: int) -> bool:
    return 0 < value < limit


def check_count(value: object, what: str) -> None:
    """A count is a whole number ≥ 0 (not a bool, not a float); `what` names it."""
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"Count for {what} must be a whole number ≥ 0, not {value!r}.")


TOTAL = object()  # the margin key, in rows and in columns


def margin_lines(rows: Sequence[Hashable], columns: Sequence[Hashable]) -> list[list[tuple]]:
    """Every row and every column of a table extended with its margins (`TOTAL`): each is
    one equation "parts sum to the total"."""
    all_rows, all_columns = [*rows, TOTAL], [*columns, TOTAL]
    lines = [[(r, c) for c in all_columns] for r in all_rows]
    lines += [[(r, c) for r in all_rows] for c in all_columns]
    return lines


def complement(lines, hidden: dict, preference) -> None:
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
