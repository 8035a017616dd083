"""In-app notifications, each with its mail. Any app's reminder goes through `notify`:
it takes the user to tell, never a membership or a role (this layer knows only core)."""

from __future__ import annotations

from datetime import date

from peerstod.core import audit, links
from peerstod.core.usecase import use_case
from peerstod.notifications import actions
from peerstod.notifications.mail import mail_queue
from peerstod.notifications.models import Notification


@use_case
def notify(user, key: str, day: date, text: str, url: str, *, mail: bool = True) -> bool:
    """One reminder: in the app and by mail (unless `mail` is false), at most once per
    user, key and day.

    The notification, its mail (through the outbox) and the audit row are one change; a
    second run the same day finds the notification and changes nothing."""
    notification, created = Notification.objects.get_or_create(
        user=user, key=key, day=day, defaults={"text": text[:300], "url": url}
    )
    if created:
        if mail:
            link = links.absolute(url)
            mail_queue(to=[user.email], subject=text, body=f"{text}\n\n{link}")
        audit.record(actor=None, action=actions.REMINDED, obj=notification, key=key)
    return created
