"""Running one job in the worker: the queue's task (`tasks.run_job`) calls `run`.

The worker's bookkeeping (taking the job, its progress) is not a user's change: no use
case and no audit row for it; how the job ended is recorded, audited, by
`services.job_finish`."""

from __future__ import annotations

import logging
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from peerstod.jobs import registry, services
from peerstod.jobs.models import Job, Status

logger = logging.getLogger(__name__)


def _update(job_id: int, **fields: Any) -> None:
    # The worker's bookkeeping of a job it runs: not a user's change, so no use case
    # and no audit row but at the end (`services.job_finish`).
    Job.objects.filter(pk=job_id).update(**fields)


def run(job_id: int) -> None:
    """Run one job in the worker: mark it running, call its function with a progress
    callback, store the file or the problem, and tell the owner."""
    # Run once: the job is taken by one atomic update from waiting to running, so a job
    # queued twice, or found again after a worker's restart, is not done again.
    taken = Job.objects.filter(pk=job_id, status=Status.QUEUED).update(
        status=Status.RUNNING, started_at=timezone.now(), percent=0
    )
    if not taken:
        return
    job = Job.objects.select_related("owner").get(pk=job_id)
    function = registry.function_of(job.kind)

    def progress(percent: int, step: str = "") -> None:
        _update(job_id, percent=max(0, min(99, int(percent))), step=str(step)[:200])

    try:
        output = function(progress, **job.params)
    except registry.JobProblem as problem:
        services.job_finish(job, ok=False, problem=str(problem))
    except Exception:
        logger.exception("background job failed kind=%s job=%s", job.kind, job.pk)
        services.job_finish(
            job,
            ok=False,
            problem=_("Something went wrong and nothing was made. Try again in a moment."),
        )
    else:
        services.job_finish(job, ok=True, output=output)
