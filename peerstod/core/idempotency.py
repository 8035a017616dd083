"""Once only: a POST sent twice changes state once.

A form that creates something carries a hidden one-time key (`OnceField`); the service
claims it inside its use case. The first claim wins; a repeat finds the key taken
(unique constraint, so two requests at the same moment cannot both win) and returns
what the first one made.
"""

from __future__ import annotations

import secrets

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from peerstod.core import audit
from peerstod.core.models import IdempotencyKey
from peerstod.core.tokens import hash_token


def new_key() -> str:
    return secrets.token_urlsafe(18)


def _digest(purpose: str, key: str) -> str:
    return hash_token(f"{purpose}:{key}")


def claim(key: str, *, purpose: str) -> tuple[bool, str]:
    """(True, "") when this key is new; (False, result of the first use) when it was
    used before. An empty key claims nothing (always new)."""
    if not key:
        return True, ""
    digest = _digest(purpose, key[:100])
    try:
        with transaction.atomic():
            IdempotencyKey.objects.create(digest=digest, purpose=purpose)
    except IntegrityError:
        used = IdempotencyKey.objects.filter(digest=digest).values_list("result", flat=True)
        return False, used.first() or ""
    return True, ""


def earlier(queryset, result: str):
    """What the first use made, by the primary key `remember` stored; None if gone.
    `queryset` carries the caller's scope (the same application, employment …)."""
    return queryset.filter(pk=int(result)).first() if result.isdigit() else None


def remember(key: str, *, purpose: str, result: str) -> None:
    """Store what the first use made (an object's code), for the repeats to return."""
    if key:
        IdempotencyKey.objects.filter(digest=_digest(purpose, key[:100])).update(result=result)


class OnceField(forms.CharField):
    """A hidden one-time key; a new one with every form shown."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("initial", new_key)
        kwargs.setdefault("max_length", 100)
        super().__init__(**kwargs)


def repeat_ignored(obj, *, actor, action, organisation, purpose: str, message):
    """A form sent twice: nothing new is made and the first result is returned. The
    repeat is noted in the audit log (`action`), so a double submission can be told
    from a second real one. `obj` None (the first result is gone): `message` as the
    form's error."""
    if obj is None:
        raise ValidationError(message)
    audit.record(
        actor=actor,
        action=action,
        # Named by its code; an object without one is not named by its database id.
        obj=obj if getattr(obj, "code", None) else None,
        organisation=organisation,
        purpose=purpose,
    )
    return obj
