from django import template
from django.apps import apps

from peerstod.core.audit import label_of

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "")


@register.filter
def audit_label(code: str) -> str:
    """An audit action in words ("Ansökan läst"), not its code."""
    return label_of(code)


@register.filter
def object_label(object_type: str) -> str:
    """A model label ("recruitment.application") as the model's name in words."""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type
