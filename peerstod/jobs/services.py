"""Starting a background job and recording how it went. The queue (django-tasks with
its database backend; `settings.TASKS`) carries only the job's id; everything the owner
sees is on the `Job` row, written here."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from peerstod.core import audit
from peerstod.core.usecase import use_case
from peerstod.jobs import actions, registry
from peerstod.jobs.models import Job, Status
from peerstod.notifications.services import notify


@use_case
def job_start(
    *,
    actor,
    kind: str,
    title: str,
    params: dict[str, Any],
    organisation=None,
    back_url: str = "",
) -> Job:
    """Queue a job of `kind` for `actor`. The caller has checked that the actor may ask
    for it; the job function checks again what it reads. The job is queued when the
    transaction commits, so a worker never looks for a row that is not there yet."""
    registry.function_of(kind)  # an unknown kind fails here, not in the worker
    job = Job.objects.create(
        kind=kind,
        title=title[:200],
        owner=actor,
        organisation=organisation,
        params={**params, "owner_id": actor.pk},
        back_url=back_url,
    )
    audit.record(actor=actor, action=actions.STARTED, obj=job, organisation=organisation, kind=kind)
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int) -> None:
    from peerstod.jobs.tasks import run_job  # the queue is loaded only when a job is queued

    run_job.enqueue(job_id)


@use_case
def job_finish(
    job: Job, *, ok: bool, output: registry.Output | None = None, problem: str = ""
) -> None:
    """Record how a job ended (its file or its problem), with its audit row, and tell
    the owner. Called by the worker (`runner.run`)."""
    fields: dict[str, Any] = {
        "status": Status.DONE if ok else Status.FAILED,
        "finished_at": timezone.now(),
        "percent": 100 if ok else 0,
        "problem": problem,
    }
    if output is not None:
        fields.update(
            filename=output.filename, content_type=output.content_type, output=output.data
        )
    Job.objects.filter(pk=job.pk).update(**fields)
    audit.record(
        actor=None,
        action=actions.FINISHED if ok else actions.FAILED,
        obj=job,
        organisation=job.organisation,
        kind=job.kind,
    )
    # The worker has no request, so no language of its own: the notice is in Swedish,
    # as the platform is (users have no stored language yet).
    with translation.override(settings.LANGUAGE_CODE):
        text = (_("Done: %(title)s") if ok else _("Could not be finished: %(title)s")) % {
            "title": job.title
        }
    # In the app always; by mail only when the owner has waited long enough to have left
    # the page (a quick job is seen done on the page itself: a mail for it is noise).
    waited = timezone.now() - job.created_at
    mail = waited > timedelta(seconds=settings.JOBS_MAIL_AFTER_SECONDS)
    notify(
        job.owner, f"job-{job.pk}", timezone.localdate(), text, job.get_absolute_url(), mail=mail
    )


LOST = _lazy("The job stopped before it was finished (the server was restarted). Start it again.")
NEVER_STARTED = _lazy(
    "No background worker took the job within a day, so it was stopped. Ask your IT "
    "department to start the worker (peerstod worker), then start the job again."
)


@use_case
def jobs_fail_lost(*, now: datetime | None = None) -> int:
    """Mark as failed the jobs that have been running longer than any job may (their
    worker died or was stopped), and those that no worker took within
    JOBS_QUEUED_LIMIT_HOURS (none is running): their owners see what to do instead of a
    page that waits for ever, and what they uploaded for the job can be deleted. Run by
    the worker when it starts and by `peerstod purge`."""
    now = now or timezone.now()
    running_limit = now - timedelta(minutes=settings.JOBS_RUNNING_LIMIT_MINUTES)
    queued_limit = now - timedelta(hours=settings.JOBS_QUEUED_LIMIT_HOURS)
    stopped = 0
    for status, since, message in (
        (Status.RUNNING, Q(started_at__lt=running_limit), LOST),
        (Status.QUEUED, Q(created_at__lt=queued_limit), NEVER_STARTED),
    ):
        found = Job.objects.filter(since, status=status).only("pk", "kind", "code", "organisation")
        with translation.override(settings.LANGUAGE_CODE):
            problem = str(message)
        for job in list(found):
            # Only if it is still so: a worker may take a waiting job meanwhile.
            if not Job.objects.filter(pk=job.pk, status=status).update(
                status=Status.FAILED, finished_at=now, percent=0, problem=problem
            ):
                continue
            stopped += 1
            audit.record(
                actor=None,
                action=actions.FAILED,
                obj=job,
                organisation=job.organisation,
                kind=job.kind,
                lost=True,
            )
    return stopped


@use_case
def job_file_delete(*, actor, job: Job) -> None:
    """The owner deletes a finished job's file at once (printed slips, once printed, need
    not wait for the purge). Only the owner's own job (`selectors.job_get`)."""
    if job.owner_id != actor.pk:
        raise PermissionDenied
    Job.objects.filter(pk=job.pk).update(output=None, filename="", content_type="")
    audit.record(actor=actor, action=actions.FILE_DELETED, obj=job, organisation=job.organisation)


@use_case
def jobs_purge(*, now: datetime | None = None) -> dict[str, int]:
    """The retention purge of jobs: lost jobs are marked failed, and finished jobs older
    than JOBS_KEEP_DAYS are deleted with their files (a PDF of slips, an export). Running
    it twice changes nothing the second time."""
    now = now or timezone.now()
    failed = jobs_fail_lost(now=now)
    old = Job.objects.filter(
        status__in=[Status.DONE, Status.FAILED],
        finished_at__lt=now - timedelta(days=settings.JOBS_KEEP_DAYS),
    )
    ids = set(old.values_list("pk", flat=True))
    for kind, hours in registry.short_lived().items():
        ids |= set(
            Job.objects.filter(
                kind=kind,
                status__in=[Status.DONE, Status.FAILED],
                finished_at__lt=now - timedelta(hours=hours),
            ).values_list("pk", flat=True)
        )
    if ids:
        Job.objects.filter(pk__in=ids).delete()
    deleted = len(ids)
    removed: dict[str, Any] = {"jobs_lost_marked_failed": failed, "job_files_deleted": deleted}
    if deleted:
        audit.record(actor=None, action=actions.PURGED, **removed)
    return removed
