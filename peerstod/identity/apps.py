from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "peerstod.identity"
    label = "identity"
    verbose_name = _("Identity providers")

    def ready(self) -> None:
        from peerstod.identity import checks  # registers the system checks

        del checks
