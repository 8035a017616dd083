from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "peerstod.jobs"
    verbose_name = _("Background jobs")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules  # once the apps are loaded

        # Each app declares its kinds of job in its own `jobs.py` (registry.job).
        autodiscover_modules("jobs")
