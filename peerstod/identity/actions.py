"""Audit actions of identity (core.audit)."""

from django.utils.translation import gettext_lazy as _

from peerstod.core.audit import action

SSO_LOGIN = action("identity.login", _("Logged in through the identity provider"))
SSO_REFUSED = action("identity.login_refused", _("Login through the identity provider refused"))
SSO_LOGOUT = action("identity.logout", _("Logged out through the identity provider"))
METADATA_FETCHED = action("identity.metadata_fetched", _("Identity provider metadata fetched"))
