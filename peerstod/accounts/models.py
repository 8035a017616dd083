from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peerstod.accounts.roles import NETWORK_ROLES, UNIT_ROLES, Role
from peerstod.core.fields import GuardedCharField
from peerstod.core.periods import not_ended, valid_on


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A login. E-mail is the username; a person (applicant, peer supporter) may link to it."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = GuardedCharField(_("name"), max_length=150)
    # The national staff identifier (HSA-id) that a region's identity provider passes
    # with a SITHS login; it links that login to this user (identity app).
    hsa_id = models.CharField(
        _("HSA-id"),
        max_length=31,
        null=True,
        blank=True,
        unique=True,
        validators=[
            RegexValidator(
                r"^[Ss][Ee][0-9]{10}-[A-Za-z0-9]{1,18}$",
                _("An HSA-id looks like SE2321000131-E000000000001."),
            )
        ],
        help_text=_("For login with SITHS through the organisation's identity provider."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("platform administrator"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()
        self.hsa_id = self.hsa_id.strip().upper() or None if self.hsa_id else None


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active_on(self, day: date) -> MembershipQuerySet:
        return self.filter(valid_on(day))


class Membership(models.Model):
    """A user's role in an organisation (or one unit of it), for a period."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    valid_from = models.DateField(_("valid from"), default=date.today)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["user__full_name", "role"]
        constraints = [
            models.CheckConstraint(
                condition=not_ended(models.F("valid_from")),
                name="membership_ends_after_start",
                violation_error_message=_("A role cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        where = self.unit or self.organisation
        return f"{self.user} – {self.get_role_display()} – {where}"

    def clean(self) -> None:
        super().clean()
        errors: dict[str, Any] = {}
        org = getattr(self, "organisation", None)
        unit = getattr(self, "unit", None)
        if self.role in UNIT_ROLES and unit is None:
            errors["unit"] = _("This role is held for one unit: choose the unit.")
        if unit is not None and org is not None and unit.organisation_id != org.pk:
            errors["unit"] = _("The unit belongs to another organisation.")
        if org is not None and (self.role in NETWORK_ROLES) != org.is_network:
            errors["role"] = _(
                "Network coordinators, supervisors and trainers belong to the peer-support "
                "network; the other roles belong to a region, municipality or provider."
            )
        if errors:
            raise ValidationError(errors)


class SecondFactorLock(models.Model):
    """Wrong second-factor codes of one account in a row, and how long the account's
    second factor is refused after too many (accounts.services.second_factor_verify).
    The devices themselves are django-otp's (TOTPDevice, StaticDevice)."""

    user = models.OneToOneField(
        User,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="second_factor_lock",
    )
    failures = models.PositiveSmallIntegerField(_("wrong codes in a row"), default=0)
    locked_until = models.DateTimeField(_("refused until"), null=True, blank=True)

    class Meta:
        verbose_name = _("second-factor lock")
        verbose_name_plural = _("second-factor locks")

    def __str__(self) -> str:
        return str(self.user)

    def is_locked(self, now=None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or timezone.now())
