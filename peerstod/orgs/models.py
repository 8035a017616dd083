from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from peerstod.core.fields import CodeField, GuardedCharField, GuardedTextField
from peerstod.core.periods import not_ended


class OrganisationKind(models.TextChoices):
    NETWORK = "network", _("Peer-support network")
    REGION = "region", _("Region")
    MUNICIPALITY = "municipality", _("Municipality")
    PROVIDER = "provider", _("Care provider")


class Organisation(models.Model):
    """A node of the organisation tree. The top node (`root`) is the tenant root.

    A municipality that runs the programme together with its region hangs below the
    region, so the region's coordinator sees its units; a municipality on its own is a
    root of its own.
    """

    code = CodeField()
    name = GuardedCharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    root = models.ForeignKey(
        "self",
        verbose_name=_("tenant root"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="organisation_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_network(self) -> bool:
        return self.kind == OrganisationKind.NETWORK


class UnitKind(models.TextChoices):
    """The workplaces the seeds list, in psychiatry and in municipal services."""

    INPATIENT_PSYCHOSIS = "inpatient_psychosis", _("Inpatient care, psychosis")
    INPATIENT_ADDICTION = "inpatient_addiction", _("Inpatient care, addiction")
    GENERAL_PSYCHIATRY = "general_psychiatry", _("General psychiatry")
    SELF_HARM = "self_harm", _("Self-harm (brief admission)")
    FORENSIC = "forensic", _("Forensic psychiatry")
    HOUSING_SUPPORT = "housing_support", _("Housing support")
    HOUSING_FIRST = "housing_first", _("Housing First")
    ACTIVITY_HOUSE = "activity_house", _("Drop-in centre, activity house")
    SCHOOL = "school", _("School")
    LABOUR_MARKET = "labour_market", _("Labour-market project")


class Unit(models.Model):
    """A ward or municipal service where peer supporters work."""

    code = CodeField()
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="units"
    )
    name = GuardedCharField(_("name"), max_length=200)
    kind = models.CharField(_("kind of unit"), max_length=30, choices=UnitKind.choices)
    place = GuardedCharField(_("place"), max_length=100, blank=True)
    description = GuardedTextField(
        _("description"),
        blank=True,
        max_length=2000,
        help_text=_("What the unit does and who it is for. No information about patients."),
    )
    staff_count = models.PositiveIntegerField(
        _("number of staff"),
        null=True,
        blank=True,
        help_text=_("Used to compute the share of staff trained."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="unit_unique_name",
                violation_error_message=_("The organisation already has a unit with this name."),
            ),
            models.CheckConstraint(
                condition=Q(staff_count__isnull=True) | Q(staff_count__lte=5000),
                name="unit_staff_count_plausible",
                violation_error_message=_("A unit has at most 5,000 staff."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Agreement(models.Model):
    """The contract that lets the network's people see a principal's units, for a period.

    No units listed means every unit of the principal and the organisations below it.
    """

    code = CodeField()
    network = models.ForeignKey(
        Organisation,
        verbose_name=_("network"),
        on_delete=models.PROTECT,
        related_name="agreements_as_network",
        limit_choices_to={"kind": OrganisationKind.NETWORK},
    )
    principal = models.ForeignKey(
        Organisation,
        verbose_name=_("principal organisation"),
        on_delete=models.PROTECT,
        related_name="agreements_as_principal",
    )
    starts_on = models.DateField(_("valid from"))
    ends_on = models.DateField(_("valid to"), null=True, blank=True)
    units = models.ManyToManyField(
        Unit,
        verbose_name=_("units covered"),
        blank=True,
        related_name="agreements",
        help_text=_("Leave empty to cover every unit of the principal organisation."),
    )
    note = GuardedTextField(_("note"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=not_ended(models.F("starts_on"), "ends_on"),
                name="agreement_ends_after_start",
                violation_error_message=_("The agreement cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=~Q(network=models.F("principal")),
                name="agreement_two_parties",
                violation_error_message=_("An agreement needs two different parties."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.network} ↔ {self.principal}"

    def is_valid_on(self, day) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)
