"""A job is seen by its owner only."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from peerstod.core import audit
from peerstod.jobs import actions
from peerstod.jobs.models import Job


def job_get(*, user, code: str) -> Job:
    return get_object_or_404(Job.objects.defer("output"), code=code, owner=user)


def job_with_output(*, user, code: str) -> Job:
    """The job with its file, for its owner to download: the download is audited."""
    job = get_object_or_404(Job, code=code, owner=user, output__isnull=False)
    audit.read(actor=user, action=actions.DOWNLOADED, obj=job, organisation=job.organisation)
    return job


def recent_jobs(*, user) -> QuerySet[Job]:
    return Job.objects.defer("output").filter(owner=user)[:20]
