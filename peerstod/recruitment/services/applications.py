"""An application's way through the recruitment: the public form, the team's review
and steps, notes, and the step to employment recorded by placement."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from peerstod.accounts.scope import Scope
from peerstod.core import audit, idempotency
from peerstod.core.dates import FIRST_YEAR, LAST_YEAR, in_range
from peerstod.core.tokens import hash_token
from peerstod.core.usecase import use_case
from peerstod.notifications.mail import mail_queue
from peerstod.orgs.models import Organisation
from peerstod.orgs.tree import ancestor_ids, parents
from peerstod.people.models import Person
from peerstod.recruitment import actions
from peerstod.recruitment.models import (
    Application,
    ApplicationEvent,
    ApplicationNote,
    Call,
    Cohort,
    CohortKind,
    Enrolment,
    NotAdmittedReason,
    Step,
)
from peerstod.recruitment.services.steps import (
    FROM_TRAINING,
    NEXT_STEPS,
    _once,
    _record,
    _require_personal_data,
    _require_recruiter,
)


def _in_tree(areas: list[Organisation], root: Organisation) -> bool:
    """Every area lies in the tree below `root` (or is `root`)."""
    tree = parents()
    return all(root.pk in ancestor_ids(area.pk, tree) for area in areas)


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
    if not _in_tree(areas, call.principal):
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


def _mail_applicant(application: Application, email: str, template: str, **context) -> None:
    """A mail to the applicant about their application, through the outbox: a mail
    server that is down neither fails the application nor loses the mail."""
    body = render_to_string(template, {"application": application, **context})
    mail_queue(
        to=[email],
        subject=_("Your application: %(call)s") % {"call": application.call},
        body=body,
    )


def _queue_receipt(application: Application, email: str, status_link: str) -> None:
    """The receipt with the private status link."""
    _mail_applicant(application, email, "recruitment/email/receipt.txt", link=status_link)


def _queue_already_received(application: Application, email: str) -> None:
    """The note to an address that has already applied to the call. The status link
    cannot be sent again: only its hash is kept, and a new one would silently end the
    link in the first receipt. The first receipt, in the same mailbox, has it."""
    _mail_applicant(
        application,
        email,
        "recruitment/email/already_received.txt",
        network=application.call.network,
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
    _require_personal_data(application)
    if application.person_id is None:
        raise ValidationError(_("The applicant's personal data has been removed."))
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
    _require_personal_data(application)
    allowed = NEXT_STEPS.get(application.step, set())
    if step not in allowed or step in FROM_TRAINING:
        raise ValidationError(
            _(
                "An application that is “%(current)s” cannot go to “%(wanted)s”. "
                "Next possible: %(allowed)s."
            )
            % {
                "current": Step(application.step).label,
                "wanted": Step(step).label if step in Step.values else step,
                "allowed": ", ".join(
                    str(Step(s).label) for s in sorted(allowed) if s not in FROM_TRAINING
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
    _require_personal_data(application)

    def make() -> ApplicationNote:
        note = ApplicationNote(application=application, author=actor, text=text)
        note.full_clean()
        note.save()
        audit.record(
            actor=actor,
            action=actions.APPLICATION_NOTE_ADDED,
            obj=application,
            organisation=application.call.network,
        )
        return note

    return _once(
        once,
        purpose="recruitment.note",
        actor=actor,
        organisation=application.call.network,
        earlier=lambda key: idempotency.earlier(
            ApplicationNote.objects.filter(application=application), key
        ),
        make=make,
        key=lambda note: str(note.pk),
    )


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
