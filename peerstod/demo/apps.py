from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "peerstod.demo"
    label = "demo"
    verbose_name = "Demo"
