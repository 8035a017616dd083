"""Every change in recruitment and training: one use case each (one transaction,
validated before it writes, audited; mail through the outbox after commit)."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from peerstod.accounts.scope import Scope
from peerstod.core import audit, idempotency
from peerstod.core.dates import FIRST_YEAR, LAST_YEAR, in_range
from peerstod.core.usecase import use_case
from peerstod.notifications.mail import mail_queue
from peerstod.orgs.models import Organisation
from peerstod.people.models import Certification, CertificationKind, Person
from peerstod.recruitment import actions
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


def _repeat(actor, obj, organisation, purpose: str):
    """A form sent twice: nothing new is made and the first result is returned. The
    repeat is noted in the audit log, so a double submission can be told from a second
    real one."""
    if obj is None:
        raise ValidationError(
            _("The form was already sent once. Reload the page to send a new one.")
        )
    audit.record(
        actor=actor,
        action=actions.REPEAT_IGNORED,
        obj=obj if getattr(obj, "code", None) else None,
        organisation=organisation,
        purpose=purpose,
    )
    return obj


# Calls ------------------------------------------------------------------------------


def _dates_in_range(**days: date | None) -> None:
    """Dates far outside the working years (0001, 9999) would break the date arithmetic
    of the funnel and the retention clock later; refuse them now."""
    errors = {
        name: _("Give a date between %(first)s and %(last)s.")
        % {"first": FIRST_YEAR, "last": LAST_YEAR}
        for name, day in days.items()
        if day is not None and not in_range(day)
    }
    if errors:
        raise ValidationError(errors)


@use_case
def call_create(
    *, scope: Scope, actor, network: Organisation, once: str = "", **fields: Any
) -> Call:
    _require_recruiter(scope, network.pk)
    fresh, earlier = idempotency.claim(once, purpose="recruitment.call")
    if not fresh:
        found = Call.objects.filter(code=earlier, network=network).first()
        return _repeat(actor, found, network, "recruitment.call")
    call = Call(network=network, **fields)
    call.full_clean()
    _dates_in_range(opens_on=call.opens_on, closes_on=call.closes_on)
    if call.principal.is_network:
        raise ValidationError({"principal": _("Choose a region or municipality.")})
    call.save()
    audit.record(actor=actor, action=actions.CALL_CREATED, obj=call, organisation=network)
    idempotency.remember(once, purpose="recruitment.call", result=call.code)
    return call


# Applications -----------------------------------------------------------------------


@use_case
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
    """Take an application from the public form. Returns it and its private status token.

    The form answers the same whoever the address belongs to: anyone can type anyone's
    address, and "already applied" would tell them that a named person has sought the
    training, which says they have lived experience of mental illness. So everything is
    validated the same way first; then exactly one mail goes to the address, which only
    its owner reads: the receipt with the status link for a new application, or, when
    this address has already applied to this call, a note that the application was
    already received. In that case nothing new is saved, the earlier application is
    returned and the token is "".

    What the applicant wrote (name, phone, service degree) is kept on the application.
    A person is created when the network has none with this e-mail address; an existing
    person is never changed from the public form: the recruitment team applies the new
    details after review (`application_contact_apply`).
    """
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
    if not full_name.strip():
        errors["full_name"] = _("Write your name.")
    if errors:
        raise ValidationError(errors)
    email = email.strip().lower()
    application = Application(
        call=call,
        full_name=full_name,
        phone=phone,
        motivation=motivation,
        lived_experience=lived_experience,
        availability=availability,
        fte_min=fte_min,
        fte_max=fte_max,
        consent_at=now,
        submitted_at=now,
    )
    application.full_clean(exclude=["person", "status_token_hash"])
    # The details a new person would get, checked for everyone alike.
    candidate = Person(
        network=call.network,
        email=email,
        full_name=full_name,
        phone=phone,
        fte_min=fte_min,
        fte_max=fte_max,
    )
    # Not whether the address is taken: that is the question nobody may ask here.
    candidate.full_clean(validate_unique=False, validate_constraints=False)
    candidate.validate_constraints(exclude=["email"])
    earlier = _earlier_application(call, email)
    if earlier is None:
        token = secrets.token_urlsafe(24)
        try:
            new_person = _save_application(application, candidate, areas, token, now)
        except IntegrityError:
            # Two submissions racing each other: the constraint caught the second,
            # which is answered like any repeat.
            earlier = _earlier_application(call, email)
            if earlier is None:
                raise
        else:
            audit.record(
                actor=None,
                action=actions.APPLICATION_SUBMITTED,
                obj=application,
                organisation=call.network,
                new_person=new_person,
            )
            if status_url:
                _queue_receipt(application, email, status_url + token + "/")
            return application, token
    audit.record(
        actor=None,
        action=actions.APPLICATION_REPEATED,
        obj=earlier,
        organisation=call.network,
    )
    if status_url:
        _queue_already_received(earlier, email)
    return earlier, ""


def _earlier_application(call: Call, email: str) -> Application | None:
    """This address's application to this call, if it still has one (a withdrawn or
    purged application no longer points to anyone)."""
    person = Person.objects.filter(network=call.network, email=email).first()
    if person is None:
        return None
    return Application.objects.filter(call=call, person=person).first()


@use_case
def _save_application(
    application: Application, candidate: Person, areas, token: str, now: datetime
) -> bool:
    """Save a new application (and its person, if the address is new). A use case of
    its own only to run in a savepoint of the submission, so that a constraint catching
    a racing twin undoes just this; the submission writes the audit row. Returns
    whether the person is new."""
    person = Person.objects.filter(network=candidate.network, email=candidate.email).first()
    new_person = person is None
    if person is None:
        person = candidate
        person.save()
    application.person = person
    application.status_token_hash = hash_token(token)
    application.save()
    application.areas.set(areas)
    ApplicationEvent.objects.create(application=application, step=Step.RECEIVED, at=now)
    return new_person


def _queue_receipt(application: Application, email: str, status_link: str) -> None:
    """The receipt with the private status link, through the outbox: a mail server that
    is down neither fails the application nor loses the receipt."""
    body = render_to_string(
        "recruitment/email/receipt.txt", {"application": application, "link": status_link}
    )
    mail_queue(
        to=[email],
        subject=_("Your application: %(call)s") % {"call": application.call},
        body=body,
    )


def _queue_already_received(application: Application, email: str) -> None:
    """The note to an address that has already applied to the call. The status link
    cannot be sent again: only its hash is kept, and a new one would silently end the
    link in the first receipt. The first receipt, in the same mailbox, has it."""
    body = render_to_string(
        "recruitment/email/already_received.txt",
        {"application": application, "network": application.call.network},
    )
    mail_queue(
        to=[email],
        subject=_("Your application: %(call)s") % {"call": application.call},
        body=body,
    )


def application_contact_changes(application: Application) -> list[tuple[str, Any, Any]]:
    """(field, the person's value, the application's value) where they differ."""
    person = application.person
    if person is None or application.anonymised_at is not None:
        return []
    pairs = [
        ("full_name", person.full_name, application.full_name),
        ("phone", person.phone, application.phone),
        (
            "fte",
            (person.fte_min, person.fte_max),
            (application.fte_min, application.fte_max),
        ),
    ]
    # An application from before the contact fields has an empty name: nothing to apply.
    return [
        (name, old, new)
        for name, old, new in pairs
        if old != new and not (name == "full_name" and not new)
    ]


@use_case
def application_contact_apply(*, scope: Scope, actor, application: Application) -> Person:
    """The recruitment team, after review, takes the name, phone and service degree the
    applicant wrote into the person (who may already be a certified peer supporter)."""
    _require_recruiter(scope, application.call.network_id)
    if application.person_id is None or application.anonymised_at is not None:
        raise ValidationError(_("The application's personal data has been removed."))
    person = Person.objects.select_for_update().get(pk=application.person_id)
    application.person = person
    changes = application_contact_changes(application)
    if not changes:
        raise ValidationError(_("The person's details already match the application."))
    for name, _old, _new in changes:
        if name == "fte":
            person.fte_min, person.fte_max = application.fte_min, application.fte_max
        else:
            setattr(person, name, getattr(application, name))
    person.full_clean(validate_unique=False)
    person.save(update_fields=["full_name", "phone", "fte_min", "fte_max"])
    audit.record(
        actor=actor,
        action=actions.PERSON_UPDATED_FROM_APPLICATION,
        obj=person,
        organisation=application.call.network,
        application=application.code,
        fields=[name for name, _old, _new in changes],
    )
    return person


def _record(
    application: Application, step: str, *, by=None, reason: str = "", at: datetime | None = None
) -> None:
    """Move the application to `step` (written only from within a use case)."""
    at = at or timezone.now()
    application.step = step
    if reason:
        application.reason = reason
    if step in FINAL_STEPS:
        application.decided_at = at
    application.save()
    ApplicationEvent.objects.create(application=application, step=step, at=at, by=by, reason=reason)


@use_case
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
    elif interview_at is not None and not in_range(interview_at.date()):
        errors["interview_at"] = _("Give a date between %(first)s and %(last)s.") % {
            "first": FIRST_YEAR,
            "last": LAST_YEAR,
        }
    if step == Step.ENROLLED:
        if cohort is None:
            errors["cohort"] = _("Choose the cohort.")
        elif cohort.network_id != application.call.network_id or cohort.kind != CohortKind.BASIC:
            errors["cohort"] = _("Choose a basic-training cohort of the same network.")
    if errors:
        raise ValidationError(errors)
    if step == Step.ENROLLED:
        assert cohort is not None
        enrolment = Enrolment(cohort=cohort, person=application.person, application=application)
        enrolment.full_clean(exclude=["application"])
    if step == Step.INTERVIEW_BOOKED:
        application.interview_at = interview_at
    if step == Step.ENROLLED:
        application.cohort = cohort
        enrolment.save()
    _record(application, step, by=actor, reason=reason if step == Step.NOT_ADMITTED else "", at=at)
    audit.record(
        actor=actor,
        action=actions.APPLICATION_STEP[Step(step)],
        obj=application,
        organisation=application.call.network,
    )
    return application


@use_case
def application_note_add(
    *, scope: Scope, actor, application: Application, text: str, once: str = ""
) -> ApplicationNote:
    _require_recruiter(scope, application.call.network_id)
    if application.anonymised_at is not None:
        raise ValidationError(_("The application's personal data has been removed."))
    fresh, earlier = idempotency.claim(once, purpose="recruitment.note")
    if not fresh:
        found = idempotency.earlier(
            ApplicationNote.objects.filter(application=application), earlier
        )
        return _repeat(actor, found, application.call.network, "recruitment.note")
    note = ApplicationNote(application=application, author=actor, text=text)
    note.full_clean()
    note.save()
    audit.record(
        actor=actor,
        action=actions.APPLICATION_NOTE_ADDED,
        obj=application,
        organisation=application.call.network,
    )
    idempotency.remember(once, purpose="recruitment.note", result=str(note.pk))
    return note


def _anonymise(application: Application, now: datetime) -> None:
    """Remove everything personal from an application; keep its anonymous steps."""
    person = application.person
    application.person = None
    application.full_name = ""
    application.phone = ""
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


@use_case
def application_withdraw(*, token: str) -> None:
    """The applicant withdraws: their data is deleted; an anonymous count remains."""
    from peerstod.recruitment.selectors import application_by_token

    application = application_by_token(token=token)
    if application.step not in WITHDRAWABLE:
        raise ValidationError(
            _("The application can no longer be withdrawn here. Contact the recruitment team.")
        )
    now = timezone.now()
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
        action=actions.APPLICATION_WITHDRAWN,
        obj=application,
        organisation=application.call.network,
    )


@use_case
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
    for application in due:
        _anonymise(application, now)
    removed: dict[str, Any] = {
        "applications_anonymised": len(due),
        "people_deleted": people_before - Person.objects.count(),
    }
    if due:
        audit.record(actor=None, action=actions.PURGE, **removed)
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
                "name_given": app.full_name,
                "phone_given": app.phone,
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
    audit.read(
        actor=actor,
        action=actions.APPLICANT_EXPORTED,
        obj=application,
        organisation=application.call.network,
    )
    return data


# Cohorts and attendance ---------------------------------------------------------------


@use_case
def cohort_create(
    *, scope: Scope, actor, network: Organisation, trainers=(), once: str = "", **fields
) -> Cohort:
    _require_recruiter(scope, network.pk)
    fresh, earlier = idempotency.claim(once, purpose="recruitment.cohort")
    if not fresh:
        found = Cohort.objects.filter(code=earlier, network=network).first()
        return _repeat(actor, found, network, "recruitment.cohort")
    cohort = Cohort(network=network, **fields)
    cohort.full_clean()
    _dates_in_range(starts_on=cohort.starts_on, ends_on=cohort.ends_on)
    cohort.save()
    cohort.trainers.set(trainers)
    audit.record(actor=actor, action=actions.COHORT_CREATED, obj=cohort, organisation=network)
    idempotency.remember(once, purpose="recruitment.cohort", result=cohort.code)
    return cohort


@use_case
def session_add(
    *, scope: Scope, actor, cohort: Cohort, day: date, topic: str = "", once: str = ""
) -> TrainingSession:
    _require_recruiter(scope, cohort.network_id)
    fresh, earlier = idempotency.claim(once, purpose="recruitment.session")
    if not fresh:
        found = TrainingSession.objects.filter(code=earlier, cohort=cohort).first()
        return _repeat(actor, found, cohort.network, "recruitment.session")
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
    audit.record(
        actor=actor,
        action=actions.SESSION_ADDED,
        obj=session,
        organisation=cohort.network,
        day=day.isoformat(),
    )
    idempotency.remember(once, purpose="recruitment.session", result=session.code)
    return session


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
    enrolment.status = EnrolmentStatus.COMPLETED
    enrolment.ended_on = on
    enrolment.save()
    if enrolment.application is not None:
        _record(enrolment.application, Step.COMPLETED, by=actor)
    audit.record(
        actor=actor,
        action=actions.ENROLMENT_COMPLETED,
        obj=enrolment,
        organisation=enrolment.cohort.network,
    )
    return enrolment


@use_case
def enrolment_discontinue(
    *, scope: Scope, actor, enrolment: Enrolment, reason: str, on: date
) -> Enrolment:
    _require_recruiter(scope, enrolment.cohort.network_id)
    if enrolment.status != EnrolmentStatus.ENROLLED:
        raise ValidationError(_("Only a participant still in training can leave it."))
    if reason not in DiscontinuedReason.values:
        raise ValidationError({"reason": _("Choose why the training was discontinued.")})
    enrolment.status = EnrolmentStatus.DISCONTINUED
    enrolment.ended_on = on
    enrolment.reason = reason
    enrolment.save()
    if enrolment.application is not None:
        _record(enrolment.application, Step.DISCONTINUED, by=actor, reason=reason)
    audit.record(
        actor=actor,
        action=actions.ENROLMENT_DISCONTINUED,
        obj=enrolment,
        organisation=enrolment.cohort.network,
    )
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


@use_case
def application_mark_employed(*, application: Application, at: datetime, actor=None) -> None:
    """Called by placement (inside its own use case) when a certified peer supporter from
    this call is employed."""
    if application.step != Step.CERTIFIED:
        raise ValidationError(_("Only a certified applicant can be recorded as employed."))
    _record(application, Step.EMPLOYED, by=actor, at=at)
    audit.record(
        actor=actor,
        action=actions.APPLICATION_STEP[Step.EMPLOYED],
        obj=application,
        organisation=application.call.network,
    )
