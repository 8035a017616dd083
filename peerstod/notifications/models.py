from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMail(models.Model):
    """A mail waiting to go, or sent. Written in the transaction of the change that
    causes it, so a mail is never lost when the mail server is down and never sent for a
    change that was rolled back. The body is removed once the mail has gone: it may hold
    a private link."""

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Written by the platform from validated addresses and templates: not free text.
    to = models.CharField(max_length=254, editable=False)
    subject = models.CharField(max_length=300, editable=False)
    body = models.TextField(blank=True, editable=False)
    headers = models.JSONField(default=dict, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    failed_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.CharField(max_length=300, blank=True, editable=False)

    class Meta:
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mail")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.subject


class Notification(models.Model):
    """In-app reminder. `key` makes a reminder idempotent for its day."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    key = models.CharField(max_length=120, editable=False)
    day = models.DateField(editable=False)
    text = models.CharField(max_length=300, editable=False)
    url = models.CharField(max_length=200, blank=True, editable=False)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The table it had in supervision, where it began: moving the model moved no rows.
        db_table = "supervision_notification"
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-day", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key", "day"], name="notification_once_a_day"),
        ]

    def __str__(self) -> str:
        return self.text
