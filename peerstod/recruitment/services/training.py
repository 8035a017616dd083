"""Training: cohorts and their days, attendance, and the end of a participant's
training (completed, discontinued, certified)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from peerstod.accounts.scope import Scope
from peerstod.core import audit
from peerstod.core.usecase import use_case
from peerstod.orgs.models import Organisation
from peerstod.people.models import Certification, CertificationKind
from peerstod.recruitment import actions
from peerstod.recruitment.models import (
    Attendance,
    Cohort,
    CohortKind,
    DiscontinuedReason,
    Enrolment,
    EnrolmentStatus,
    Step,
    TrainingSession,
)
from peerstod.recruitment.services.steps import (
    _dates_in_range,
    _once,
    _record,
    _require_recruiter,
    _require_trainer_or_recruiter,
)


@use_case
def cohort_create(
    *, scope: Scope, actor, network: Organisation, trainers=(), once: str = "", **fields
) -> Cohort:
    _require_recruiter(scope, network.pk)

    def make() -> Cohort:
        cohort = Cohort(network=network, **fields)
        cohort.full_clean()
        _dates_in_range(starts_on=cohort.starts_on, ends_on=cohort.ends_on)
        cohort.save()
        cohort.trainers.set(trainers)
        audit.record(actor=actor, action=actions.COHORT_CREATED, obj=cohort, organisation=network)
        return cohort

    return _once(
        once,
        purpose="recruitment.cohort",
        actor=actor,
        organisation=network,
        earlier=lambda code: Cohort.objects.filter(code=code, network=network).first(),
        make=make,
    )


@use_case
def session_add(
    *,
    scope: Scope,
    actor,
    cohort: Cohort,
    day: date,
    topic: str = "",
    place: str = "",
    once: str = "",
) -> TrainingSession:
    _require_recruiter(scope, cohort.network_id)

    def make() -> TrainingSession:
        if not cohort.starts_on <= day <= cohort.ends_on:
            raise ValidationError(
                {
                    "day": _("The day must lie within the cohort's dates, %(start)s – %(end)s.")
                    % {"start": cohort.starts_on, "end": cohort.ends_on}
                }
            )
        session = TrainingSession(cohort=cohort, day=day, topic=topic, place=place)
        session.full_clean()
        session.save()
        audit.record(
            actor=actor,
            action=actions.SESSION_ADDED,
            obj=session,
            organisation=cohort.network,
            day=day.isoformat(),
        )
        return session

    return _once(
        once,
        purpose="recruitment.session",
        actor=actor,
        organisation=cohort.network,
        earlier=lambda code: TrainingSession.objects.filter(code=code, cohort=cohort).first(),
        make=make,
    )


@use_case
def attendance_mark(
    *, scope: Scope, actor, session: TrainingSession, enrolment: Enrolment, present: bool
) -> Attendance:
    _require_trainer_or_recruiter(scope, session.cohort)
    if enrolment.cohort_id != session.cohort_id:
        raise ValidationError(_("The participant is not in the cohort of this training day."))
    if enrolment.status == EnrolmentStatus.DISCONTINUED:
        raise ValidationError(_("The participant has left the training."))
    attendance, _created = Attendance.objects.update_or_create(
        session=session,
        enrolment=enrolment,
        defaults={"present": present, "marked_by": actor},
    )
    audit.record(
        actor=actor,
        action=actions.ATTENDANCE_MARKED,
        obj=enrolment,
        organisation=session.cohort.network,
        session=session.code,
        present=present,
    )
    return attendance


def attendance_share(enrolment: Enrolment) -> tuple[int, int]:
    """(days present, training days of the cohort)."""
    days = enrolment.cohort.sessions.count()
    present = enrolment.attendance.filter(present=True).count()
    return present, days


@use_case
def enrolment_complete(*, scope: Scope, actor, enrolment: Enrolment, on: date) -> Enrolment:
    _require_recruiter(scope, enrolment.cohort.network_id)
    if enrolment.status != EnrolmentStatus.ENROLLED:
        raise ValidationError(_("Only a participant still in training can complete it."))
    present, days = attendance_share(enrolment)
    needed = enrolment.cohort.min_attendance_percent
    if days == 0 or present * 100 < needed * days:
        raise ValidationError(
            _("%(present)d of %(days)d days attended; the cohort needs %(needed)d %% to complete.")
            % {"present": present, "days": days, "needed": needed}
        )
    return _end_training(enrolment, EnrolmentStatus.COMPLETED, on=on, actor=actor)


@use_case
def enrolment_discontinue(
    *, scope: Scope, actor, enrolment: Enrolment, reason: str, on: date
) -> Enrolment:
    _require_recruiter(scope, enrolment.cohort.network_id)
    if enrolment.status != EnrolmentStatus.ENROLLED:
        raise ValidationError(_("Only a participant still in training can leave it."))
    if reason not in DiscontinuedReason.values:
        raise ValidationError({"reason": _("Choose why the training was discontinued.")})
    return _end_training(enrolment, EnrolmentStatus.DISCONTINUED, on=on, actor=actor, reason=reason)


# How a training ends: the enrolment's status, the application's step, the audit action.
ENDINGS = {
    EnrolmentStatus.COMPLETED: (Step.COMPLETED, actions.ENROLMENT_COMPLETED),
    EnrolmentStatus.DISCONTINUED: (Step.DISCONTINUED, actions.ENROLMENT_DISCONTINUED),
}


def _end_training(enrolment: Enrolment, status: str, *, on: date, actor, reason: str = ""):
    step, action = ENDINGS[EnrolmentStatus(status)]
    enrolment.status = status
    enrolment.ended_on = on
    if reason:
        enrolment.reason = reason
    enrolment.save()
    if enrolment.application is not None:
        _record(enrolment.application, step, by=actor, reason=reason)
    audit.record(actor=actor, action=action, obj=enrolment, organisation=enrolment.cohort.network)
    return enrolment


CERTIFICATION_FOR = {
    CohortKind.BASIC: CertificationKind.BASIC,
    CohortKind.FURTHER: CertificationKind.FURTHER,
    CohortKind.TRAINER: CertificationKind.TRAINER,
}


@use_case
def enrolment_certify(*, scope: Scope, actor, enrolment: Enrolment, on: date) -> Certification:
    _require_recruiter(scope, enrolment.cohort.network_id)
    if enrolment.status != EnrolmentStatus.COMPLETED:
        raise ValidationError(_("Only someone who has completed the training can be certified."))
    if enrolment.person is None:
        raise ValidationError(_("The participant's personal data has been removed."))
    certification = Certification(
        person=enrolment.person,
        kind=CERTIFICATION_FOR[CohortKind(enrolment.cohort.kind)],
        certified_on=on,
        cohort=enrolment.cohort,
        issued_by=actor,
    )
    certification.full_clean()
    certification.save()
    if enrolment.application is not None:
        _record(enrolment.application, Step.CERTIFIED, by=actor)
    audit.record(
        actor=actor,
        action=actions.PERSON_CERTIFIED,
        obj=enrolment,
        organisation=enrolment.cohort.network,
    )
    return certification
