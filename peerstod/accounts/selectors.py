"""Scoped reads of users and memberships. Names and e-mail addresses are personal
data, so every read of a member list writes one audit row."""

from __future__ import annotations

from django.db.models import QuerySet
from django_otp.plugins.otp_static.models import StaticToken

from peerstod.accounts import actions
from peerstod.accounts.models import Membership, SecondFactorLock
from peerstod.accounts.roles import Role
from peerstod.accounts.scope import Scope
from peerstod.core import audit
from peerstod.orgs.models import Organisation, Unit

# Who may see the people of an organisation or unit.
MEMBER_READERS = (Role.PROGRAMME_COORDINATOR, Role.NETWORK_COORDINATOR)
UNIT_MEMBER_READERS = (*MEMBER_READERS, Role.UNIT_MANAGER)


def can_read_members(*, scope: Scope, organisation: Organisation) -> bool:
    return organisation.pk in scope.organisation_ids(*MEMBER_READERS)


def can_read_unit_members(*, scope: Scope, unit: Unit) -> bool:
    return unit.pk in scope.unit_ids(*UNIT_MEMBER_READERS)


def membership_list_for_organisation(
    *, scope: Scope, actor, organisation: Organisation
) -> QuerySet[Membership] | None:
    if not can_read_members(scope=scope, organisation=organisation):
        return None
    audit.read(
        actor=actor, action=actions.MEMBERS_VIEWED, obj=organisation, organisation=organisation
    )
    return (
        Membership.objects.active_on(scope.day)
        .filter(organisation=organisation)
        .select_related("user", "unit")
        .order_by("user__full_name", "role")
    )


def membership_list_for_unit(*, scope: Scope, actor, unit: Unit) -> QuerySet[Membership] | None:
    if not can_read_unit_members(scope=scope, unit=unit):
        return None
    audit.read(actor=actor, action=actions.MEMBERS_VIEWED, obj=unit, organisation=unit.organisation)
    return (
        Membership.objects.active_on(scope.day)
        .filter(unit=unit)
        .select_related("user")
        .order_by("role", "user__full_name")
    )


def own_memberships(*, user) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation", "unit")
        .order_by("-valid_from")
    )


def recovery_codes_left(user) -> int:
    """How many of the user's recovery codes are still unused."""
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def second_factor_lock(user) -> SecondFactorLock | None:
    """The account's lock while it holds (too many wrong codes in a row), else None."""
    lock = SecondFactorLock.objects.filter(user=user).first()
    return lock if lock is not None and lock.is_locked() else None
