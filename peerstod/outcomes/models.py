"""Unit-month indicators (bed-days, admissions, coercive measures, PRN doses, length of
stay), when peer support ran on a unit, and which units serve as comparisons. Counts of
events only: no patient is ever recorded."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from peerstod.core.fields import GuardedCharField
from peerstod.core.periods import ends_after_start


class Measure(models.TextChoices):
    COUNT = "count", _("Number of events")
    DAYS = "days", _("Days")
    AVERAGE = "average", _("Average")


class Builtin(models.TextChoices):
    """The indicators every unit can report."""

    BED_DAYS = "bed_days", _("Bed-days")
    ADMISSIONS = "admissions", _("Admissions")
    DISCHARGES = "discharges", _("Discharges")
    READMISSIONS = "readmissions_30", _("Readmissions within 30 days")
    LENGTH_OF_STAY = "length_of_stay", _("Mean length of stay (days)")
    RESTRAINT = "restraint", _("Restraint events")
    SECLUSION = "seclusion", _("Seclusion events")
    FORCED_MEDICATION = "forced_medication", _("Forced-medication events")
    PRN_DOSES = "prn_doses", _("PRN doses")


# Column names accepted in imports, after lower-casing and folding å, ä, ö and spaces.
HEADERS: dict[str, tuple[str, ...]] = {
    Builtin.BED_DAYS: ("varddygn", "bed_days"),
    Builtin.ADMISSIONS: ("inskrivningar", "admissions"),
    Builtin.DISCHARGES: ("utskrivningar", "discharges"),
    Builtin.READMISSIONS: ("aterinskrivningar_30", "aterinskrivningar", "readmissions_30"),
    Builtin.LENGTH_OF_STAY: ("medelvardtid", "length_of_stay"),
    Builtin.RESTRAINT: ("balteslaggningar", "fasthallningar", "restraint"),
    Builtin.SECLUSION: ("avskiljningar", "seclusion"),
    Builtin.FORCED_MEDICATION: ("tvangsmedicineringar", "forced_medication"),
    Builtin.PRN_DOSES: ("vidbehovsdoser", "vid_behovs_doser", "prn_doses"),
}


# The first month figures can be for (core.dates.FIRST_YEAR); the last is the current one,
# checked by the services and forms (a database constraint cannot know today).
FIRST_MONTH = date(1990, 1, 1)

BUILTIN_MEASURE: dict[str, str] = {
    Builtin.BED_DAYS: Measure.DAYS,
    Builtin.LENGTH_OF_STAY: Measure.AVERAGE,
}


class Indicator(models.Model):
    """A built-in indicator (no organisation) or an organisation's own."""

    organisation = models.ForeignKey(
        "orgs.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    key = models.CharField(max_length=60, editable=False)
    name = GuardedCharField(_("name"), max_length=80)
    measure = models.CharField(
        _("kind of value"), max_length=10, choices=Measure.choices, default=Measure.COUNT
    )

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["organisation_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"], name="indicator_key_once"),
            models.UniqueConstraint(
                fields=["key"], condition=Q(organisation__isnull=True), name="builtin_key_once"
            ),
        ]

    def __str__(self) -> str:
        if self.organisation_id is None and self.key in Builtin.values:
            return str(Builtin(self.key).label)
        return self.name

    @property
    def is_count(self) -> bool:
        return self.measure == Measure.COUNT


class IndicatorValue(models.Model):
    unit = models.ForeignKey("orgs.Unit", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"))
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    value = models.DecimalField(
        _("value"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    #: when the value was last written: with the count of values, the version of a
    #: unit's figures that a cached analysis is keyed on (reports.build_cached)
    changed_at = models.DateTimeField(auto_now=True, editable=False)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["unit_id", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "month", "indicator"], name="indicator_value_once"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="indicator_value_not_negative"),
            models.CheckConstraint(
                condition=Q(month__day=1), name="indicator_value_first_of_month"
            ),
            models.CheckConstraint(
                condition=Q(month__gte=FIRST_MONTH), name="indicator_value_month_from_1990"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.month:%Y-%m} {self.indicator}: {self.value}"

    def clean(self) -> None:
        super().clean()
        if self.month and not (FIRST_MONTH <= self.month <= date.today().replace(day=1)):
            raise ValidationError(
                {
                    "month": _("Give a month from %(first)s to this month.")
                    % {"first": FIRST_MONTH.strftime("%Y-%m")}
                }
            )


class PeerSupportPeriod(models.Model):
    """Peer support ran on the unit from the first month (and until the last, if it
    stopped)."""

    unit = models.ForeignKey("orgs.Unit", on_delete=models.CASCADE, related_name="+")
    starts_on = models.DateField(_("first month with peer support"))
    ends_on = models.DateField(_("last month with peer support"), null=True, blank=True)

    class Meta:
        verbose_name = _("peer support period")
        verbose_name_plural = _("peer support periods")
        ordering = ["unit_id", "starts_on"]
        constraints = [
            ends_after_start("peer_support_period_in_order"),
        ]

    def __str__(self) -> str:
        return f"{self.unit}: {self.starts_on:%Y-%m} – {self.ends_on or ''}"


class ComparisonUnit(models.Model):
    """A unit without peer support whose series serves as the comparison."""

    unit = models.OneToOneField("orgs.Unit", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("comparison unit")
        verbose_name_plural = _("comparison units")

    def __str__(self) -> str:
        return str(self.unit)


class ImportUpload(models.Model):
    """An uploaded indicator file waiting for its background import (services.import_start):
    the job reads it and it is deleted when the job ends, whatever the result. Indicator
    files hold counts per unit and month, no person; the name is kept only when the
    personal-data guard lets it through."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = GuardedCharField(_("file name"), max_length=100)
    data = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("uploaded indicator file")
        verbose_name_plural = _("uploaded indicator files")

    def __str__(self) -> str:
        return self.name
