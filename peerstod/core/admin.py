from django.contrib import admin

from peerstod.core.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: audit rows are only ever added, by the services."""

    list_display = ["at", "actor_label", "action", "object_type", "object_ref", "organisation"]
    list_filter = ["action"]
    search_fields = ["actor_label", "action", "object_ref"]
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
