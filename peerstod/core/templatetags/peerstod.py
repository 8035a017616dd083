from django import template

from peerstod.core.audit import label_of, object_label_of

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
    return object_label_of(object_type)
