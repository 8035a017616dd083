"""Scoped reads for recruitment and training.

Applications hold health disclosures: only the recruitment team (the network's
coordinators) reads them, and every read of one is audited. Principals and evaluators
see the funnel, which is an aggregate. Every selector that returns names for a page
(applicants, trainees, certified peer supporters) notes the read (`audit.read`).
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from peerstod.accounts.models import Membership, User
from peerstod.accounts.roles import Role
from peerstod.accounts.scope import Scope
from peerstod.core import audit
from peerstod.core.periods import valid_on
from peerstod.core.tokens import hash_token
from peerstod.orgs.models import Organisation, OrganisationKind
from peerstod.people import actions as people_actions
from peerstod.people.models import Certification
from peerstod.recruitment import actions
from peerstod.recruitment.models import (
    Application,
    ApplicationEvent,
    Call,
    Cohort,
    CohortKind,
    Enrolment,
    EnrolmentStatus,
    Step,
    TrainingSession,
)

FUNNEL_READERS = (Role.NETWORK_COORDINATOR, Role.PROGRAMME_COORDINATOR, Role.EVALUATOR)


def recruiting_networks(scope: Scope) -> set[int]:
    """The networks whose recruitment team the user is part of."""
    if scope.is_platform_admin:
        return set(
            Organisation.objects.filter(kind=OrganisationKind.NETWORK).values_list("id", flat=True)
        )
    return set(scope.coordinated_network_ids())


def is_recruiter(scope: Scope, network_id: int) -> bool:
    return network_id in recruiting_networks(scope)


def _counted_by(scope: Scope, prefix: str = "") -> Q:
    """Calls and cohorts the user may count (`prefix` reaches them from another model):
    their recruitment team's, or those for the organisations they coordinate or evaluate."""
    return Q(**{f"{prefix}network_id__in": recruiting_networks(scope)}) | Q(
        **{
            f"{prefix}principal_id__in": scope.organisation_ids(
                Role.PROGRAMME_COORDINATOR, Role.EVALUATOR
            )
        }
    )


def _trained_by(scope: Scope, prefix: str = "") -> Q:
    """Cohorts of the user's recruitment team, or that the user trains."""
    return Q(**{f"{prefix}network_id__in": recruiting_networks(scope)}) | Q(
        **{f"{prefix}trainers__id": scope.user_id}
    )


# Public -------------------------------------------------------------------------


def open_calls() -> QuerySet[Call]:
    today = timezone.localdate()
    return Call.objects.filter(valid_on(today, "opens_on", "closes_on")).select_related("principal")


def public_call_get(*, code: str) -> Call:
    return get_object_or_404(Call.objects.select_related("principal", "network"), code=code)


def application_by_token(*, token: str) -> Application:
    return get_object_or_404(
        Application.objects.select_related("call", "person"),
        status_token_hash=hash_token(token),
    )


# Recruitment team -------------------------------------------------------------------


def call_list(*, scope: Scope) -> QuerySet[Call]:
    calls = Call.objects.select_related("principal", "network").annotate(
        applied=Count("applications")
    )
    return calls.filter(_counted_by(scope)).order_by("-opens_on")


def call_get(*, scope: Scope, code: str) -> Call:
    return get_object_or_404(
        Call.objects.select_related("principal", "network"),
        code=code,
        network_id__in=recruiting_networks(scope),
    )


def application_list(*, scope: Scope, actor, call: Call, step: str = "") -> QuerySet[Application]:
    """The applicants of a call, by name: a read of personal data."""
    applications = Application.objects.filter(
        call=call, call__network_id__in=recruiting_networks(scope)
    ).select_related("person", "cohort")
    audit.read(actor=actor, action=actions.CALL_VIEWED, obj=call, organisation=call.network)
    if step:
        applications = applications.filter(step=step)
    return applications.order_by("-submitted_at")


def application_get(*, scope: Scope, actor, code: str, read: bool = True) -> Application:
    """One application of the user's networks (404 otherwise). `read=False` when the
    caller notes a read of its own (the export)."""
    application = get_object_or_404(
        Application.objects.select_related("call", "call__network", "person", "cohort"),
        code=code,
        call__network_id__in=recruiting_networks(scope),
    )
    if read:
        audit.read(
            actor=actor,
            action=actions.APPLICATION_VIEWED,
            obj=application,
            organisation=application.call.network,
        )
    return application


# Training ---------------------------------------------------------------------------


def cohort_list(*, scope: Scope) -> QuerySet[Cohort]:
    return (
        Cohort.objects.filter(_trained_by(scope))
        .distinct()
        .annotate(
            participants=Count("enrolments", distinct=True),
            completed=Count(
                "enrolments",
                filter=Q(enrolments__status=EnrolmentStatus.COMPLETED),
                distinct=True,
            ),
            days=Count("sessions", distinct=True),
        )
        .order_by("-starts_on")
    )


def cohort_get(*, scope: Scope, code: str) -> Cohort:
    visible = Cohort.objects.filter(_trained_by(scope)).distinct()
    return get_object_or_404(visible.select_related("network", "principal"), code=code)


