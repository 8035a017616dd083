"""A background job as its owner sees it: what it makes, how far it has come, and the
file it made. The queue itself (django_tasks_db) only knows "run job N"."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peerstod.core.fields import CodeField


class Status(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Job(models.Model):
    code = CodeField()
    # The text fields are written by the platform (the app that starts the job, the
    # worker), never typed into a form: not editable, so no form can offer them.
    kind = models.CharField(_("kind"), max_length=60, editable=False)
    #: what the job makes, in words, as the owner will read it ("Slips for …")
    title = models.CharField(_("title"), max_length=200, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs"
    )
    organisation = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.CASCADE
    )
    params = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    percent = models.PositiveSmallIntegerField(default=0)
    #: where the job is, in words ("Slip 40 of 200")
    step = models.CharField(max_length=200, blank=True, editable=False)
    #: why it failed, in words the owner can act on (never a traceback)
    problem = models.TextField(blank=True, editable=False)
    #: where the owner is taken back to when the job is done (a page of the app)
    back_url = models.CharField(max_length=300, blank=True, editable=False)
    filename = models.CharField(max_length=200, blank=True, editable=False)
    content_type = models.CharField(max_length=100, blank=True, editable=False)
    output = models.BinaryField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("jobs:detail", args=[self.code])

    @property
    def finished(self) -> bool:
        return self.status in (Status.DONE, Status.FAILED)

    @property
    def lost(self) -> bool:
        """Running for longer than any job may: its worker died or was stopped in the
        middle. Shown as failed, to start again (`services.jobs_fail_lost` records it)."""
        limit = timedelta(minutes=settings.JOBS_RUNNING_LIMIT_MINUTES)
        return (
            self.status == Status.RUNNING
            and self.started_at is not None
            and self.started_at < timezone.now() - limit
        )

    @property
    def slow_to_start(self) -> bool:
        """Still waiting after two minutes: the workers are busy, or none is running."""
        return self.status == Status.QUEUED and self.created_at < timezone.now() - timedelta(
            minutes=2
        )
