"""The platform administrator's section: the administration and the audit log."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from peerstod.core.sections import PLATFORM_ADMIN, Part, Step, contribute


@contribute(PLATFORM_ADMIN)
def administration(scope) -> Part:
    return Part(
        steps=[
            Step(
                _("Create organisations, users and roles in the administration"),
                reverse("admin:index"),
            ),
            Step(_("Review the audit log"), reverse("home:audit")),
        ],
        template="home/sections/platform_admin.html",
    )
