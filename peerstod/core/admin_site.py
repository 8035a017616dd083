from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class PlatformAdminSite(admin.AdminSite):
    """The Django admin, for the platform administrator (superuser) alone."""

    site_header = _("Peerstöd administration")
    site_title = _("Peerstöd administration")

    def has_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser


class PlatformAdminConfig(AdminConfig):
    default_site = "peerstod.core.admin_site.PlatformAdminSite"
