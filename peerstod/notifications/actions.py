"""Audit actions of notifications (core.audit)."""

from django.utils.translation import gettext_lazy as _

from peerstod.core.audit import action

# The code it had when reminders were supervision's: the audit rows written before the
# move carry it, so it is kept.
REMINDED = action("supervision.reminder.sent", _("Reminder sent"))
