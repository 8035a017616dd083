from django.apps import AppConfig
from django.conf import settings
from django.core.management import call_command
from django.db.models.signals import post_migrate
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


def _create_cache_table(sender, using="default", **kwargs) -> None:
    """The database cache (rate limits) needs its table; `migrate` makes it, so a fresh
    installation from the wheel needs no extra command."""
    if settings.CACHES["default"]["BACKEND"].endswith("AtomicDatabaseCache"):
        call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "peerstod.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Every app's audit actions are declared before the first audit page is shown.
        autodiscover_modules("actions")
        post_migrate.connect(_create_cache_table, sender=self)
