"""Every change in recruitment and training: one transaction per use case, audited."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from peerstod.accounts.scope import Scope
from peerstod.core import audit
from peerstod.orgs.models import Organisation
from peerstod.people.models import Certification, CertificationKind, Person
from peerstod.recruitment.models import (
    Application,
    ApplicationEvent,
    ApplicationNote,
    Attendance,
    Call,
    Cohort,
    CohortKind,
    DiscontinuedReason,
    Enrolment,
    EnrolmentStatus,
    NotAdmittedReason,
    Step,
    TrainingSession,
)
from peerstod.recruitment.selectors import hash_token, is_recruiter

# Which step may follow which. Completed, discontinued and certified come from the
# cohort (attendance), not from this table's callers directly.
NEXT_STEPS: dict[str, set[str]] = {
    Step.RECEIVED: {Step.SCREENED, Step.NOT_ADMITTED},
    Step.SCREENED: {Step.INTERVIEW_BOOKED, Step.NOT_ADMITTED},
    Step.INTERVIEW_BOOKED: {Step.INTERVIEWED, Step.NOT_ADMITTED},
    Step.INTERVIEWED: {Step.ADMITTED, Step.NOT_ADMITTED},
    Step.ADMITTED: {Step.ENROLLED},
    Step.ENROLLED: {Step.COMPLETED, Step.DISCONTINUED},
    Step.COMPLETED: {Step.CERTIFIED},
    Step.CERTIFIED: {Step.EMPLOYED},
}
# The recruitment ends here; the retention clock starts.
FINAL_STEPS = {Step.NOT_ADMITTED, Step.DISCONTINUED, Step.CERTIFIED, Step.WITHDRAWN}
WITHDRAWABLE = {
    Step.RECEIVED,
    Step.SCREENED,
    Step.INTERVIEW_BOOKED,
    Step.INTERVIEWED,
    Step.ADMITTED,
    Step.ENROLLED,
}


def _require_recruiter(scope: Scope, network_id: int) -> None:
    if not is_recruiter(scope, network_id):
        raise PermissionDenied


def _require_trainer_or_recruiter(scope: Scope, cohort: Cohort) -> None:
    if is_recruiter(scope, cohort.network_id):
        return
    if scope.user_id is not None and cohort.trainers.filter(pk=scope.user_id).exists():
        return
    raise PermissionDenied


def _in_tree(organisation: Organisation, root: Organisation) -> bool:
    node: Organisation | None = organisation
    while node is not None:
        if node.pk == root.pk:
            return True
        node = node.parent
    return False


# Calls ------------------------------------------------------------------------------


def call_create(*, scope: Scope, actor, network: Organisation, **fields: Any) -> Call:
    _require_recruiter(scope, network.pk)
    call = Call(network=network, **fields)
    call.full_clean()
    if call.principal.is_network:
        raise ValidationError({"principal": _("Choose a region or municipality.")})
    with transaction.atomic():
        call.save()
        audit.record(actor=actor, action="recruitment.call.created", obj=call, organisation=network)
    return call


# Applications -----------------------------------------------------------------------


def application_submit(
    *,
    call: Call,
    full_name: str,
    email: str,
    phone: str = "",
    motivation: str,
    lived_experience: str = "",
    availability: str = "",
    fte_min: int,
    fte_max: int,
    areas: list[Organisation] | None = None,
    consent: bool,
    status_url: str = "",
    now: datetime | None = None,
) -> tuple[Application, str]:
    """Take an application from the public form. Returns it and its private status token."""
    now = now or timezone.now()
    errors: dict[str, Any] = {}
    if not call.is_open_on(timezone.localdate(now)):
        raise ValidationError(
            _("The call is closed: applications were taken %(opens)s – %(closes)s.")
            % {"opens": call.opens_on, "closes": call.closes_on}
        )
    if consent is not True:
        errors["consent"] = _(
            "We need your consent to handle what you tell us about your health, "
            "or we cannot take your application."
        )
    areas = list(areas or [])
    if any(not _in_tree(area, call.principal) for area in areas):
        errors["areas"] = _("Choose among the areas of this call.")
    if errors:
        raise ValidationError(errors)
    email = email.strip().lower()
    person = Person.objects.filter(network=call.network, email=email).first()
    if person is not None and Application.objects.filter(call=call, person=person).exists():
        raise ValidationError(
            {
                "email": _(
                    "An application with this e-mail address has already been sent to "
                    "this call. Use the status link in your receipt to see it."
                )
            }
        )
    if person is None:
        person = Person(network=call.network, email=email)
    person.full_name = full_name
    person.phone = phone
    person.fte_min, person.fte_max = fte_min, fte_max
    token = secrets.token_urlsafe(24)
    application = Application(
        call=call,
        motivation=motivation,
        lived_experience=lived_experience,
        availability=availability,
        fte_min=fte_min,
        fte_max=fte_max,
        consent_at=now,
        submitted_at=now,
        status_token_hash=hash_token(token),
    )
    person.full_clean(validate_unique=False)
    application.full_clean(exclude=["person"])
    try:
        with transaction.atomic():
            person.save()
            application.person = person
            application.save()
            application.areas.set(areas)
            ApplicationEvent.objects.create(application=application, step=Step.RECEIVED, at=now)
            audit.record(
                actor=None,
                action="recruitment.application.submitted",
                obj=application,
                organisation=call.network,
            )
            if status_url:
                transaction.on_commit(
                    lambda: _send_receipt(application, person.email, status_url + token + "/")
                )
    except IntegrityError as error:
        # Two submissions racing each other: the constraint caught the second.
        raise ValidationError(
            {
                "email": _(
                    "An application with this e-mail address has already been sent to this call."
                )
            }
        ) from error
    return application, token


def _send_receipt(application: Application, email: str, status_link: str) -> None:
    body = render_to_string(
        "recruitment/email/receipt.txt", {"application": application, "link": status_link}
    )
    send_mail(
        _("We have received your application: %(call)s") % {"call": application.call},
        body,
        settings.DEFAULT_FROM_EMAIL,
        [email],
    )


def _record(
    application: Application, step: str, *, by=None, reason: str = "", at: datetime | None = None
) -> None:
    at = at or timezone.now()
    application.step = step
    if reason:
        application.reason = reason
    if step in FINAL_STEPS:
        application.decided_at = at
    application.save()
    ApplicationEvent.objects.create(application=application, step=step, at=at, by=by, reason=reason)


def application_advance(
    *,
    scope: Scope,
    actor,
    application: Application,
    step: str,
    reason: str = "",
    interview_at: datetime | None = None,
    cohort: Cohort | None = None,
    at: datetime | None = None,
) -> Application:
    """Move an application one step on the recruitment path, refusing anything else."""
    _require_recruiter(scope, application.call.network_id)
    if application.anonymised_at is not None:
        raise ValidationError(_("The application's personal data has been removed."))
    allowed = NEXT_STEPS.get(application.step, set())
    if step not in allowed or step in {Step.COMPLETED, Step.DISCONTINUED, Step.CERTIFIED}:
        raise ValidationError(
            _(
                "An application that is “%(current)s” cannot go to “%(wanted)s”. "
                "Next possible: %(allowed)s."
            )
            % {
                "current": Step(application.step).label,
                "wanted": Step(step).label if step in Step.values else step,
                "allowed": ", ".join(
                    str(Step(s).label)
                    for s in sorted(allowed)
                    if s not in {Step.COMPLETED, Step.DISCONTINUED, Step.CERTIFIED}
                )
                or "–",
            }
        )
    errors: dict[str, Any] = {}
    if step == Step.NOT_ADMITTED and reason not in NotAdmittedReason.values:
        errors["reason"] = _("Choose why the applicant was not admitted.")
    if step == Step.INTERVIEW_BOOKED and interview_at is None:
        errors["interview_at"] = _("Give the date and time of the interview.")
    if step == Step.ENROLLED:
        if cohort is None:
            errors["cohort"] = _("Choose the cohort.")
        elif cohort.network_id != application.call.network_id or cohort.kind != CohortKind.BASIC:
            errors["cohort"] = _("Choose a basic-training cohort of the same network.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if step == Step.INTERVIEW_BOOKED:
            application.interview_at = interview_at
        if step == Step.ENROLLED:
            assert cohort is not None
            application.cohort = cohort
            enrolment = Enrolment(cohort=cohort, person=application.person, application=application)
            enrolment.full_clean(exclude=["application"])
            enrolment.save()
        _record(
            application, step, by=actor, reason=reason if step == Step.NOT_ADMITTED else "", at=at
        )
        audit.record(
            actor=actor,
            action=f"recruitment.application.{step}",
            obj=application,
            organisation=application.call.network,
        )
    return application


def application_note_add(*, scope: Scope, actor, application: Application, text: str):
    _require_recruiter(scope, application.call.network_id)
    note = ApplicationNote(application=application, author=actor, text=text)
    note.full_clean()
    with transaction.atomic():
        note.save()
        audit.record(
            actor=actor,
            action="recruitment.application.note_added",
            obj=application,
            organisation=application.call.network,
        )
    return note


def _anonymise(application: Application, now: datetime) -> None:
    """Remove everything personal from an application; keep its anonymous steps."""
    person = application.person
    application.person = None
    application.motivation = ""
    application.lived_experience = ""
    application.availability = ""
    application.status_token_hash = None
    application.interview_at = None
    application.anonymised_at = now
    application.save()
    application.areas.clear()
    application.notes.all().delete()
    if person is not None:
        enrolment = Enrolment.objects.filter(application=application).first()
        if enrolment is not None and not person.certifications.exists():
            enrolment.person = None
            enrolment.save(update_fields=["person"])
        still_needed = (
            person.certifications.exists()
            or person.applications.exists()
            or person.enrolments.exists()
            or person.user_id is not None
        )
        if not still_needed:
            person.delete()


def application_withdraw(*, token: str) -> None:
    """The applicant withdraws: their data is deleted; an anonymous count remains."""
    from peerstod.recruitment.selectors import application_by_token

    application = application_by_token(token=token)
    if application.step not in WITHDRAWABLE:
        raise ValidationError(
            _("The application can no longer be withdrawn here. Contact the recruitment team.")
        )
    now = timezone.now()
    with transaction.atomic():
        enrolment = Enrolment.objects.filter(
            application=application, status=EnrolmentStatus.ENROLLED
        ).first()
        if enrolment is not None:
            enrolment.status = EnrolmentStatus.DISCONTINUED
            enrolment.reason = DiscontinuedReason.OWN_CHOICE
            enrolment.ended_on = timezone.localdate(now)
            enrolment.save()
        _record(application, Step.WITHDRAWN, at=now)
        _anonymise(application, now)
        audit.record(
            actor=None,
            action="recruitment.application.withdrawn",
            obj=application,
            organisation=application.call.network,
        )


def purge(*, now: datetime | None = None) -> dict[str, int]:
    """Anonymise applications whose retention period after the final decision is over.

    Idempotent: an application is anonymised once; a second run finds nothing.
    """
    now = now or timezone.now()
    due = []
    candidates = Application.objects.filter(
        anonymised_at__isnull=True, decided_at__isnull=False
    ).select_related("call", "person")
    for application in candidates:
        months = application.call.retention_months
        decided = timezone.localtime(application.decided_at)
        year = decided.year + (decided.month - 1 + months) // 12
        month = (decided.month - 1 + months) % 12 + 1
        try:
            end = decided.replace(year=year, month=month)
        except ValueError:  # 31 March + 1 month: the end of the shorter month
            end = decided.replace(year=year, month=month, day=28)
        if end <= now:
            due.append(application)
    people_before = Person.objects.count()
    with transaction.atomic():
        for application in due:
            _anonymise(application, now)
        removed: dict[str, Any] = {
            "applications_anonymised": len(due),
            "people_deleted": people_before - Person.objects.count(),
        }
        if due:
            audit.record(actor=None, action="recruitment.purge", **removed)
    return removed


def applicant_export(*, scope: Scope, actor, application: Application) -> dict[str, Any]:
    """Everything the platform holds about the applicant (GDPR art. 15), as plain data."""
    _require_recruiter(scope, application.call.network_id)
    person = application.person
    if person is None:
        raise ValidationError(_("The application's personal data has been removed."))

    def when(value):
        return value.isoformat() if value else None

    data = {
        "person": {
            "name": person.full_name,
            "email": person.email,
            "phone": person.phone,
            "service_degree_percent": [person.fte_min, person.fte_max],
            "registered": when(person.created_at),
        },
        "applications": [
            {
                "call": str(app.call),
                "submitted": when(app.submitted_at),
                "step": app.step,
                "motivation": app.motivation,
                "own_experience": app.lived_experience,
                "availability": app.availability,
                "service_degree_percent": [app.fte_min, app.fte_max],
                "areas": [str(a) for a in app.areas.all()],
                "consent_given": when(app.consent_at),
                "interview": when(app.interview_at),
                "steps": [
                    {"step": e.step, "at": when(e.at), "reason": e.reason} for e in app.events.all()
                ],
                "notes": [{"at": when(n.at), "text": n.text} for n in app.notes.all()],
            }
            for app in person.applications.select_related("call").order_by("submitted_at")
        ],
        "training": [
            {
                "cohort": str(e.cohort),
                "status": e.status,
                "ended_on": when(e.ended_on),
                "days_present": [str(a.session.day) for a in e.attendance.all() if a.present],
            }
            for e in person.enrolments.select_related("cohort")
        ],
        "certifications": [
            {"kind": c.kind, "certified_on": when(c.certified_on)}
            for c in person.certifications.all()
        ],
    }
    audit.record(
        actor=actor,
        action="recruitment.applicant.exported",
        obj=application,
        organisation=application.call.network,
    )
    return data


# Cohorts and attendance ---------------------------------------------------------------


def cohort_create(*, scope: Scope, actor, network: Organisation, trainers=(), **fields) -> Cohort:
    _require_recruiter(scope, network.pk)
    cohort = Cohort(network=network, **fields)
    cohort.full_clean()
    with transaction.atomic():
        cohort.save()
        cohort.trainers.set(trainers)
        audit.record(
            actor=actor, action="recruitment.cohort.created", obj=cohort, organisation=network
        )
    return cohort


def session_add(*, scope: Scope, actor, cohort: Cohort, day: date, topic: str = ""):
    _require_recruiter(scope, cohort.network_id)
    if not cohort.starts_on <= day <= cohort.ends_on:
        raise ValidationError(
            {
                "day": _("The day must lie within the cohort's dates, %(start)s – %(end)s.")
                % {"start": cohort.starts_on, "end": cohort.ends_on}
            }
        )
    session = TrainingSession(cohort=cohort, day=day, topic=topic)
    session.full_clean()
    session.save()
    return session


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
    return attendance


def attendance_share(enrolment: Enrolment) -> tuple[int, int]:
    """(days present, training days of the cohort)."""
    days = enrolment.cohort.sessions.count()
    present = enrolment.attendance.filter(present=True).count()
    return present, days


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
    with transaction.atomic():
        enrolment.status = EnrolmentStatus.COMPLETED
        enrolment.ended_on = on
        enrolment.save()
        if enrolment.application is not None:
            _record(enrolment.application, Step.COMPLETED, by=actor)
        audit.record(
            actor=actor,
            action="recruitment.enrolment.completed",
            obj=enrolment,
            organisation=enrolment.cohort.network,
        )
    return enrolment


def enrolment_discontinue(
    *, scope: Scope, actor, enrolment: Enrolment, reason: str, on: date
) -> Enrolment:
    _require_recruiter(scope, enrolment.cohort.network_id)
    if enrolment.status != EnrolmentStatus.ENROLLED:
        raise ValidationError(_("Only a participant still in training can leave it."))
    if reason not in DiscontinuedReason.values:
        raise ValidationError({"reason": _("Choose why the training was discontinued.")})
    with transaction.atomic():
        enrolment.status = EnrolmentStatus.DISCONTINUED
        enrolment.ended_on = on
        enrolment.reason = reason
        enrolment.save()
        if enrolment.application is not None:
            _record(enrolment.application, Step.DISCONTINUED, by=actor, reason=reason)
        audit.record(
            actor=actor,
            action="recruitment.enrolment.discontinued",
            obj=enrolment,
            organisation=enrolment.cohort.network,
        )
    return enrolment


CERTIFICATION_FOR = {
    CohortKind.BASIC: CertificationKind.BASIC,
    CohortKind.FURTHER: CertificationKind.FURTHER,
    CohortKind.TRAINER: CertificationKind.TRAINER,
}


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
    with transaction.atomic():
        certification.save()
        if enrolment.application is not None:
            _record(enrolment.application, Step.CERTIFIED, by=actor)
        audit.record(
            actor=actor,
            action="recruitment.person.certified",
            obj=enrolment,
            organisation=enrolment.cohort.network,
        )
    return certification


def application_mark_employed(*, application: Application, at: datetime, actor=None) -> None:
    """Called by placement when a certified peer supporter from this call is employed."""
    if application.step != Step.CERTIFIED:
        raise ValidationError(_("Only a certified applicant can be recorded as employed."))
    _record(application, Step.EMPLOYED, by=actor, at=at)
