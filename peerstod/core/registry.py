"""Contributions that apps make to something shared, without the shared thing importing
the apps: the start page's sections (`sections.py`), the daily reminders
(`reminders.py`) and the retention purge (`retention.py`).

Each app that has something to contribute keeps a module of that name and registers
functions in it; the registry imports those modules of every installed app the first
time it is read, the way Django's admin finds `admin.py`. So `core` and `home` never
name a feature app, and an app that is removed takes its contributions with it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class Entry:
    func: Callable[..., Any]
    meta: dict[str, Any] = field(default_factory=dict)


class Registry:
    def __init__(self, module: str):
        self.module = module
        self._entries: list[Entry] = []
        self._discovered = False

    def register(self, func: Callable[..., Any] | None = None, **meta: Any):
        """`@registry.register` or `@registry.register(role=..., order=...)`."""

        def add(f: Callable[..., Any]) -> Callable[..., Any]:
            self._entries.append(Entry(f, meta))
            return f

        return add(func) if func is not None else add

    def entries(self) -> list[Entry]:
        if not self._discovered:
            autodiscover_modules(self.module)
            self._discovered = True
        return list(self._entries)
