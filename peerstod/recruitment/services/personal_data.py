"""The applicant's personal data: withdrawn on request, anonymised when the retention
period is over, and handed over in full on request (GDPR art. 15)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from peerstod.accounts.scope import Scope
from peerstod.core import audit
from peerstod.core.usecase import use_case
from peerstod.people.models import Person
from peerstod.recruitment import actions
from peerstod.recruitment.models import (
    Application,
    DiscontinuedReason,
    Enrolment,
    EnrolmentStatus,
    Step,
)
from peerstod.recruitment.selectors import application_by_token
from peerstod.recruitment.services.steps import (
    WITHDRAWABLE,
    _record,
    _require_personal_data,
    _require_recruiter,
)


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
    _require_personal_data(application)
    person = application.person
    assert person is not None

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
