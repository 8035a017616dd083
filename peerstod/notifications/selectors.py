"""Reads of notifications: a user sees only their own."""

from __future__ import annotations

from django.db.models import QuerySet

from peerstod.notifications.models import Notification


def notifications(*, user) -> QuerySet[Notification]:
    """The user's latest reminders, newest first."""
    return Notification.objects.filter(user=user)[:30]
