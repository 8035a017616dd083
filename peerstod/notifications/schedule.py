"""The daily reminders: each app that reminds someone of something registers, in its
`reminders.py`, a function `run(today) -> {what: count}` that sends what is due today
through `services.notify`. `peerstod remind` runs them all; a second run the same day
sends nothing twice (a notification is once per user, key and day)."""

from __future__ import annotations

from datetime import date

from peerstod.core.registry import Registry

reminders = Registry("reminders")


def run_all(today: date) -> dict[str, int]:
    sent: dict[str, int] = {}
    for entry in reminders.entries():
        sent.update(entry.func(today))
    return sent
