"""Earlier recruitment, brought in at once: a network that kept its calls in other
records (spreadsheets, an older system) registers what happened then, so that the
funnel and the retention clock count it. Every row is validated as the step-by-step
use cases would; the whole import is one transaction and one audit row."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from peerstod.accounts.scope import Scope
from peerstod.core import audit
from peerstod.core.usecase import use_case
from peerstod.orgs.models import Organisation
from peerstod.people.models import Certification, Person
from peerstod.recruitment import actions
from peerstod.recruitment.models import (
    Application,
    ApplicationEvent,
    Attendance,
    CohortKind,
    Enrolment,
    Step,
    TrainingSession,
)
from peerstod.recruitment.services.steps import NEXT_STEPS, _require_recruiter
from peerstod.recruitment.services.training import CERTIFICATION_FOR


@dataclass
class EarlierRecord:
    """One person's way through an earlier recruitment or training, as recorded then.

    `person` is looked up in the network by e-mail address and created when missing
    (None: the personal data is already removed). `application` (unsaved) and its
    `steps` (step, when, reason) in order, `enrolment` (unsaved) with the `attendance`
    of its training days, and the day of the certificate, if any.
    """

    person: Person | None = None
    application: Application | None = None
    steps: list[tuple[str, datetime, str]] = field(default_factory=list)
    enrolment: Enrolment | None = None
    attendance: list[tuple[TrainingSession, bool]] = field(default_factory=list)
    certified_on: date | None = None


@use_case
def earlier_records_import(
    *, scope: Scope, actor, network: Organisation, records: list[EarlierRecord]
) -> dict[str, int]:
    _require_recruiter(scope, network.pk)
    counts = {"people": 0, "applications": 0, "enrolments": 0, "certifications": 0}
    for record in records:
        person = _person(network, record.person, counts)
        application = _application(network, record, person, counts)
        if record.enrolment is not None:
            _enrolment(network, record, person, application, counts, actor)
    audit.record(
        actor=actor, action=actions.EARLIER_RECORDS_IMPORTED, organisation=network, counts=counts
    )
    return counts


def _person(network: Organisation, given: Person | None, counts) -> Person | None:
    if given is None:
        return None
    found = Person.objects.filter(network=network, email=given.email).first()
    if found is not None:
        return found
    given.network = network
    given.full_clean()
    given.save()
    counts["people"] += 1
    return given


def _application(network, record: EarlierRecord, person, counts) -> Application | None:
    application = record.application
    if application is None:
        return None
    if application.call.network_id != network.pk:
        raise ValidationError(_("Choose a call of this network."))
    steps = [step for step, _at, _reason in record.steps]
    followed = all(b in NEXT_STEPS.get(a, set()) for a, b in zip(steps, steps[1:], strict=False))
    if not steps or steps[0] != Step.RECEIVED or not followed or steps[-1] != application.step:
        raise ValidationError(_("The steps of an earlier application do not follow each other."))
    application.person = person
    # An application whose personal data is already removed has an empty motivation.
    removed = ["motivation"] if application.anonymised_at is not None else []
    application.full_clean(exclude=["person", *removed])
    application.save()
    events = [
        ApplicationEvent(application=application, step=step, at=at, reason=reason)
        for step, at, reason in record.steps
    ]
    for event in events:
        event.full_clean(exclude=["application"])
    ApplicationEvent.objects.bulk_create(events)
    counts["applications"] += 1
    return application


def _enrolment(network, record: EarlierRecord, person, application, counts, actor) -> None:
    enrolment = record.enrolment
    assert enrolment is not None
    if enrolment.cohort.network_id != network.pk:
        raise ValidationError(_("Choose a cohort of this network."))
    enrolment.person = person
    enrolment.application = application
    enrolment.full_clean(exclude=["person", "application"])
    enrolment.save()
    marks = []
    for session, present in record.attendance:
        if session.cohort_id != enrolment.cohort_id:
            raise ValidationError(_("The participant is not in the cohort of this training day."))
        mark = Attendance(session=session, enrolment=enrolment, present=present, marked_by=actor)
        mark.full_clean(exclude=["session", "enrolment", "marked_by"])
        marks.append(mark)
    Attendance.objects.bulk_create(marks)
    counts["enrolments"] += 1
    if record.certified_on is None:
        return
    if person is None:
        raise ValidationError(_("The participant's personal data has been removed."))
    certification = Certification(
        person=person,
        kind=CERTIFICATION_FOR[CohortKind(enrolment.cohort.kind)],
        certified_on=record.certified_on,
        cohort=enrolment.cohort,
    )
    certification.full_clean(exclude=["person", "cohort"])
    certification.save()
    counts["certifications"] += 1
