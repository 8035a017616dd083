from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "peerstod.home"
    label = "home"
    verbose_name = "Start"
