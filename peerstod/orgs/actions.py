"""Audit actions of organisations, units and agreements (core.audit)."""

from django.utils.translation import gettext_lazy as _

from peerstod.core.audit import action

ORGANISATION_CREATED = action("orgs.organisation.created", _("Organisation created"))
UNIT_CREATED = action("orgs.unit.created", _("Unit created"))
UNIT_CHANGED = action("orgs.unit.changed", _("Unit changed"))
AGREEMENT_CREATED = action("orgs.agreement.created", _("Agreement created"))
