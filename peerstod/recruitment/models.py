"""Calls, applications and their steps, cohorts, sessions and attendance."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from peerstod.core.fields import CodeField, GuardedCharField, GuardedTextField
from peerstod.people.models import FTE_VALIDATORS, phone_validator


class Call(models.Model):
    """A call for applicants to basic training, for one principal organisation."""

    code = CodeField()
    network = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("network"),
        on_delete=models.PROTECT,
        related_name="calls",
        limit_choices_to={"kind": "network"},
    )
    principal = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("region or municipality"),
        on_delete=models.PROTECT,
        related_name="calls_as_principal",
    )
    title = GuardedCharField(_("title"), max_length=200)
    description = GuardedTextField(
        _("text of the call"),
        max_length=8000,
        help_text=_("What the training is, who can apply and what happens next."),
    )
    opens_on = models.DateField(_("opens"))
    closes_on = models.DateField(_("closes"))
    places = models.PositiveSmallIntegerField(
        _("places"), validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    retention_months = models.PositiveSmallIntegerField(
        _("keep applications for (months after the decision)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-opens_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")),
                name="call_closes_after_opening",
                violation_error_message=_("The call cannot close before it opens."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_open_on(self, day: date) -> bool:
        return self.opens_on <= day <= self.closes_on


class Step(models.TextChoices):
    """The steps of an application, in the order of the funnel."""

    RECEIVED = "received", _("Received")
    SCREENED = "screened", _("Screened")
    INTERVIEW_BOOKED = "interview_booked", _("Interview booked")
    INTERVIEWED = "interviewed", _("Interviewed")
    ADMITTED = "admitted", _("Admitted")
    NOT_ADMITTED = "not_admitted", _("Not admitted")
    ENROLLED = "enrolled", _("Enrolled in a cohort")
    COMPLETED = "completed", _("Completed the training")
    DISCONTINUED = "discontinued", _("Discontinued")
    CERTIFIED = "certified", _("Certified")
    EMPLOYED = "employed", _("Employed")
    WITHDRAWN = "withdrawn", _("Withdrawn by the applicant")


class NotAdmittedReason(models.TextChoices):
    NOT_ELIGIBLE = "not_eligible", _("Does not meet the requirements of the call")
    NOT_READY = "not_ready", _("Not the right time in own recovery")
    NO_SHOW = "no_show", _("Did not come to the interview")
    PLACES_FULL = "places_full", _("No place left in the cohort")
    OTHER = "other", _("Other reason")


class DiscontinuedReason(models.TextChoices):
    OWN_CHOICE = "own_choice", _("Own choice")
    HEALTH = "health", _("Health")
    WORK_OR_STUDIES = "work_or_studies", _("Work or studies elsewhere")
    ASKED_TO_LEAVE = "asked_to_leave", _("Asked to leave the training")
    ATTENDANCE = "attendance", _("Too little attendance")
    OTHER = "other", _("Other reason")


REASONS = list(dict(NotAdmittedReason.choices + DiscontinuedReason.choices).items())


class Application(models.Model):
    """One person's application to one call, and where it stands.

    The personal parts (the person, the texts, the notes) are removed when the
    applicant withdraws or the retention period ends; the steps stay, without
    anything that points to a person, so the funnel still counts right.
    """

    code = CodeField()
    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="applications"
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("applicant"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="applications",
    )
    # What the applicant wrote on the form, kept as written (not editable: no form or
    # admin changes it). It belongs to the application: an existing person is changed
    # only by the recruitment team after review (services.application_contact_apply).
    full_name = GuardedCharField(_("name"), max_length=150, blank=True, editable=False)
    phone = models.CharField(
        _("phone number"),
        max_length=20,
        blank=True,
        editable=False,
        validators=[phone_validator],
    )
    step = models.CharField(_("step"), max_length=20, choices=Step.choices, default=Step.RECEIVED)
    motivation = GuardedTextField(_("why do you want to become a peer supporter?"), max_length=4000)
    lived_experience = GuardedTextField(
        _("your own experience (voluntary)"), max_length=4000, blank=True
    )
    availability = GuardedCharField(_("when can you work?"), max_length=300, blank=True)
    fte_min = models.PositiveSmallIntegerField(
        _("lowest service degree (%)"), validators=FTE_VALIDATORS
    )
    fte_max = models.PositiveSmallIntegerField(
        _("highest service degree (%)"), validators=FTE_VALIDATORS
    )
    areas = models.ManyToManyField(
        "orgs.Organisation",
        verbose_name=_("where you can work"),
        blank=True,
        related_name="+",
    )
    consent_at = models.DateTimeField(_("consent given"))
    status_token_hash = models.CharField(max_length=64, unique=True, null=True, editable=False)
    interview_at = models.DateTimeField(_("interview"), null=True, blank=True)
    cohort = models.ForeignKey(
        "recruitment.Cohort",
        verbose_name=_("cohort"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    reason = models.CharField(_("reason"), max_length=30, blank=True, choices=REASONS)
    submitted_at = models.DateTimeField(_("submitted"))
    decided_at = models.DateTimeField(
        _("final decision"),
        null=True,
        blank=True,
        help_text=_("Not admitted, discontinued, certified or withdrawn: the retention clock."),
    )
    anonymised_at = models.DateTimeField(_("personal data removed"), null=True, blank=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "person"],
                name="application_once_per_call",
                violation_error_message=_("This person has already applied to this call."),
            ),
            models.CheckConstraint(
                condition=Q(fte_min__lte=models.F("fte_max")),
                name="application_fte_range_ordered",
                violation_error_message=_("The lowest service degree cannot be above the highest."),
            ),
        ]
        indexes = [models.Index(fields=["call", "step"], name="application_call_step")]

    def __str__(self) -> str:
        who = self.person or _("(personal data removed)")
        return f"{self.call} – {who}"


class ApplicationEvent(models.Model):
    """One step reached, when and by whom. Never changed, never removed."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="events"
    )
    step = models.CharField(_("step"), max_length=20, choices=Step.choices)
    at = models.DateTimeField(_("when"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=30, blank=True, choices=REASONS)

    class Meta:
        verbose_name = _("application step")
        verbose_name_plural = _("application steps")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["step", "at"], name="application_event_step_at")]

    def __str__(self) -> str:
        return f"{self.get_step_display()} {self.at:%Y-%m-%d}"


