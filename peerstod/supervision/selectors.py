"""Scoped reads: supervision content is for the supervisor and the peer supporter only.

A selector that returns another person's data for a page notes the read
(`audit.read`, one row per page); the peer supporter's own pages note none."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from peerstod.accounts.roles import Role
from peerstod.accounts.scope import Scope
from peerstod.core import audit
from peerstod.core.periods import valid_on
from peerstod.orgs.models import Organisation, Unit
from peerstod.orgs.selectors import networks_coordinated
from peerstod.people.models import Person
from peerstod.placement.models import Employment
from peerstod.supervision import actions, drift
from peerstod.supervision.models import (
    Action,
    CheckIn,
    NetworkMeeting,
    Request,
    Session,
)
from peerstod.supervision.services import supervisees

MANAGING = (Role.UNIT_MANAGER, Role.PROGRAMME_COORDINATOR)


def my_supervisees(*, user, day: date) -> QuerySet[Person]:
    """The supervisor's supervisees on `day` (the booking form's choices)."""
    return supervisees(user, day).order_by("full_name")


@dataclass(frozen=True)
class SuperviseeRow:
    person: Person
    signal: drift.Signal
    request: Request | None
    weeks: int | None  # whole weeks since the last supervision held; None: never


def _weeks_since(last, day: date) -> int | None:
    return None if last is None else (day - timezone.localdate(last)).days // 7


def supervisee_rows(*, user, day: date) -> list[SuperviseeRow]:
    """Each supervisee with their drift signal, the weeks since their last supervision
    and the request not yet booked: red first, then amber, then green; by name within."""
    people = list(
        my_supervisees(user=user, day=day).prefetch_related(
            Prefetch(
                "supervision_requests",
                queryset=Request.objects.filter(handled_at__isnull=True),
                to_attr="open_requests",
            )
        )
    )
    signals = drift.signals([p.pk for p in people], day)
    rows = [
        SuperviseeRow(
            p,
            signals[p.pk],
            next(iter(p.open_requests), None),
            _weeks_since(signals[p.pk].last_supervision, day),
        )
        for p in people
    ]
    rows.sort(key=lambda row: -row.signal.level)  # stable: the name order stays within
    if rows:
        audit.read(
            actor=user,
            action=actions.SUPERVISEES_VIEWED,
            organisation=rows[0].person.network,
            people=len(rows),
        )
    return rows


def sessions_for_supervisor(*, user, limit: int = 20) -> list[Session]:
    sessions = list(
        Session.objects.filter(supervisor=user).prefetch_related("participants")[:limit]
    )
    if sessions:
        audit.read(actor=user, action=actions.SUPERVISEES_VIEWED, sessions=len(sessions))
    return sessions


def session_get(*, user, code: str) -> Session:
    """The supervisor of the session or one of its peer supporters; nobody else.

    The supervisor reads a supervisee's session; a peer supporter reads their own,
    and someone else's name only in a group session."""
    session = get_object_or_404(
        Session.objects.filter(Q(supervisor=user) | Q(participants__user=user))
        .distinct()
        .select_related("supervisor")
        .prefetch_related("participants"),
        code=code,
    )
    others = [p for p in session.participants.all() if p.user_id != user.pk]
    if session.supervisor_id == user.pk or others:
        audit.read(
            actor=user,
            action=actions.SESSION_VIEWED,
            obj=session,
            organisation=others[0].network if others else None,
        )
    return session


def sessions_for_person(*, person: Person) -> QuerySet[Session]:
    return person.supervision_sessions.select_related("supervisor")


def supervision_dates_for_units(*, scope: Scope, unit_ids, user=None) -> list[tuple[str, object]]:
    """What the employer may see: that supervision happened, and when. Never notes."""
    units = set(unit_ids) & scope.unit_ids(*MANAGING)
    dates: list[tuple[str, object]] = list(
        Session.objects.filter(status="held", participants__employments__unit_id__in=units)
        .distinct()
        .order_by("-starts_at")
        .values_list("participants__full_name", "starts_at")[:20]
    )
    if dates and user is not None:
        audit.read(actor=user, action=actions.CHECK_INS_VIEWED, sessions=len(dates))
    return dates


def check_ins(*, scope: Scope, user=None, limit: int = 30) -> list[CheckIn]:
    units = scope.unit_ids(*MANAGING)
    found = list(
        CheckIn.objects.filter(unit_id__in=units)
        .select_related("person", "unit__organisation")
        .prefetch_related("actions")[:limit]
    )
    if found and user is not None:
        audit.read(
            actor=user,
            action=actions.CHECK_INS_VIEWED,
            organisation=found[0].unit.organisation,
            check_ins=len(found),
        )
    return found


def shared_drift_signals(*, scope: Scope, user) -> list[tuple[Person, drift.Signal]]:
    """Signals the peer supporters on the user's units chose to show their managers."""
    people = list(people_on_units(scope=scope).filter(drift_share__shared=True))
    signals = drift.signals(p.pk for p in people)
    shared = [(p, signals[p.pk]) for p in people]
    if shared:
        audit.read(actor=user, action=actions.CHECK_INS_VIEWED, drift_signals=len(shared))
    return shared


