"""The forum's daily reminders (notifications.schedule): minutes a manager has not
acknowledged in time go to the programme coordinators (`services.escalate`)."""

from __future__ import annotations

from datetime import date

from peerstod.forum import services
from peerstod.notifications.schedule import reminders


@reminders.register
def run(today: date) -> dict[str, int]:
    return {"forum_minutes_escalated": services.escalate(today)}
