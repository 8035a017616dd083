"""Uploaded indicator files whose background import never ended are deleted
(`services.import_uploads_purge`): a job that no worker took is stopped after
JOBS_QUEUED_LIMIT_HOURS, one that ran is stopped after JOBS_RUNNING_LIMIT_MINUTES, and
either way its file is deleted when it ends; this removes what is left past both."""

from peerstod.core.retention import purges
from peerstod.outcomes import services

purges.register(services.import_uploads_purge)
