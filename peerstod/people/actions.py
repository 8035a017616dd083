"""Audit actions about people and their certifications (core.audit)."""

from django.utils.translation import gettext_lazy as _

from peerstod.core.audit import action

CERTIFICATE_VIEWED = action("people.certificate.viewed", _("Certificate read"), read=True)
EARLIER_CERTIFIED_REGISTERED = action(
    "people.earlier_certified.registered",
    _("Peer supporter certified before Peerstöd registered"),
)
