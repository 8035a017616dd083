"""Finished jobs and their files are deleted after JOBS_KEEP_DAYS; lost jobs are marked
failed (`services.jobs_purge`)."""

from peerstod.core.retention import purges
from peerstod.jobs import services

purges.register(services.jobs_purge)
