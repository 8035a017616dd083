from django import template

from peerstod.identity.selectors import login_choices

register = template.Library()


@register.inclusion_tag("identity/_login_choices.html")
def sso_login_choices(next_url: str = ""):
    """The login page's SITHS form, for the organisations that have a provider."""
    return {"providers": login_choices(), "next": next_url}
