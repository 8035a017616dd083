import contextvars

from django.contrib import admin
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from peerstod.accounts.models import Membership, User
from peerstod.accounts.services import password_set
from peerstod.core.admin import AuditedModelAdmin


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation", "unit"]


_admin: contextvars.ContextVar = contextvars.ContextVar("admin_user", default=None)


class AdminPasswordChangeForm(auth_forms.AdminPasswordChangeForm):
    """The administrator's "set password" goes through the accounts service (audited)."""

    def save(self, commit=True):
        return password_set(
            user=self.user, password=self.cleaned_data["password1"], actor=_admin.get()
        )


@admin.register(User)
class UserAdmin(AuditedModelAdmin, BaseUserAdmin):
    change_password_form = AdminPasswordChangeForm

    def user_change_password(self, request, id, form_url=""):
        token = _admin.set(request.user)
        try:
            return super().user_change_password(request, id, form_url)
        finally:
            _admin.reset(token)

    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "last_login"]
    search_fields = ["email", "full_name", "hsa_id"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name", "hsa_id"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]}),
    ]
    filter_horizontal: list[str] = []


@admin.register(Membership)
class MembershipAdmin(AuditedModelAdmin):
    list_display = ["user", "role", "organisation", "unit", "valid_from", "valid_to"]
    list_filter = ["role"]
    search_fields = ["user__email", "user__full_name", "organisation__name", "unit__name"]
    autocomplete_fields = ["user", "organisation", "unit"]
