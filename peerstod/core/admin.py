from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from peerstod.core import audit
from peerstod.core.actions import ADMIN_CHANGED, ADMIN_DELETED
from peerstod.core.models import AuditEvent
from peerstod.core.usecase import use_case, writes_so_far


@use_case
def _admin_change(request, obj, run, *, deleted: bool = False, fields=()) -> None:
    label, ref = obj._meta.label_lower, str(getattr(obj, "code", "") or obj.pk or "")
    run()
    if not writes_so_far():
        return  # saving the related objects changed nothing
    audit.record(
        actor=request.user,
        action=ADMIN_DELETED if deleted else ADMIN_CHANGED,
        obj=None if deleted else obj,
        model=label,
        ref=ref,
        fields=sorted(fields),
    )


class AuditedModelAdmin(admin.ModelAdmin):
    """The platform administrator's changes in the Django admin are use cases too: one
    transaction with an audit row in Peerstöd's log (Django's own admin log is kept as
    well). Writes in the admin outside these methods are refused by the write guard."""

    def save_model(self, request, obj, form, change):
        _admin_change(
            request,
            obj,
            lambda: super(AuditedModelAdmin, self).save_model(request, obj, form, change),
            fields=form.changed_data if change else ["(new)"],
        )

    def delete_model(self, request, obj):
        _admin_change(
            request,
            obj,
            lambda: super(AuditedModelAdmin, self).delete_model(request, obj),
            deleted=True,
        )

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def save_related(self, request, form, formsets, change):
        _admin_change(
            request,
            form.instance,
            lambda: super(AuditedModelAdmin, self).save_related(request, form, formsets, change),
            fields=[fs.prefix for fs in formsets if fs.has_changed()] or ["(related)"],
        )


class ActionFilter(admin.SimpleListFilter):
    """Filter by what happened, chosen in words."""

    title = _("what")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return sorted(((a.code, str(a.label)) for a in audit.declared()), key=lambda c: c[1])

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: audit rows are only ever added, by the services. Actions and object
    types are shown in words; the object's reference (its opaque code) stays, to find it."""

    list_display = ["at", "actor_label", "what", "object_kind", "object_ref", "organisation"]
    list_filter = [ActionFilter]
    search_fields = ["actor_label", "object_ref"]
    date_hierarchy = "at"
    readonly_fields = ["at", "actor_label", "what", "object_kind", "object_ref", "organisation"]
    exclude = ["action", "object_type", "actor"]

    @admin.display(description=_("what"), ordering="action")
    def what(self, event) -> str:
        return audit.label_of(event.action)

    @admin.display(description=_("object type"), ordering="object_type")
    def object_kind(self, event) -> str:
        return audit.object_label_of(event.object_type) if event.object_type else ""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