def session_get(*, scope: Scope, code: str) -> TrainingSession:
    visible = TrainingSession.objects.filter(_trained_by(scope, "cohort__")).distinct()
    return get_object_or_404(visible.select_related("cohort"), code=code)


def enrolment_list(*, actor, cohort: Cohort) -> QuerySet[Enrolment]:
    """Participants of a cohort the caller has already been allowed to see, by name."""
    audit.read(actor=actor, action=actions.COHORT_VIEWED, obj=cohort, organisation=cohort.network)
    return (
        cohort.enrolments.select_related("person", "application")
        .prefetch_related("person__certifications")
        .order_by("person__full_name")
    )


def attendance_summary(*, cohort: Cohort) -> dict[int, tuple[int, int]]:
    """enrolment id → (days present, days marked)."""
    rows = cohort.enrolments.annotate(
        present=Count("attendance", filter=Q(attendance__present=True)),
        marked=Count("attendance"),
    ).values_list("id", "present", "marked")
    return {enrolment_id: (present, marked) for enrolment_id, present, marked in rows}


def enrolment_get(*, scope: Scope, code: str) -> Enrolment:
    return get_object_or_404(
        Enrolment.objects.select_related("cohort", "person", "application"),
        code=code,
        cohort__network_id__in=recruiting_networks(scope),
    )


def recruiting_network_list(*, scope: Scope) -> list:
    return list(Organisation.objects.filter(pk__in=recruiting_networks(scope)).order_by("pk"))


def step_counts(*, call: Call) -> list[tuple[str, object, int]]:
    """(step, label, applications now at that step) for the call's overview."""
    counts = dict(call.applications.values("step").annotate(n=Count("id")).values_list("step", "n"))
    return [(step.value, step.label, counts.get(step.value, 0)) for step in Step]


def basic_cohorts(*, scope: Scope, network_id: int) -> QuerySet[Cohort]:
    if network_id not in recruiting_networks(scope):
        return Cohort.objects.none()
    return Cohort.objects.filter(network_id=network_id, kind=CohortKind.BASIC).order_by(
        "-starts_on"
    )


def trainer_users(*, scope: Scope, actor, network):
    """The network's trainers by name, to choose from (a register of staff: a read)."""
    if network.pk not in recruiting_networks(scope):
        return User.objects.none()
    audit.read(actor=actor, action=actions.TRAINERS_VIEWED, obj=network, organisation=network)
    holders = Membership.objects.active_on(scope.day).filter(
        role=Role.TRAINER, organisation=network
    )
    return User.objects.filter(memberships__in=holders).distinct().order_by("full_name")


def enrolment_in_cohort(*, cohort: Cohort, code: str) -> Enrolment:
    return get_object_or_404(Enrolment.objects.select_related("cohort"), cohort=cohort, code=code)


def attendance_rows(
    *, actor, session: TrainingSession, only: Enrolment | None = None
) -> list[dict]:
    """One row per participant of the session's cohort: present, absent or not marked."""
    audit.read(
        actor=actor,
        action=actions.SESSION_VIEWED,
        obj=session,
        organisation=session.cohort.network,
    )
    enrolments = session.cohort.enrolments.select_related("person").exclude(
        status=EnrolmentStatus.DISCONTINUED
    )
    if only is not None:
        enrolments = enrolments.filter(pk=only.pk)
    marks = dict(session.attendance.values_list("enrolment_id", "present"))
    return [
        {"enrolment": e, "present": marks.get(e.pk)}
        for e in enrolments.order_by("person__full_name")
    ]


def certificates_visible(scope: Scope) -> Q:
    """Certificates the user may open: their recruitment team's, and those issued from a
    cohort the user trains. The trainer already sees the cohort's participants by name and
    marks their completion; the certificate tells nothing more (name, training, date)."""
    return Q(person__network_id__in=recruiting_networks(scope)) | Q(
        cohort__trainers__id=scope.user_id
    )


def certification_get(*, scope: Scope, actor, code: str):
    """A certificate the user may open, with the peer supporter's name: a read."""
    visible = Certification.objects.filter(certificates_visible(scope)).distinct()
    certification = get_object_or_404(
        visible.select_related("person", "person__network", "cohort", "cohort__network"),
        code=code,
    )
    audit.read(
        actor=actor,
        action=people_actions.CERTIFICATE_VIEWED,
        obj=certification,
        organisation=certification.person.network,
    )
    return certification


def funnel_applications(*, scope: Scope) -> QuerySet[Application]:
    """Applications the user may count: their network's, or their organisation's calls."""
    return Application.objects.filter(_counted_by(scope, "call__"))


def funnel_version(*, applications: QuerySet[Application]) -> tuple:
    """What the funnel of these applications is counted from, in short (two queries):
    how many applications and steps there are, the last of each, and how many are in
    each cohort and call; any new step, application, decision or move gives another."""
    apps = applications.aggregate(
        n=Count("id"),
        last=Max("id"),
        cohorts=Sum("cohort_id"),
        calls=Sum("call_id"),
        decided=Max("decided_at"),
    )
    steps = ApplicationEvent.objects.filter(application__in=applications).aggregate(
        n=Count("id"), last=Max("id")
    )
    principals = tuple(
        Call.objects.filter(pk__in=applications.values("call_id"))
        .order_by("pk")
        .values_list("pk", "principal_id")
    )
    return (
        tuple(str(v) for v in apps.values()),
        tuple(str(v) for v in steps.values()),
        principals,
    )


