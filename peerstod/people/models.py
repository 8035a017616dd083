from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from peerstod.core.fields import CodeField, GuardedCharField

FTE_VALIDATORS = [MinValueValidator(25), MaxValueValidator(100)]

phone_validator = RegexValidator(
    r"^\+?[0-9 ()-]{7,20}$",
    _("Write the phone number with digits, spaces or hyphens, e.g. 070-123 45 67."),
)


class Person(models.Model):
    """An applicant, trainee or peer supporter. Exists before (and without) a login.

    The network that recruits and trains the person is its tenant root: the network's
    recruitment team sees the person, an employer only once the person works there.
    """

    code = CodeField()
    network = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("network"),
        on_delete=models.PROTECT,
        related_name="people",
        limit_choices_to={"kind": "network"},
    )
    full_name = GuardedCharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail address"))
    phone = models.CharField(
        _("phone number"), max_length=20, blank=True, validators=[phone_validator]
    )
    fte_min = models.PositiveSmallIntegerField(
        _("lowest service degree (%)"), default=50, validators=FTE_VALIDATORS
    )
    fte_max = models.PositiveSmallIntegerField(
        _("highest service degree (%)"), default=100, validators=FTE_VALIDATORS
    )
    available = models.BooleanField(
        _("available for placement"),
        default=True,
        help_text=_("Certified peer supporters who do not want a position now are not offered."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "email"],
                name="person_unique_email_per_network",
                violation_error_message=_("The network already has a person with this e-mail."),
            ),
            models.CheckConstraint(
                condition=Q(fte_min__lte=models.F("fte_max")),
                name="person_fte_range_ordered",
                violation_error_message=_("The lowest service degree cannot be above the highest."),
            ),
            models.CheckConstraint(
                condition=Q(fte_min__gte=25) & Q(fte_max__lte=100),
                name="person_fte_range_bounds",
                violation_error_message=_("Service degrees lie between 25 and 100 %."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name


class CertificationKind(models.TextChoices):
    BASIC = "basic", _("Certified peer supporter (basic training)")
    FURTHER = "further", _("Further training")
    TRAINER = "trainer", _("Trainer of peer supporters")


class Certification(models.Model):
    code = CodeField()
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="certifications"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CertificationKind.choices)
    certified_on = models.DateField(_("certified on"))
    cohort = models.ForeignKey(
        "recruitment.Cohort",
        verbose_name=_("cohort"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certifications",
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        ordering = ["-certified_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "cohort"],
                name="certification_once_per_cohort",
                violation_error_message=_("The person is already certified from this cohort."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.get_kind_display()} {self.certified_on}"
