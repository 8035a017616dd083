"""Validity periods: rows that hold from a first day to a last day (open when empty).

Memberships, agreements, employments, assignments and schedules all say "valid on a
day" the same way; these helpers write that filter, and the constraint that a period
does not end before it starts, once.

    Employment.objects.filter(valid_on(day, "starts_on", "ends_on"))
    Agreement.objects.filter(not_ended(day, "ends_on"))
"""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import F, Q


def not_ended(day: date | F, end: str = "valid_to") -> Q:
    """The period's last day is empty (open) or on or after `day`."""
    return Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": day})


def valid_on(day: date | F, start: str = "valid_from", end: str = "valid_to") -> Q:
    """The period includes `day`: started on or before it and not ended before it."""
    return Q(**{f"{start}__lte": day}) & not_ended(day, end)


def overlaps(first: date, last: date | None, start: str = "starts_on", end: str = "ends_on") -> Q:
    """The period shares at least one day with `first`..`last` (`last` empty: open)."""
    found = not_ended(first, end)
    if last is not None:
        found &= Q(**{f"{start}__lte": last})
    return found


def ends_after_start(name: str, start: str = "starts_on", end: str = "ends_on"):
    """A check constraint: a period's last day is empty or not before its first."""
    return models.CheckConstraint(condition=not_ended(F(start), end), name=name)
