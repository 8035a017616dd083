from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "")


@register.filter
def audit_label(code: str) -> str:
    """An audit action in words ("Ansökan läst"), not its code."""
    from peerstod.core.audit import label_of

    return label_of(code)


@register.filter
def object_label(object_type: str) -> str:
    """A model label ("recruitment.application") as the model's name in words."""
    from django.apps import apps

    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type
