"""The audit log: every change and every read of personal data (DESIGN.md rule 5).

Action names are constants, declared once with `action()` in the app that owns them
(`<app>/actions.py`) and passed as objects: `audit.record` refuses a bare string, so a
typo cannot invent an action and the audit page can show each one in words.

Changes call `record` inside their use case (`core.usecase`). Reads of personal data
call `read`: inside a request the reads of one page are gathered and written as one row
when the response is ready (`ReadAuditMiddleware`), so a page that lists applicants and
their cohorts leaves one row saying what it showed; outside a request `read` writes at
once.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.utils.functional import Promise

from peerstod.core.models import AuditEvent


@dataclass(frozen=True)
class Action:
    code: str
    label: str | Promise
    read: bool = False

    def __str__(self) -> str:
        return str(self.label)


_REGISTRY: dict[str, Action] = {}


def action(code: str, label: str | Promise, *, read: bool = False) -> Action:
    """Declare an audit action. The same code may be declared once only."""
    if code in _REGISTRY:
        raise ValueError(f"The audit action {code!r} is declared twice.")
    declared = Action(code, label, read)
    _REGISTRY[code] = declared
    return declared


def known(code: str) -> Action | None:
    return _REGISTRY.get(code)


def label_of(code: str) -> str:
    found = _REGISTRY.get(code)
    return str(found.label) if found else code


def declared() -> list[Action]:
    """Every declared action, for choosing among them in words."""
    return list(_REGISTRY.values())


def object_label_of(object_type: str) -> str:
    """A model label ("recruitment.application") as the model's name in words."""
    from django.apps import apps  # the app registry, ready only after start-up

    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


def _ref(obj: models.Model | None) -> tuple[str, str]:
    if obj is None:
        return "", ""
    return obj._meta.label_lower, str(getattr(obj, "code", None) or getattr(obj, "pk", "") or "")


def _check(action_: Action) -> None:
    if not isinstance(action_, Action):
        raise TypeError(
            f"Audit actions are declared with core.audit.action(), not passed as {action_!r}."
        )


def record(
    *,
    actor: Any,
    action: Action,
    obj: models.Model | None = None,
    organisation: Any = None,
    **detail: Any,
) -> AuditEvent:
    """Write one audit row for a change (or a read outside a request)."""
    _check(action)
    from peerstod.core import usecase  # the use case counts its audit rows

    user = actor if getattr(actor, "is_authenticated", False) else None
    object_type, object_ref = _ref(obj)
    event = AuditEvent.objects.create(
        actor=user,
        actor_label=user.email if user else "anonymous",
        action=action.code,
        object_type=object_type,
        object_ref=object_ref,
        organisation=organisation,
        detail=detail,
    )
    usecase.audited()
    return event


# Reads of personal data ----------------------------------------------------------------


@dataclass
class _Reads:
    actor: Any
    items: list[tuple[Action, str, str, Any, dict]] = field(default_factory=list)


_reads: contextvars.ContextVar[_Reads | None] = contextvars.ContextVar("audit_reads", default=None)


def read(
    *,
    actor: Any,
    action: Action,
    obj: models.Model | None = None,
    organisation: Any = None,
    **detail: Any,
) -> None:
    """Note that personal data was shown or exported to `actor`."""
    _check(action)
    if not action.read:
        raise ValueError(f"{action.code} is not declared as a read (read=True).")
    pending = _reads.get()
    if pending is None:
        _write_read(actor, [(action, *_ref(obj), organisation, detail)])
        return
    pending.items.append((action, *_ref(obj), organisation, detail))


def _write_read(actor: Any, items: list[tuple[Action, str, str, Any, dict]]) -> None:
    first_action, object_type, object_ref, organisation, detail = items[0]
    extra = [
        {"action": a.code, "object": f"{t}:{r}" if t else ""}
        for a, t, r, _o, _d in items[1:]
        if (a, t, r) != (first_action, object_type, object_ref)
    ]
    user = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        AuditEvent.objects.create(
            actor=user,
            actor_label=user.email if user else "anonymous",
            action=first_action.code,
            object_type=object_type,
            object_ref=object_ref,
            organisation=organisation or next((o for *_x, o, _d in items if o), None),
            detail={**detail, **({"also": extra} if extra else {})},
        )


def reads_pending() -> int:
    pending = _reads.get()
    return len(pending.items) if pending else 0


class ReadAuditMiddleware:
    """Gathers the personal-data reads of one request and writes them as one audit row,
    once the response is ready (and only if the page was actually shown)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        pending = _Reads(actor=None)
        token = _reads.set(pending)
        try:
            response = self.get_response(request)
        finally:
            _reads.reset(token)
        if pending.items and response.status_code < 400:
            _write_read(request.user, pending.items)
        return response
