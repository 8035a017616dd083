"""The weekly schedule and the activity log (counts only, never who)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peerstod.core.fields import CodeField, GuardedCharField
from peerstod.work.categories import Category


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class ScheduleItem(models.Model):
    """Something that recurs every week: the open hour, Fit for Life, the forum."""

    code = CodeField()
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("peer supporter"),
        on_delete=models.CASCADE,
        related_name="schedule_items",
    )
    unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        related_name="schedule_items",
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts_at = models.TimeField(_("starts"))
    ends_at = models.TimeField(_("ends"))
    title = GuardedCharField(_("what"), max_length=120)
    place = GuardedCharField(_("where"), max_length=120, blank=True)
    category = models.CharField(_("kind"), max_length=30, choices=Category.choices)
    open_to_all = models.BooleanField(_("open to all patients"), default=True)
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        verbose_name = _("schedule item")
        verbose_name_plural = _("schedule items")
        ordering = ["weekday", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="schedule_item_ends_after_start",
                violation_error_message=_("It must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M} {self.title}"


class ScheduleException(models.Model):
    """One week's change: cancelled, or moved to another day and time."""

    item = models.ForeignKey(ScheduleItem, on_delete=models.CASCADE, related_name="exceptions")
    day = models.DateField(_("date"))
    cancelled = models.BooleanField(_("cancelled"), default=True)
    moved_to = models.DateTimeField(_("moved to"), null=True, blank=True)
    note = GuardedCharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("schedule change")
        verbose_name_plural = _("schedule changes")
        constraints = [
            models.UniqueConstraint(fields=["item", "day"], name="schedule_exception_once"),
        ]

    def __str__(self) -> str:
        return f"{self.item} {self.day}"


class CalendarFeed(models.Model):
    """The secret link to a peer supporter's iCal feed. Revoking makes a new token."""

    person = models.OneToOneField(
        "people.Person", on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.person)


class Format(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    GROUP = "group", _("Group")


class ActivityEntry(models.Model):
    """One logged piece of work: what kind, how long, how many took part. Never who."""

    code = CodeField()
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("peer supporter"),
        on_delete=models.CASCADE,
        related_name="activity_entries",
    )
    unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="activity_entries",
    )
    day = models.DateField(_("date"))
    category = models.CharField(_("kind"), max_length=30, choices=Category.choices)
    format = models.CharField(
        _("individual or group"), max_length=10, choices=Format.choices, default=Format.INDIVIDUAL
    )
    minutes = models.PositiveSmallIntegerField(
        _("minutes"), validators=[MinValueValidator(1), MaxValueValidator(720)]
    )
    participants = models.PositiveSmallIntegerField(
        _("participants"), default=1, validators=[MaxValueValidator(500)]
    )
    note = GuardedCharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("logged"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-day", "-created_at"]
        indexes = [models.Index(fields=["person", "-day"], name="activity_person_day")]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=1) & Q(minutes__lte=720),
                name="activity_minutes_range",
                violation_error_message=_("Minutes lie between 1 and 720."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.get_category_display()} {self.minutes} min"


class ActivityMonth(models.Model):
    """Roll-up kept by the services: one row per person, unit, month and category, so
    reports never scan the entries."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # the first day of the month
    category = models.CharField(max_length=30, choices=Category.choices)
    entries = models.PositiveIntegerField(default=0)
    group_entries = models.PositiveIntegerField(default=0)
    minutes = models.PositiveIntegerField(default=0)
    participants = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("activity month")
        verbose_name_plural = _("activity months")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "unit", "month", "category"], name="activity_month_once"
            ),
        ]
        indexes = [models.Index(fields=["unit", "month"], name="activity_month_unit")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.category}"
