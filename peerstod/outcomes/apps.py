from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _install_builtin(sender, **kwargs):
    # Imported here, not at the top: Django reads apps.py before the app registry is
    # ready, and the services import the models, which need the registry.
    from peerstod.outcomes.services import install_builtin

    install_builtin()


class OutcomesConfig(AppConfig):
    name = "peerstod.outcomes"
    label = "outcomes"
    verbose_name = _("Outcomes and impact")

    def ready(self):
        # The built-in indicators are there after every migrate.
        post_migrate.connect(_install_builtin, sender=self)
