from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from peerstod.core.admin import AuditedModelAdmin
from peerstod.identity import services
from peerstod.identity.models import IdentityProvider


class IdentityProviderForm(forms.ModelForm):
    metadata_file = forms.FileField(
        label=_("metadata file (SAML)"),
        required=False,
        help_text=_("Instead of pasting: the provider's metadata as an XML file."),
    )

    class Meta:
        model = IdentityProvider
        fields = [
            "organisation",
            "name",
            "slug",
            "protocol",
            "is_active",
            "match_by",
            "attribute",
            "metadata_url",
            "metadata_xml",
            "discovery_url",
            "credentials_env",
        ]

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("metadata_file")
        if upload:
            if upload.size > 1_000_000:
                raise ValidationError({"metadata_file": _("The file is larger than 1 MB.")})
            try:
                cleaned["metadata_xml"] = upload.read().decode("utf-8")
            except UnicodeDecodeError as error:
                raise ValidationError(
                    {"metadata_file": _("The file is not UTF-8 text.")}
                ) from error
            self.instance.metadata_xml = cleaned["metadata_xml"]
        return cleaned


@admin.register(IdentityProvider)
class IdentityProviderAdmin(AuditedModelAdmin):
    form = IdentityProviderForm
    list_display = ["name", "organisation", "protocol", "match_by", "is_active", "entity_id"]
    list_filter = ["protocol", "is_active"]
    search_fields = ["name", "slug", "organisation__name", "entity_id"]
    autocomplete_fields = ["organisation"]
    readonly_fields = ["entity_id", "updated_at"]
    actions = ["fetch_metadata"]

    @admin.action(description=_("Fetch the SAML metadata from its address"))
    def fetch_metadata(self, request, queryset):
        for provider in queryset:
            try:
                services.metadata_fetch(provider=provider, actor=request.user)
            except ValidationError as error:
                self.message_user(request, f"{provider}: {error.messages[0]}", messages.ERROR)
            else:
                self.message_user(request, f"{provider}: {provider.entity_id}", messages.SUCCESS)