def funnel_cohorts(*, scope: Scope) -> QuerySet[Cohort]:
    return Cohort.objects.filter(_counted_by(scope)).order_by("-starts_on")


def funnel_organisations(*, scope: Scope):
    principals = Call.objects.filter(_counted_by(scope)).values("principal_id")
    return Organisation.objects.filter(pk__in=principals).order_by("name")


# Start pages ------------------------------------------------------------------------


def trained_cohorts(*, scope: Scope) -> QuerySet[Cohort]:
    """The cohorts the user is trainer of (not the whole team's)."""
    return Cohort.objects.filter(Q(**{"trainers__id": scope.user_id})).distinct()


def _own_sessions(scope: Scope) -> QuerySet[TrainingSession]:
    return TrainingSession.objects.filter(
        Q(**{"cohort__trainers__id": scope.user_id})
    ).select_related("cohort")


def sessions_ahead(*, scope: Scope, day, limit: int = 5) -> list[TrainingSession]:
    """The next training days of the user's cohorts, today's first."""
    return list(_own_sessions(scope).filter(day__gte=day).order_by("day", "cohort__name")[:limit])


def sessions_to_mark(*, scope: Scope, day) -> list[TrainingSession]:
    """Training days of the user's cohorts, up to `day`, where a participant still in the
    training has no mark: the attendance to mark, latest first. Counts only (no names)."""
    active = ~Q(cohort__enrolments__status=EnrolmentStatus.DISCONTINUED)
    marked = ~Q(attendance__enrolment__status=EnrolmentStatus.DISCONTINUED)
    return list(
        _own_sessions(scope)
        .filter(day__lte=day)
        .annotate(
            expected=Count("cohort__enrolments", filter=active, distinct=True),
            marked=Count("attendance", filter=marked, distinct=True),
        )
        .filter(marked__lt=F("expected"))
        .order_by("-day", "cohort__name")
    )


# Applications wait at most this many days at a step before the team takes the next one
# (docs/natverkssamordnare.md). An interview booked counts from the interview itself.
WAIT_DAYS = 10
WAITING_STEPS = (
    Step.RECEIVED,
    Step.SCREENED,
    Step.INTERVIEW_BOOKED,
    Step.INTERVIEWED,
    Step.ADMITTED,
)


def applications_overdue(*, scope: Scope, now) -> list[tuple[Call, str, int]]:
    """(call, step, applications) waiting longer than WAIT_DAYS at that step, for the
    recruitment team: a work list of rows the team reads one by one, so not suppressed."""
    limit = now - timedelta(days=WAIT_DAYS)
    rows = (
        Application.objects.filter(
            call__network_id__in=recruiting_networks(scope),
            step__in=WAITING_STEPS,
            anonymised_at__isnull=True,
        )
        .annotate(since=Max("events__at"))
        .values_list("call_id", "step", "since", "interview_at")
    )
    counts: dict[tuple[int, str], int] = {}
    for call_id, step, since, interview_at in rows:
        if step == Step.INTERVIEW_BOOKED and interview_at is not None:
            since = interview_at
        if since is not None and since < limit:
            counts[(call_id, step)] = counts.get((call_id, step), 0) + 1
    calls = Call.objects.in_bulk({call_id for call_id, _step in counts})
    order = [step.value for step in Step]
    return [
        (calls[call_id], step, n)
        for (call_id, step), n in sorted(
            counts.items(), key=lambda item: (calls[item[0][0]].opens_on, order.index(item[0][1]))
        )
    ]


def cohorts_to_certify(*, scope: Scope) -> list[tuple[Cohort, int]]:
    """(cohort, participants) of the team's cohorts with participants who completed and
    have no certificate from the cohort yet."""
    certified = Certification.objects.filter(cohort=OuterRef("cohort"), person=OuterRef("person"))
    waiting = (
        Enrolment.objects.filter(
            cohort__network_id__in=recruiting_networks(scope),
            status=EnrolmentStatus.COMPLETED,
            person__isnull=False,
        )
        .filter(Q(application__isnull=True) | Q(application__step=Step.COMPLETED))
        .exclude(Exists(certified))
        .values("cohort_id")
        .annotate(n=Count("id"))
        .values_list("cohort_id", "n")
    )
    counts = dict(waiting)
    cohorts = Cohort.objects.filter(pk__in=counts).order_by("-starts_on")
    return [(cohort, counts[cohort.pk]) for cohort in cohorts]


def open_calls_of_team(*, scope: Scope, day) -> QuerySet[Call]:
    return Call.objects.filter(
        valid_on(day, "opens_on", "closes_on"), network_id__in=recruiting_networks(scope)
    ).order_by("closes_on")
