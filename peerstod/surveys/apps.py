from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _install_shipped(sender, **kwargs):
    # Imported here, not at the top: apps.py is read before the app registry is ready,
    # and the services import the models.
    from peerstod.surveys.services import install_shipped

    install_shipped()


class SurveysConfig(AppConfig):
    name = "peerstod.surveys"
    label = "surveys"
    verbose_name = _("Surveys")

    def ready(self):
        # The instruments that come with Peerstöd are there after every migrate.
        post_migrate.connect(_install_shipped, sender=self)
