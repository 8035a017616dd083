from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """Who read or changed what, and when (DESIGN.md privacy rule 5).

    Rows are only ever added. `action` is a dotted name such as
    `orgs.unit.members_viewed`; `object_type` and `object_ref` name the object without
    a foreign key, so an audit row outlives what it talks about.
    """

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Written by the platform, never typed by a person: not free text.
    actor_label = models.CharField(
        _("who (as recorded)"), max_length=254, blank=True, editable=False
    )
    action = models.CharField(_("action"), max_length=100, db_index=True, editable=False)
    object_type = models.CharField(_("object type"), max_length=100, blank=True, editable=False)
    object_ref = models.CharField(_("object"), max_length=100, blank=True, editable=False)
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["organisation", "-at"], name="audit_org_at")]

    def __str__(self) -> str:
        from peerstod.core.audit import label_of  # audit builds on this model

        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label}: {label_of(self.action)}"


class IdempotencyKey(models.Model):
    """A form's one-time key, claimed by the use case that the form's POST runs.

    A second POST of the same form (a double click, a retry after a time-out) finds the
    key taken and changes nothing. Only a hash is kept; keys are removed after a week.
    """

    digest = models.CharField(max_length=64, unique=True, editable=False)
    purpose = models.CharField(max_length=60, editable=False)
    result = models.CharField(max_length=100, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("one-time form key")
        verbose_name_plural = _("one-time form keys")

    def __str__(self) -> str:
        return self.purpose
