"""Positions, staff training, unit readiness, matching events and employment."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from peerstod.core.fields import CodeField, GuardedCharField, GuardedTextField
from peerstod.core.periods import not_ended
from peerstod.people.models import FTE_VALIDATORS


class Duty(models.TextChoices):
    """What a peer supporter does, from the role wheel and unit 21's list (seed 003)."""

    CONVERSATIONS = "conversations", _("Conversations with patients")
    ACTIVITIES_FUN = "activities_fun", _("Activities with patients for fun")
    ACTIVITIES_RECOVERY = "activities_recovery", _("Activities with patients for recovery")
    WALKS = "walks", _("Walks with patients")
    FORUM = "forum", _("Forum för inflytande")
    LECTURES = "lectures", _("Lectures and telling about the role")
    FURTHER_TRAINING = "further_training", _("Further training")
    DRUG_TALK = "drug_talk", _("Drug talk groups")
    ADVISORY = "advisory", _("Meetings in an advisory role")
    PLANNING = "planning", _("Planning and administration")
    WARD_ROUNDS = "ward_rounds", _("Ward rounds")
    DISCHARGE = "discharge", _("Discharge support")
    RELATIVES = "relatives", _("Relatives' group")
    STAFF_INTRODUCTION = "staff_introduction", _("Introducing new staff and students")


class Position(models.Model):
    code = CodeField()
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="positions"
    )
    title = GuardedCharField(_("title"), max_length=200, default="Peer supporter")
    fte_percent = models.PositiveSmallIntegerField(
        _("service degree (%)"), validators=FTE_VALIDATORS
    )
    seats = models.PositiveSmallIntegerField(
        _("number of peer supporters"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    starts_on = models.DateField(_("starts"))
    duties = models.JSONField(_("duties"), default=list, blank=True)
    role_notes = GuardedTextField(
        _("role description"),
        blank=True,
        max_length=4000,
        help_text=_("How the unit wants the role to work, in its own words."),
    )
    role_agreed_on = models.DateField(_("role description agreed"), null=True, blank=True)
    is_open = models.BooleanField(_("open for matching"), default=True)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["unit__name", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fte_percent__gte=25) & Q(fte_percent__lte=100),
                name="position_fte_bounds",
                violation_error_message=_("Service degrees lie between 25 and 100 %."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.fte_percent} %"

    def duty_labels(self) -> list[str]:
        return [str(Duty(d).label) for d in self.duties if d in Duty.values]


class StaffTrainingKind(models.TextChoices):
    RECOVERY = "recovery", _("Recovery-oriented approach")
    PEER_SUPPORT = "peer_support", _("Working with peer support")


class StaffTraining(models.Model):
    code = CodeField()
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="staff_trainings",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=StaffTrainingKind.choices)
    held_on = models.DateField(_("date"))
    title = GuardedCharField(_("title"), max_length=200)

    class Meta:
        verbose_name = _("staff training")
        verbose_name_plural = _("staff trainings")
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.title} {self.held_on}"


class StaffTrainingParticipant(models.Model):
    training = models.ForeignKey(
        StaffTraining, on_delete=models.CASCADE, related_name="participants"
    )
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    name = GuardedCharField(_("name"), max_length=150)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["training", "unit", "name"], name="staff_training_participant_once"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class UnitReadiness(models.Model):
    unit = models.OneToOneField("orgs.Unit", on_delete=models.CASCADE, related_name="readiness")
    manager_briefed_on = models.DateField(_("manager briefed"), null=True, blank=True)
    supervision_arranged_on = models.DateField(_("supervision arranged"), null=True, blank=True)
    introduction_plan = GuardedTextField(
        _("introduction plan"),
        blank=True,
        max_length=4000,
        help_text=_("How the first weeks look: who introduces, which meetings, which rooms."),
    )

    class Meta:
        verbose_name = _("unit readiness")
        verbose_name_plural = _("unit readiness")

    def __str__(self) -> str:
        return str(self.unit)


class MatchingEvent(models.Model):
    """A recruitment mingle ("speed dating") where peer supporters and units meet."""

    code = CodeField()
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="matching_events",
    )
    title = GuardedCharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    peers = models.ManyToManyField(
        "people.Person",
        verbose_name=_("peer supporters invited"),
        blank=True,
        related_name="matching_events",
    )
    positions = models.ManyToManyField(
        Position,
        verbose_name=_("positions invited"),
        blank=True,
        related_name="matching_events",
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("matching event")
        verbose_name_plural = _("matching events")
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return self.title


class Meeting(models.Model):
    """That a peer supporter and a position's unit met at the event."""

    event = models.ForeignKey(MatchingEvent, on_delete=models.CASCADE, related_name="meetings")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    position = models.ForeignKey("placement.Position", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.UniqueConstraint(fields=["event", "person", "position"], name="meeting_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}–{self.position_id}"


class Ranking(models.Model):
    """One side's rank of the other at an event. No rank means "not acceptable"."""

    class Side(models.TextChoices):
        PEER = "peer", _("The peer supporter ranks the position")
        UNIT = "unit", _("The unit ranks the peer supporter")

    event = models.ForeignKey(MatchingEvent, on_delete=models.CASCADE, related_name="rankings")
    side = models.CharField(max_length=4, choices=Side.choices)
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField(
        _("rank"), null=True, blank=True, validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("ranking")
        verbose_name_plural = _("rankings")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "side", "person", "position"], name="ranking_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.side} {self.person_id}→{self.position_id}: {self.rank}"


class EndReason(models.TextChoices):
    OWN_CHOICE = "own_choice", _("Own choice")
    NEW_JOB = "new_job", _("New job elsewhere")
    STUDIES = "studies", _("Studies")
    HEALTH = "health", _("Health")
    TEMPORARY_ENDED = "temporary_ended", _("Fixed-term employment ended")
    EMPLOYER = "employer", _("Ended by the employer")
    OTHER = "other", _("Other reason")


class Employment(models.Model):
    code = CodeField()
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("peer supporter"),
        on_delete=models.PROTECT,
        related_name="employments",
    )
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="employments"
    )
    position = models.ForeignKey(
        Position,
        verbose_name=_("position"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="employments",
    )
    fte_percent = models.PositiveSmallIntegerField(
        _("service degree (%)"), validators=FTE_VALIDATORS
    )
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    end_reason = models.CharField(
        _("reason for ending"), max_length=20, choices=EndReason.choices, blank=True
    )
    readiness_override = GuardedCharField(
        _("why placed on a unit that is not ready"), max_length=500, blank=True
    )
    matching_event = models.ForeignKey(
        MatchingEvent,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="employments",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("employment")
        verbose_name_plural = _("employments")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=not_ended(models.F("starts_on"), "ends_on"),
                name="employment_ends_after_start",
                violation_error_message=_("The employment cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(fte_percent__gte=25) & Q(fte_percent__lte=100),
                name="employment_fte_bounds",
                violation_error_message=_("Service degrees lie between 25 and 100 %."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.unit} {self.fte_percent} %"


class SickLeave(models.Model):
    """A period of long-term sick leave: dates only, never a diagnosis."""

    employment = models.ForeignKey(Employment, on_delete=models.CASCADE, related_name="sick_leaves")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        verbose_name = _("long-term sick leave")
        verbose_name_plural = _("long-term sick leave")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=not_ended(models.F("starts_on"), "ends_on"),
                name="sick_leave_ends_after_start",
                violation_error_message=_("The sick leave cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_on} – {self.ends_on or ''}"