class ApplicationNote(models.Model):
    """The recruitment team's notes on an applicant. Removed with the personal data."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, on_delete=models.SET_NULL
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)
    text = GuardedTextField(_("note"), max_length=2000)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d}"


class CohortKind(models.TextChoices):
    BASIC = "basic", _("Basic training")
    FURTHER = "further", _("Further training")
    TRAINER = "trainer", _("Trainer training")


class Cohort(models.Model):
    code = CodeField()
    network = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("network"),
        on_delete=models.PROTECT,
        related_name="cohorts",
        limit_choices_to={"kind": "network"},
    )
    principal = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("for region or municipality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cohorts_as_principal",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CohortKind.choices)
    name = GuardedCharField(_("name"), max_length=200)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    min_attendance_percent = models.PositiveSmallIntegerField(
        _("attendance needed to complete (%)"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("trainers"), blank=True, related_name="cohorts"
    )

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="cohort_ends_after_start",
                violation_error_message=_("The cohort cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    COMPLETED = "completed", _("Completed")
    DISCONTINUED = "discontinued", _("Discontinued")


class Enrolment(models.Model):
    code = CodeField()
    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.PROTECT, related_name="enrolments"
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("participant"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="enrolments",
    )
    application = models.OneToOneField(
        Application,
        verbose_name=_("application"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enrolment",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=EnrolmentStatus.choices,
        default=EnrolmentStatus.ENROLLED,
    )
    ended_on = models.DateField(_("completed or discontinued on"), null=True, blank=True)
    reason = models.CharField(
        _("reason"), max_length=30, blank=True, choices=DiscontinuedReason.choices
    )

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["person__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "person"],
                name="enrolment_once_per_cohort",
                violation_error_message=_("The person is already in this cohort."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.cohort}"


class TrainingSession(models.Model):
    code = CodeField()
    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="sessions"
    )
    day = models.DateField(_("date"))
    topic = GuardedCharField(_("topic"), max_length=200, blank=True)
    place = GuardedCharField(
        pgettext_lazy("training day", "place"),
        max_length=200,
        blank=True,
        help_text=_("Where the day is held, e.g. the address or the room."),
    )

    class Meta:
        verbose_name = _("training day")
        verbose_name_plural = _("training days")
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "day"],
                name="session_once_per_day",
                violation_error_message=_("The cohort already has a training day on this date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cohort} {self.day}"


class Attendance(models.Model):
    session = models.ForeignKey(
        TrainingSession,
        verbose_name=_("training day"),
        on_delete=models.CASCADE,
        related_name="attendance",
    )
    enrolment = models.ForeignKey(
        Enrolment,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="attendance",
    )
    present = models.BooleanField(_("present"))
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    marked_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "enrolment"], name="attendance_once_per_session"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session}: {'x' if self.present else '-'}"
