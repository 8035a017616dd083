"""Forum för inflytande: the patients' own forum, minutes that reach the manager for
certain, and suggestions followed to a decision (seed 003)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from peerstod.core.fields import CodeField, GuardedCharField, GuardedTextField
from peerstod.forum.individual_care import general_topics_only


class Topic(models.TextChoices):
    ENVIRONMENT = "environment", _("The physical environment")
    STAFF_CONDUCT = "staff_conduct", _("How staff treat us")
    ACTIVITY = "activity", _("Activity proposal")
    WELL_BEING = "well_being", _("Well-being on the unit")
    IMPROVEMENT = "improvement", _("Improvement suggestion")
    ANSWER = "answer", _("Answer from the manager")


class Guest(models.TextChoices):
    DEBT_ADVISER = "debt_adviser", _("Budget and debt adviser")
    USER_ASSOCIATION = "user_association", _("User association")
    PATIENT_COMMITTEE = "patient_committee", _("Patient committee")
    NURSE = "nurse", _("Nurse")
    OCCUPATIONAL_THERAPIST = "occupational_therapist", _("Occupational therapist")
    DIETITIAN = "dietitian", _("Dietitian")
    PHYSIOTHERAPIST = "physiotherapist", _("Physiotherapist")
    UNIT_MANAGER = "unit_manager", _("Unit manager")
    NEW_STAFF = "new_staff", _("New staff")
    OTHER = "other", _("Other guest")


class Forum(models.Model):
    unit = models.OneToOneField("orgs.Unit", on_delete=models.CASCADE, related_name="forum")
    public_code = CodeField()
    weekday = models.PositiveSmallIntegerField(_("weekday"), default=4)
    starts_at = models.TimeField(_("starts"))
    ends_at = models.TimeField(_("ends"))
    place = GuardedCharField(_("place"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("forum")
        verbose_name_plural = _("forums")

    def __str__(self) -> str:
        return f"Forum {self.unit}"


class Meeting(models.Model):
    code = CodeField()
    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField(_("date"))
    patients_present = models.PositiveSmallIntegerField(
        _("patients present"), default=0, validators=[MaxValueValidator(200)]
    )
    guests = models.JSONField(_("guests"), default=list, blank=True)
    minutes = GuardedTextField(
        _("minutes of the meeting"), blank=True, max_length=8000, validators=[general_topics_only]
    )
    locked_at = models.DateTimeField(_("closed and locked"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("forum meeting")
        verbose_name_plural = _("forum meetings")
        ordering = ["-held_on"]
        constraints = [
            models.UniqueConstraint(fields=["forum", "held_on"], name="forum_meeting_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.forum} {self.held_on}"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    text = GuardedCharField(_("item"), max_length=300, validators=[general_topics_only])
    suggestion = models.ForeignKey(
        "forum.Suggestion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agenda_items",
    )

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text


class Addendum(models.Model):
    """A correction to locked minutes. The original stays as it was."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="addenda")
    text = GuardedTextField(_("addendum"), max_length=2000, validators=[general_topics_only])
    created_at = models.DateTimeField(auto_now_add=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("addendum")
        verbose_name_plural = _("addenda")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.meeting} +"


class Delivery(models.Model):
    """The minutes delivered to one manager: sent, read, acknowledged, escalated."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="deliveries")
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_deliveries"
    )
    sent_at = models.DateTimeField(_("sent"))
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery of minutes")
        verbose_name_plural = _("deliveries of minutes")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "manager"], name="delivery_once"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} → {self.manager}"


class Status(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    NEW = "new", _("New")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    NEEDS_INFO = "needs_info", _("Needs more information")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class Suggestion(models.Model):
    code = CodeField()
    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="suggestions")
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="suggestions"
    )
    from_box = models.BooleanField(default=False, editable=False)
    topic = models.CharField(
        _("topic"), max_length=20, choices=Topic.choices, default=Topic.IMPROVEMENT
    )
    text = GuardedCharField(_("suggestion"), max_length=500, validators=[general_topics_only])
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NEW
    )
    answer = GuardedTextField(_("answer"), blank=True, max_length=1000)
    created_on = models.DateField(_("raised"))
    answered_on = models.DateField(_("answered"), null=True, blank=True)
    done_on = models.DateField(_("done"), null=True, blank=True)

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["-created_on", "-id"]

    def __str__(self) -> str:
        return self.text
