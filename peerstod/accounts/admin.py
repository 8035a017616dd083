import contextvars

from django.contrib import admin, messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from peerstod.accounts.models import Membership, User
from peerstod.accounts.services import password_set, second_factor_reset
from peerstod.core.admin import AuditedModelAdmin

# The devices are changed only through the accounts services (audited): not in the
# admin, where django-otp registers them (their secrets would show there too).
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


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

    actions = ["reset_second_factor"]

    @admin.action(description=_("Reset two-step verification (the user enrols again)"))
    def reset_second_factor(self, request, queryset):
        users = list(queryset)
        for user in users:
            second_factor_reset(user, request.user)
        self.message_user(
            request,
            ngettext(
                "Two-step verification was reset for %(count)d user. They enrol again at "
                "their next login.",
                "Two-step verification was reset for %(count)d users. They enrol again at "
                "their next login.",
                len(users),
            )
            % {"count": len(users)},
            messages.SUCCESS,
        )

    @admin.display(boolean=True, description=_("Two-step verification"))
    def second_factor_on(self, obj) -> bool:
        return obj.second_factor_on

    def get_queryset(self, request):
        confirmed = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(second_factor_on=Exists(confirmed))

    ordering = ["email"]
    list_display = [
        "email",
        "full_name",
        "is_active",
        "is_staff",
        "second_factor_on",
        "last_login",
    ]
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
