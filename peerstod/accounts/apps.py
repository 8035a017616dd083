from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "peerstod.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # Importing the module connects its receivers; it cannot be imported at the top,
        # before the app registry is ready (it imports the models through the services).
        from peerstod.accounts import signals  # noqa: F401
