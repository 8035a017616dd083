"""Dates and months from a URL or a form, within the years the platform works in.

`?vecka=9999-12-31` or `?till=0001-01` must give a clear error or the default, never a
500 from date arithmetic that overflows."""

from __future__ import annotations

from datetime import date

FIRST_YEAR = 1990
LAST_YEAR = 2100


def in_range(day: date) -> bool:
    return FIRST_YEAR <= day.year <= LAST_YEAR


def parse_day(value: str | None, default: date | None = None) -> date | None:
    """An ISO date (YYYY-MM-DD) within the working years, else `default`."""
    try:
        day = date.fromisoformat((value or "").strip()[:10])
    except ValueError:
        return default
    return day if in_range(day) else default


def parse_month(value: str | None, default: date | None = None) -> date | None:
    """A month (YYYY-MM) within the working years, as its first day, else `default`."""
    text = (value or "").strip()[:7]
    try:
        year, month = (int(part) for part in text.split("-"))
        day = date(year, month, 1)
    except ValueError:
        return default
    return day if in_range(day) else default
