"""Audit actions of the core (core.audit)."""

from django.utils.translation import gettext_lazy as _

from peerstod.core.audit import action

AUDIT_VIEWED = action("core.audit.viewed", _("Audit log viewed"), read=True)
ADMIN_CHANGED = action("core.admin.changed", _("Changed in the administration"))
ADMIN_DELETED = action("core.admin.deleted", _("Deleted in the administration"))
