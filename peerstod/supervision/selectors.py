"""Scoped reads: supervision content is for the supervisor and the peer supporter only."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from peerstod.accounts.roles import Role
from peerstod.accounts.scope import Scope
from peerstod.people.models import Person
from peerstod.supervision.models import (
    Action,
    CheckIn,
    NetworkMeeting,
    Notification,
    Session,
)
from peerstod.supervision.services import supervisees


def my_supervisees(*, user, day: date) -> QuerySet[Person]:
    return supervisees(user, day).order_by("full_name")


def session_get(*, user, code: str) -> Session:
    """The supervisor of the session or one of its peer supporters; nobody else."""
    return get_object_or_404(
        Session.objects.filter(Q(supervisor=user) | Q(participants__user=user)).distinct(),
        code=code,
    )


def sessions_for_supervisor(*, user) -> QuerySet[Session]:
    return Session.objects.filter(supervisor=user).prefetch_related("participants")


def sessions_for_person(*, person: Person) -> QuerySet[Session]:
    return person.supervision_sessions.select_related("supervisor")


def supervision_dates_for_units(*, scope: Scope, unit_ids) -> list[tuple[str, object]]:
    """What the employer may see: that supervision happened, and when. Never notes."""
    units = set(unit_ids) & scope.unit_ids(Role.UNIT_MANAGER, Role.PROGRAMME_COORDINATOR)
    return list(
        Session.objects.filter(status="held", participants__employments__unit_id__in=units)
        .distinct()
        .order_by("-starts_at")
        .values_list("participants__full_name", "starts_at")[:20]
    )


def check_ins(*, scope: Scope) -> QuerySet[CheckIn]:
    units = scope.unit_ids(Role.UNIT_MANAGER, Role.PROGRAMME_COORDINATOR)
    return (
        CheckIn.objects.filter(unit_id__in=units)
        .select_related("person", "unit")
        .prefetch_related("actions")
    )


def action_get(*, scope: Scope, pk: int) -> Action:
    units = scope.unit_ids(Role.UNIT_MANAGER, Role.PROGRAMME_COORDINATOR)
    return get_object_or_404(
        Action.objects.select_related("check_in"), pk=pk, check_in__unit_id__in=units
    )


def people_on_units(*, scope: Scope) -> QuerySet[Person]:
    units = scope.unit_ids(Role.UNIT_MANAGER, Role.PROGRAMME_COORDINATOR)
    return Person.objects.filter(employments__unit_id__in=units).distinct().order_by("full_name")


def meetings_for_network(*, scope: Scope) -> QuerySet[NetworkMeeting]:
    networks = scope.coordinated_network_ids()
    return NetworkMeeting.objects.filter(network_id__in=networks).prefetch_related(
        "invited", "attended"
    )


def meeting_get(*, scope: Scope, code: str) -> NetworkMeeting:
    return get_object_or_404(meetings_for_network(scope=scope), code=code)


def network_people(*, scope: Scope) -> QuerySet[Person]:
    networks = scope.coordinated_network_ids()
    return (
        Person.objects.filter(network_id__in=networks, certifications__kind="basic")
        .distinct()
        .order_by("full_name")
    )


def upcoming_meetings(*, person: Person, now) -> QuerySet[NetworkMeeting]:
    return person.network_invitations.filter(starts_at__gte=now).order_by("starts_at")


def notifications(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user)[:30]
