"""Reading a SAML provider's metadata: enough to know it is an identity provider and
which entity ID it signs as. pysaml2 reads the rest when it loads the configuration."""

from __future__ import annotations

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MD = "{urn:oasis:names:tc:SAML:2.0:metadata}"
# Metadata is a few kB; a national federation's aggregate is not what goes here.
MAX_BYTES = 1_000_000


def entity_id_of(xml: str) -> str:
    """The entityID of the one identity provider described, or a ValidationError."""
    if len(xml.encode()) > MAX_BYTES:
        raise ValidationError(_("The metadata is larger than 1 MB: give one provider's own."))
    try:
        root = ElementTree.fromstring(xml)
    except (ElementTree.ParseError, DefusedXmlException, ValueError) as error:
        message = _("The metadata is not valid XML: %(error)s") % {"error": error}
        raise ValidationError(message) from error
    if root.tag != f"{MD}EntityDescriptor":
        raise ValidationError(
            _("The metadata must describe one provider (an EntityDescriptor element).")
        )
    if root.find(f"{MD}IDPSSODescriptor") is None:
        raise ValidationError(_("The metadata describes no identity provider (IDPSSODescriptor)."))
    entity_id = (root.get("entityID") or "").strip()
    if not entity_id:
        raise ValidationError(_("The metadata has no entityID."))
    return entity_id
