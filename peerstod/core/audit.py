"""Writing the audit log. Reads of personal data and every change call `record`."""

from __future__ import annotations

from typing import Any

from django.db import models

from peerstod.core.models import AuditEvent


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    organisation: Any = None,
    **detail: Any,
) -> AuditEvent:
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=user,
        actor_label=user.email if user else "anonymous",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_ref=str(getattr(obj, "code", None) or getattr(obj, "pk", "") or ""),
        organisation=organisation,
        detail=detail,
    )
