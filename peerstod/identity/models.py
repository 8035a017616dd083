"""An organisation's identity provider (SITHS through SAML 2.0 or OpenID Connect).

The platform administrator adds one per organisation that has one. The provider says
who someone is; it never decides what they may do: a login through it reaches only a
user who already exists, is linked by HSA-id or verified e-mail, and holds a role in the
provider's organisation (`services.sso_login`).
"""

from __future__ import annotations

import os

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from peerstod.core.fields import GuardedCharField
from peerstod.identity.metadata import entity_id_of


class Protocol(models.TextChoices):
    SAML = "saml", _("SAML 2.0")
    OIDC = "oidc", _("OpenID Connect")


class MatchBy(models.TextChoices):
    HSA_ID = "hsa_id", _("HSA-id")
    EMAIL = "email", _("Verified e-mail address")


class IdentityProvider(models.Model):
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="identity_providers",
    )
    name = GuardedCharField(
        _("name"),
        max_length=120,
        help_text=_("Shown on the login page, e.g. “Region Jönköpings län”."),
    )
    slug = models.SlugField(
        _("short name in addresses"), max_length=40, unique=True, help_text=_("e.g. rjl")
    )
    protocol = models.CharField(_("protocol"), max_length=10, choices=Protocol.choices)
    is_active = models.BooleanField(_("in use"), default=True)
    match_by = models.CharField(
        _("links the login to a user by"),
        max_length=10,
        choices=MatchBy.choices,
        default=MatchBy.HSA_ID,
    )
    attribute = models.CharField(
        _("attribute or claim"),
        max_length=200,
        help_text=_(
            "The SAML attribute or OpenID Connect claim that carries the HSA-id or the "
            "e-mail address, e.g. http://sambi.se/attributes/1/employeeHsaId or email."
        ),
    )
    metadata_url = models.URLField(
        _("metadata address (SAML)"),
        blank=True,
        help_text=_("Where the provider publishes its SAML metadata; fetched on request."),
    )
    metadata_xml = models.TextField(
        _("metadata (SAML)"),
        blank=True,
        help_text=_("The provider's SAML metadata, pasted, uploaded or fetched."),
    )
    entity_id = models.CharField(_("entity ID (SAML)"), max_length=500, blank=True)
    discovery_url = models.URLField(
        _("discovery address (OpenID Connect)"),
        blank=True,
        help_text=_("The provider's /.well-known/openid-configuration address."),
    )
    credentials_env = models.CharField(
        _("environment prefix for the client (OpenID Connect)"),
        max_length=60,
        blank=True,
        help_text=_(
            "The client id and secret are read from the environment variables "
            "<PREFIX>_CLIENT_ID and <PREFIX>_CLIENT_SECRET, never stored here."
        ),
    )
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("identity provider")
        verbose_name_plural = _("identity providers")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["entity_id"],
                condition=~models.Q(entity_id=""),
                name="identity_provider_entity_id_unique",
                violation_error_message=_("Another provider already has this entity ID."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str | Promise] = {}
        if self.protocol == Protocol.SAML:
            if self.metadata_xml:
                try:
                    self.entity_id = entity_id_of(self.metadata_xml)
                except ValidationError as error:
                    errors["metadata_xml"] = error.messages[0]
            elif not self.metadata_url:
                errors["metadata_xml"] = _(
                    "Give the provider's metadata, or the address it is published at."
                )
        elif self.protocol == Protocol.OIDC:
            if not self.discovery_url:
                errors["discovery_url"] = _("Give the provider's discovery address.")
            if not self.credentials_env:
                errors["credentials_env"] = _(
                    "Name the environment variables that hold the client id and secret."
                )
            elif not self.credentials_env.replace("_", "").isalnum():
                errors["credentials_env"] = _(
                    "Use letters, digits and underscores only, e.g. PEERSTOD_OIDC_RJL."
                )
        if errors:
            raise ValidationError(errors)

    @property
    def client_id(self) -> str:
        return os.environ.get(f"{self.credentials_env}_CLIENT_ID", "")

    @property
    def client_secret(self) -> str:
        return os.environ.get(f"{self.credentials_env}_CLIENT_SECRET", "")
