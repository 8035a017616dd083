"""What each role should do next, as the apps see it: the start page's sections.

An app that has something to show a role on its start page registers a function in its
own `sections.py`:

    @contribute(Role.UNIT_MANAGER, order=10)
    def minutes_to_acknowledge(scope) -> Part | None: ...

The start page (`peerstod.home`) asks every contribution for the roles the user holds,
in role order, and arranges what they return; it knows no app by name. A contribution
reads through its app's scoped selectors only, and returns None when it has nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

from peerstod.core.registry import Registry

# Not a role of a membership: the platform administrator (a superuser).
PLATFORM_ADMIN = "platform_admin"


@dataclass
class Step:
    text: str | Promise
    url: str = ""


@dataclass
class Part:
    """One app's contribution to one role's section: next steps first, then an optional
    fragment (`template`, rendered with `data`)."""

    steps: list[Step] = field(default_factory=list)
    template: str = ""
    data: dict[str, Any] = field(default_factory=dict)


registry = Registry("sections")


def contribute(role: str, *, order: int = 50):
    """Register a function `(scope) -> Part | None` for a role's start-page section."""
    return registry.register(role=role, order=order)


def parts_for(role: str, scope) -> list[Part]:
    found = []
    entries = [e for e in registry.entries() if e.meta["role"] == role]
    for entry in sorted(entries, key=lambda e: e.meta["order"]):
        part = entry.func(scope)
        if part is not None:
            found.append(part)
    return found
