"""Every change to organisations, units and agreements goes through these functions."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from peerstod.accounts.roles import Role
from peerstod.accounts.scope import Scope
from peerstod.core import audit
from peerstod.core.usecase import use_case
from peerstod.orgs import actions
from peerstod.orgs.models import Agreement, Organisation, OrganisationKind, Unit
from peerstod.orgs.tree import descendant_ids


@use_case
def organisation_create(
    *, name: str, kind: str, parent: Organisation | None = None, actor=None
) -> Organisation:
    organisation = Organisation(name=name, kind=kind, parent=parent)
    organisation.full_clean(exclude=["root"])
    if parent is not None and kind == OrganisationKind.NETWORK:
        raise ValidationError({"kind": _("A peer-support network is never part of another.")})
    organisation.root = parent.root if parent is not None else None
    organisation.save()
    if organisation.root_id is None:
        organisation.root = organisation
        organisation.save(update_fields=["root"])
    audit.record(
        actor=actor, action=actions.ORGANISATION_CREATED, obj=organisation, organisation=parent
    )
    return organisation


def _require_unit_editor(scope: Scope, organisation: Organisation) -> None:
    if organisation.pk not in scope.organisation_ids(Role.PROGRAMME_COORDINATOR):
        raise PermissionDenied
    if organisation.is_network:
        raise ValidationError(_("Units belong to a region, municipality or provider."))


@use_case
def unit_create(*, scope: Scope, actor, organisation: Organisation, **fields) -> Unit:
    _require_unit_editor(scope, organisation)
    unit = Unit(organisation=organisation, **fields)
    unit.full_clean()
    unit.save()
    audit.record(actor=actor, action=actions.UNIT_CREATED, obj=unit, organisation=organisation)
    return unit


UNIT_EDITABLE = ("name", "kind", "place", "description", "staff_count", "is_active")


@use_case
def unit_update(*, scope: Scope, actor, unit: Unit, **fields) -> Unit:
    _require_unit_editor(scope, unit.organisation)
    unknown = set(fields) - set(UNIT_EDITABLE)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    changed = sorted(name for name, value in fields.items() if getattr(unit, name) != value)
    for name, value in fields.items():
        setattr(unit, name, value)
    unit.full_clean()
    unit.save()
    audit.record(
        actor=actor,
        action=actions.UNIT_CHANGED,
        obj=unit,
        organisation=unit.organisation,
        fields=changed,
    )
    return unit


@use_case
def agreement_create(
    *,
    scope: Scope,
    actor,
    network: Organisation,
    principal: Organisation,
    starts_on: date,
    ends_on: date | None = None,
    units: list[Unit] | None = None,
    note: str = "",
) -> Agreement:
    coordinated = set(scope.coordinated_network_ids())
    if network.pk not in coordinated and not scope.is_platform_admin:
        raise PermissionDenied
    errors: dict[str, str] = {}
    if not network.is_network:
        errors["network"] = _("The first party must be a peer-support network.")
    if principal.is_network:
        errors["principal"] = _("The principal must be a region, municipality or provider.")
    if ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = _("The agreement cannot end before it starts.")
    units = list(units or [])
    if units:
        principal_tree = descendant_ids(principal.pk)
        if any(unit.organisation_id not in principal_tree for unit in units):
            errors["units"] = _("Every unit must belong to the principal organisation.")
    if errors:
        raise ValidationError(errors)
    agreement = Agreement(
        network=network, principal=principal, starts_on=starts_on, ends_on=ends_on, note=note
    )
    agreement.full_clean()
    agreement.save()
    agreement.units.set(units)
    audit.record(
        actor=actor,
        action=actions.AGREEMENT_CREATED,
        obj=agreement,
        organisation=principal,
        network=network.code,
        units=[u.code for u in units],
    )
    return agreement
