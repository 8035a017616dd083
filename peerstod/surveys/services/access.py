"""Who may change a round, and which of its units: the checks every survey service
starts with."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from peerstod.accounts.roles import Role
from peerstod.accounts.scope import Scope
from peerstod.orgs.models import Unit
from peerstod.surveys.models import Round


def require_coordinator(scope: Scope, organisation_id: int) -> None:
    """The user coordinates the organisation's programme."""
    if organisation_id not in scope.organisation_ids(Role.PROGRAMME_COORDINATOR):
        raise PermissionDenied


def require_coordinator_or_manager(scope: Scope, survey_round: Round, unit: Unit) -> None:
    """The user coordinates the round's organisation or manages the unit: what a kiosk
    or a typed-in paper answer for the unit needs."""
    if not (
        survey_round.organisation_id in scope.organisation_ids(Role.PROGRAMME_COORDINATOR)
        or unit.pk in scope.unit_ids(Role.UNIT_MANAGER)
    ):
        raise PermissionDenied


def require_unit(survey_round: Round, unit: Unit) -> None:
    """The unit takes part in the round."""
    if not survey_round.units.filter(pk=unit.pk).exists():
        raise ValidationError({"unit": _("The unit is not part of this round.")})
