"""A SAML provider in use needs the `xmlsec1` program (pysaml2 verifies signatures with it)."""

from django.core import checks
from django.db import DatabaseError
from django.utils.translation import gettext as _


@checks.register(checks.Tags.security, deploy=True)
def xmlsec_present(app_configs, **kwargs):
    # Checks are registered before the apps are ready; these modules import models.
    from peerstod.identity import saml  # noqa: I001  (models need the app registry)
    from peerstod.identity.models import Protocol  # models need the app registry
    from peerstod.identity.selectors import active_providers  # models need the app registry

    try:
        in_use = active_providers().filter(protocol=Protocol.SAML).exists()
    except DatabaseError:  # before the first migrate
        return []
    if in_use and not saml.xmlsec_binary():
        return [
            checks.Error(
                _("A SAML identity provider is in use but the xmlsec1 program is missing."),
                hint=_("Install it (Debian: apt-get install xmlsec1) or set SAML_XMLSEC_BINARY."),
                id="identity.E001",
            )
        ]
    return []
