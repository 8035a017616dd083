from django.contrib import admin

from peerstod.core.admin import AuditedModelAdmin
from peerstod.orgs.models import Agreement, Organisation, Unit


@admin.register(Organisation)
class OrganisationAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "parent", "code"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    readonly_fields = ["code", "root"]


@admin.register(Unit)
class UnitAdmin(AuditedModelAdmin):
    list_display = ["name", "organisation", "kind", "place", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "organisation__name", "code"]
    autocomplete_fields = ["organisation"]
    readonly_fields = ["code"]


@admin.register(Agreement)
class AgreementAdmin(AuditedModelAdmin):
    list_display = ["network", "principal", "starts_on", "ends_on"]
    autocomplete_fields = ["network", "principal", "units"]
    readonly_fields = ["code"]
