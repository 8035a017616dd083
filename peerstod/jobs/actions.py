"""Audit actions of background jobs (core.audit)."""

from django.utils.translation import gettext_lazy as _

from peerstod.core.audit import action

STARTED = action("jobs.job.started", _("Background job started"))
FINISHED = action("jobs.job.finished", _("Background job finished"))
FAILED = action("jobs.job.failed", _("Background job failed"))
DOWNLOADED = action("jobs.job.downloaded", _("Result of a background job downloaded"), read=True)
PURGED = action("jobs.job.purged", _("Finished background jobs and their files deleted"))
FILE_DELETED = action("jobs.job.file_deleted", _("File of a background job deleted by its owner"))