def action_get(*, scope: Scope, pk: int) -> Action:
    units = scope.unit_ids(*MANAGING)
    return get_object_or_404(
        Action.objects.select_related("check_in__unit__organisation"),
        pk=pk,
        check_in__unit_id__in=units,
    )


def people_on_units(*, scope: Scope, user=None) -> QuerySet[Person]:
    """The peer supporters employed on the user's units (the check-in form's choices)."""
    units = scope.unit_ids(*MANAGING)
    people = Person.objects.filter(employments__unit_id__in=units).distinct().order_by("full_name")
    if user is not None and people.exists():
        audit.read(actor=user, action=actions.CHECK_INS_VIEWED, people="choices")
    return people


def check_in_unit(*, scope: Scope, person: Person) -> Unit | None:
    """The user's unit on which the peer supporter is employed."""
    job = (
        Employment.objects.filter(person=person, unit_id__in=scope.unit_ids(*MANAGING))
        .select_related("unit__organisation")
        .order_by("-starts_on")
        .first()
    )
    return job.unit if job else None


def meetings_for_network(*, scope: Scope) -> QuerySet[NetworkMeeting]:
    networks = scope.coordinated_network_ids()
    return NetworkMeeting.objects.filter(network_id__in=networks).prefetch_related(
        "invited", "attended"
    )


def meeting_get(*, scope: Scope, code: str, user=None) -> NetworkMeeting:
    meeting = get_object_or_404(
        meetings_for_network(scope=scope).select_related("network"), code=code
    )
    if user is not None:
        audit.read(
            actor=user, action=actions.MEETING_VIEWED, obj=meeting, organisation=meeting.network
        )
    return meeting


def network_people(*, scope: Scope, user=None) -> QuerySet[Person]:
    """The network's certified peer supporters (who can be invited)."""
    networks = scope.coordinated_network_ids()
    people = (
        Person.objects.filter(network_id__in=networks, certifications__kind="basic")
        .distinct()
        .order_by("full_name")
    )
    if user is not None and people.exists():
        audit.read(actor=user, action=actions.MEETINGS_VIEWED, people="choices")
    return people


def drift_counts(*, scope: Scope, day: date | None = None) -> Counter:
    """Drift signals per organisation where the network's peer supporters work today:
    (organisation name, level) → number of peer supporters, each counted once (on their
    first current employment). Counts only, for `drift.counts_table`, which hides every
    figure about fewer people than the threshold; no person is shown."""
    day = day or timezone.localdate()
    working = _working_where(scope, day)
    signals = drift.signals(working, day)
    return Counter((where, signals[pk].level) for pk, where in working.items())


def upcoming_meetings(*, person: Person, now) -> QuerySet[NetworkMeeting]:
    return person.network_invitations.filter(starts_at__gte=now).order_by("starts_at")


def network_coordinated(*, scope: Scope) -> Organisation | None:
    """The network whose meetings the viewer creates: one they coordinate themselves
    (a platform administrator sees every network but coordinates none)."""
    return networks_coordinated(scope=scope).filter(pk__in=scope.coordinated_network_ids()).first()


def supervision_overdue(person: Person, day: date) -> bool:
    """No supervision held in the last `supervision_weeks_amber` weeks, or never: the
    limit the daily reminder uses."""
    return _overdue_after(drift.last_supervision(person), day)


def _overdue_after(last: datetime | None, day: date) -> bool:
    weeks = settings.DRIFT["supervision_weeks_amber"]
    return last is None or timezone.localdate(last) <= day - timedelta(weeks=weeks)


def _working_where(scope: Scope, day: date) -> dict[int, str]:
    """The network's peer supporters at work today: person id → the name of the
    organisation of their first current employment (each person counted once)."""
    current = (
        Employment.objects.filter(
            valid_on(day, "starts_on", "ends_on"),
            person__in=network_people(scope=scope).values("pk"),
        )
        .order_by("person_id", "pk")
        .values_list("person_id", "unit__organisation__name")
    )
    found: dict[int, str] = {}
    for pk, where in current:
        found.setdefault(pk, where)
    return found


def overdue_counts(*, scope: Scope, day: date | None = None) -> Counter:
    """Peer supporters of the network at work today, by organisation and whether their
    supervision is overdue: (organisation name, True/False) → number of people. Counts
    only, for `drift.overdue_table` (the same suppression as the drift table)."""
    day = day or timezone.localdate()
    working = _working_where(scope, day)
    last = drift.last_supervisions(working)
    return Counter((where, _overdue_after(last.get(pk), day)) for pk, where in working.items())


def late_actions(*, scope: Scope, day: date) -> list[tuple[Unit, int]]:
    """Per unit the user manages or coordinates: how many actions agreed at check-ins
    are past their due date and not done. A count, no person: no read to note."""
    units = scope.unit_ids(*MANAGING)
    late: Counter = Counter(
        Action.objects.filter(
            check_in__unit_id__in=units, due_on__lt=day, done_on__isnull=True
        ).values_list("check_in__unit_id", flat=True)
    )
    found = Unit.objects.filter(pk__in=late).order_by("name")
    return [(unit, late[unit.pk]) for unit in found]


def self_assessment_due(*, person: Person, day: date) -> bool:
    """This month's self-assessment is not answered yet (the reminder's rule)."""
    return not person.self_assessments.filter(month=day.replace(day=1)).exists()
