"""The kinds of job the apps declare.

    @job("surveys.slips")
    def slips(progress: Progress, *, round_id: int, count: int) -> Output:
        for i in ...:
            progress(i * 100 // count, _("Slip %(n)s of %(count)s") % {...})
        return Output("lappar.pdf", "application/pdf", data)

The function runs in the worker, outside any request: it receives the job's `params`
as keyword arguments (JSON values: ids, not objects) and must check again what it reads
(the owner's scope is given as `owner_id`). It returns an `Output` (a file for the owner)
or None; a `JobProblem` it raises is shown to the owner in its words; any other error is
logged and shown as a generic failure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Output:
    filename: str
    content_type: str
    data: bytes


class JobProblem(Exception):
    """A failure the owner can understand and act on: its message is shown on the page."""


class Progress(Protocol):
    def __call__(self, percent: int, step: str = "") -> None: ...


JobFunction = Callable[..., Output | None]

_kinds: dict[str, JobFunction] = {}
_keep_hours: dict[str, int] = {}


def job(kind: str, *, keep_hours: int | None = None) -> Callable[[JobFunction], JobFunction]:
    """Declare a kind of job. `keep_hours`: a file that must not outlive its use (printed
    slips carry codes that can still be answered) is deleted this many hours after the
    job finished, instead of after JOBS_KEEP_DAYS."""

    def register(func: JobFunction) -> JobFunction:
        if kind in _kinds and _kinds[kind] is not func:
            raise ValueError(f"job kind {kind!r} is declared twice")
        _kinds[kind] = func
        if keep_hours is not None:
            _keep_hours[kind] = keep_hours
        return func

    return register


def short_lived() -> dict[str, int]:
    """The kinds whose files are kept for fewer hours than the default, and how many."""
    return dict(_keep_hours)


def function_of(kind: str) -> JobFunction:
    return _kinds[kind]


def kinds() -> list[str]:
    return sorted(_kinds)
