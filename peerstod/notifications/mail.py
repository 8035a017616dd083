"""Mail through the outbox: queued in the change's transaction, sent after commit,
retried by `peerstod outbox` (run every few minutes by the timer) with growing pauses.

A request never fails because the mail server is down: the change is kept, the mail
waits in the outbox and goes when the server is back.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from peerstod.core import usecase
from peerstod.notifications.models import OutboxMail

logger = logging.getLogger(__name__)

# Pauses between attempts: 1, 5, 15 minutes, 1, 4 and 12 hours; then it is given up.
BACKOFF = [timedelta(minutes=m) for m in (1, 5, 15, 60, 240, 720)]


def mail_queue(
    *, to: Iterable[str], subject: str, body: str, headers: dict[str, str] | None = None
) -> list[OutboxMail]:
    """Queue one mail per recipient in the current transaction; send after commit."""
    queued = [
        OutboxMail.objects.create(
            to=address, subject=subject[:300], body=body, headers=headers or {}
        )
        for address in dict.fromkeys(a.strip() for a in to if a and a.strip())
    ]
    ids = [m.pk for m in queued]
    if ids:
        usecase.on_commit(lambda: deliver(ids=ids))
    return queued


def deliver(*, ids: list[int] | None = None, now: datetime | None = None) -> dict[str, int]:
    """Try to send queued mail (the given ones, or every one that is due)."""
    now = now or timezone.now()
    due = OutboxMail.objects.filter(sent_at__isnull=True, failed_at__isnull=True)
    due = due.filter(pk__in=ids) if ids is not None else due.filter(next_attempt_at__lte=now)
    counts = {"sent": 0, "waiting": 0, "given_up": 0}
    pending = list(due.order_by("pk")[:500])
    if not pending:
        return counts
    try:
        connection = get_connection(fail_silently=False)
        connection.open()
    except Exception as error:  # noqa: BLE001 - any failure to reach the server waits
        for mail in pending:
            counts[_failed(mail, error, now)] += 1
        return counts
    try:
        for mail in pending:
            message = EmailMessage(
                mail.subject,
                mail.body,
                settings.DEFAULT_FROM_EMAIL,
                [mail.to],
                headers=mail.headers or None,
                connection=connection,
            )
            try:
                message.send()
            except Exception as error:  # noqa: BLE001 - this one waits, the others go on
                counts[_failed(mail, error, now)] += 1
                continue
            with transaction.atomic():
                OutboxMail.objects.filter(pk=mail.pk).update(
                    sent_at=timezone.now(), body="", attempts=mail.attempts + 1, last_error=""
                )
            counts["sent"] += 1
    finally:
        with contextlib.suppress(Exception):  # closing a broken connection
            connection.close()
    return counts


def _failed(mail: OutboxMail, error: Exception, now: datetime) -> str:
    attempts = mail.attempts + 1
    logger.warning("mail %s not sent (attempt %s): %s", mail.pk, attempts, type(error).__name__)
    fields = {"attempts": attempts, "last_error": f"{type(error).__name__}: {error}"[:300]}
    if attempts > len(BACKOFF):
        fields.update(failed_at=now, body="")
        outcome = "given_up"
    else:
        fields["next_attempt_at"] = now + BACKOFF[attempts - 1]
        outcome = "waiting"
    with transaction.atomic():
        OutboxMail.objects.filter(pk=mail.pk).update(**fields)
    return outcome
