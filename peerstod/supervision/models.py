"""Supervision, check-ins, the peer network and self-assessment."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from peerstod.core.fields import CodeField, GuardedCharField, GuardedTextField


class Assignment(models.Model):
    """Which supervisor supervises which peer supporter, for a period."""

    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervisor"),
        on_delete=models.CASCADE,
        related_name="supervisees",
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("peer supporter"),
        on_delete=models.CASCADE,
        related_name="supervisors",
    )
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        verbose_name = _("supervision assignment")
        verbose_name_plural = _("supervision assignments")

    def __str__(self) -> str:
        return f"{self.supervisor} → {self.person}"


class SessionKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    GROUP = "group", _("Group")


class SessionMode(models.TextChoices):
    PLANNED = "planned", _("Planned")
    AS_NEEDED = "as_needed", _("When needed")


class SessionStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Session(models.Model):
    code = CodeField()
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervisor"),
        on_delete=models.PROTECT,
        related_name="supervision_sessions",
    )
    participants = models.ManyToManyField(
        "people.Person", verbose_name=_("peer supporters"), related_name="supervision_sessions"
    )
    kind = models.CharField(
        _("individual or group"),
        max_length=12,
        choices=SessionKind.choices,
        default=SessionKind.INDIVIDUAL,
    )
    mode = models.CharField(
        _("planned or when needed"),
        max_length=12,
        choices=SessionMode.choices,
        default=SessionMode.PLANNED,
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    status = models.CharField(
        _("status"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.BOOKED
    )
    notes = GuardedTextField(
        _("private notes"),
        blank=True,
        max_length=4000,
        help_text=_("Seen only by the supervisor and the peer supporter, never the employer."),
    )

    class Meta:
        verbose_name = _("supervision session")
        verbose_name_plural = _("supervision sessions")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_start",
                violation_error_message=_("It must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M}"


class Request(models.Model):
    """A peer supporter asks for supervision when needed."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="supervision_requests"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    message = GuardedCharField(_("what it is about (voluntary)"), max_length=300, blank=True)
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("supervision request")
        verbose_name_plural = _("supervision requests")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.person} {self.created_at:%Y-%m-%d}"


class CheckIn(models.Model):
    """A check-in meeting with the employer: the manager, section leader or developer."""

    code = CodeField()
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("peer supporter"),
        on_delete=models.CASCADE,
        related_name="check_ins",
    )
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="check_ins"
    )
    held_on = models.DateField(_("date"))
    attendees = models.JSONField(_("who took part"), default=list)

    class Meta:
        verbose_name = _("check-in meeting")
        verbose_name_plural = _("check-in meetings")
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.person} {self.held_on}"


class Attendee(models.TextChoices):
    MANAGER = "manager", _("Unit manager")
    SECTION_LEADER = "section_leader", _("Section leader")
    DEVELOPER = "developer", _("Developer")


class Action(models.Model):
    check_in = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="actions")
    text = GuardedCharField(_("agreed action"), max_length=300)
    due_on = models.DateField(_("due"))
    done_on = models.DateField(_("done"), null=True, blank=True)

    class Meta:
        verbose_name = _("agreed action")
        verbose_name_plural = _("agreed actions")
        ordering = ["due_on"]

    def __str__(self) -> str:
        return self.text


class MeetingKind(models.TextChoices):
    NETWORK = "network", _("Peer network meeting")
    FURTHER_TRAINING = "further_training", _("Further-training day")


class NetworkMeeting(models.Model):
    code = CodeField()
    network = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="network_meetings"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices)
    title = GuardedCharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    place = GuardedCharField(_("place"), max_length=200, blank=True)
    invited = models.ManyToManyField(
        "people.Person", verbose_name=_("invited"), blank=True, related_name="network_invitations"
    )
    attended = models.ManyToManyField(
        "people.Person", verbose_name=_("attended"), blank=True, related_name="network_attendance"
    )

    class Meta:
        verbose_name = _("network meeting")
        verbose_name_plural = _("network meetings")
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return self.title


class SelfAssessment(models.Model):
    """Once a month: a short questionnaire of our own about keeping the peer role."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="self_assessments"
    )
    month = models.DateField(_("month"))
    answers = models.JSONField(_("answers"))
    score = models.DecimalField(_("score"), max_digits=3, decimal_places=2)

    class Meta:
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["person", "month"], name="self_assessment_monthly"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.month:%Y-%m}"


class DriftShare(models.Model):
    """The peer supporter's choice to show their drift signal to their unit managers."""

    person = models.OneToOneField(
        "people.Person", on_delete=models.CASCADE, related_name="drift_share"
    )
    shared = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("drift signal sharing")
        verbose_name_plural = _("drift signal sharing")

    def __str__(self) -> str:
        return f"{self.person}: {self.shared}"
