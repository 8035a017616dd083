"""One way to change state: the use case.

Every public service that writes is decorated with `@use_case`:

- it runs in one transaction (`durable` when it is the outermost, so a caller cannot
  wrap it in a larger transaction by mistake and delay its side effects); a nested use
  case runs in a savepoint of its caller;
- it must leave at least one audit row (`core.audit.record`) when it wrote anything,
  or it fails: a change nobody can trace is a bug;
- side effects (mail, notifications) are registered with `on_commit` and run only once
  the transaction has committed, never inside the request's fate (`robust`: a failing
  side effect is logged, not raised).

Validation comes first in the function body; because the whole body is one
transaction, a check that fails after a write still leaves nothing half-saved.

`WriteGuardMiddleware` (on in DEBUG and in the tests) refuses any INSERT, UPDATE or
DELETE during a request that does not happen inside a use case, so a view or a helper
that writes on its own is found by the first test that reaches it.
"""

from __future__ import annotations

import contextvars
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection, transaction

logger = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])


class UseCaseError(RuntimeError):
    """A programming error: a write outside a use case, or a use case without audit."""


@dataclass
class _State:
    name: str
    writes: int = 0
    audits: int = 0


_current: contextvars.ContextVar[_State | None] = contextvars.ContextVar("use_case", default=None)
_trusted: contextvars.ContextVar[bool] = contextvars.ContextVar("trusted_writes", default=False)

_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([\w.]+)"?', re.IGNORECASE)

# Tables the framework writes itself: sessions, lockout records, cache and rate counters,
# the gathered read audit, Django's admin log, the outbox's delivery bookkeeping.
FRAMEWORK_TABLES = {
    "django_session",
    "axes_accessattempt",
    "axes_accessfailurelog",
    "axes_accesslog",
    "peerstod_cache",
    "core_auditevent",
    "django_admin_log",
    "notifications_outboxmail",
    # A repeated one-time key is refused by its unique index: not a change.
    "core_idempotencykey",
}


def use_case(func: F) -> F:
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        outer = _current.get()
        if outer is not None:
            with transaction.atomic():
                return func(*args, **kwargs)
        state = _State(name=f"{func.__module__}.{func.__qualname__}")
        token = _current.set(state)
        try:
            with (
                connection.execute_wrapper(_counter(state)),
                transaction.atomic(durable=not connection.in_atomic_block),
            ):
                result = func(*args, **kwargs)
                if state.writes and not state.audits:
                    raise UseCaseError(f"{state.name} changed data without an audit row.")
            return result
        finally:
            _current.reset(token)

    wrapper.is_use_case = True  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


def _counter(state: _State):
    def count(execute, sql, params, many, context):
        found = _WRITE.match(sql)
        if found and found.group(1) not in FRAMEWORK_TABLES:
            state.writes += 1
        return execute(sql, params, many, context)

    return count


def audited() -> None:
    """Called by `audit.record`: the running use case has its audit row."""
    state = _current.get()
    if state is not None:
        state.audits += 1


def writes_so_far() -> int:
    """How many writes the running use case has made (0 outside one)."""
    state = _current.get()
    return state.writes if state is not None else 0


def in_use_case() -> bool:
    return _current.get() is not None or _trusted.get()


def on_commit(callback: Callable[[], Any]) -> None:
    """Run `callback` after the surrounding transaction commits; a failure is logged."""
    transaction.on_commit(callback, robust=True)


class trusted_writes:
    """Writes by the framework's own machinery that are audited elsewhere (for example
    the login signal). Use sparingly; say why at the call site."""

    def __enter__(self):
        self._token = _trusted.set(True)

    def __exit__(self, *exc):
        _trusted.reset(self._token)


class WriteGuardMiddleware:
    """Refuse writes during a request that do not happen inside a use case."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not getattr(settings, "STRICT_WRITES", False):
            return self.get_response(request)
        with connection.execute_wrapper(_guard):
            return self.get_response(request)


def _guard(execute, sql, params, many, context):
    found = _WRITE.match(sql)
    if found and found.group(1) not in FRAMEWORK_TABLES and not in_use_case():
        raise UseCaseError(f"A write outside a use case: {sql[:120]}")
    return execute(sql, params, many, context)
