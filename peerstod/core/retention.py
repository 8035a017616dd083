"""The retention purge (gallring): each app that keeps personal data registers, in its
`retention.py`, a function `purge(*, now) -> {what: count}` that removes or anonymises
what has passed its retention period. `peerstod purge` runs them all; running it twice
changes nothing the second time."""

from __future__ import annotations

from datetime import datetime

from peerstod.core.registry import Registry

purges = Registry("retention")


def purge_all(now: datetime) -> dict[str, int]:
    removed: dict[str, int] = {}
    for entry in purges.entries():
        removed.update(entry.func(now=now))
    return removed
