"""Audit actions of recruitment and training (core.audit)."""

from django.utils.translation import gettext_lazy as _

from peerstod.core.audit import action
from peerstod.recruitment.models import Step

CALL_CREATED = action("recruitment.call.created", _("Call opened"))
APPLICATION_SUBMITTED = action("recruitment.application.submitted", _("Application received"))
APPLICATION_REPEATED = action(
    "recruitment.application.repeated",
    _("Application sent again from an address that had already applied (nothing saved)"),
)
APPLICATION_NOTE_ADDED = action("recruitment.application.note_added", _("Application note added"))
APPLICATION_WITHDRAWN = action(
    "recruitment.application.withdrawn", _("Application withdrawn by the applicant")
)
PERSON_UPDATED_FROM_APPLICATION = action(
    "recruitment.person.updated_from_application",
    _("Person's contact details updated from the application"),
)
PURGE = action("recruitment.purge", _("Applications anonymised after the retention period"))
COHORT_CREATED = action("recruitment.cohort.created", _("Cohort created"))
SESSION_ADDED = action("recruitment.session.added", _("Training day added"))
ATTENDANCE_MARKED = action("recruitment.attendance.marked", _("Attendance marked"))
ENROLMENT_COMPLETED = action("recruitment.enrolment.completed", _("Training completed"))
ENROLMENT_DISCONTINUED = action("recruitment.enrolment.discontinued", _("Training discontinued"))
PERSON_CERTIFIED = action("recruitment.person.certified", _("Peer supporter certified"))
REPEAT_IGNORED = action("recruitment.repeat.ignored", _("Recruitment form sent twice, saved once"))

# The steps an application is moved to (`recruitment.application.<step>`). Withdrawn has
# its own action above; completed, discontinued and certified come from the enrolment.
_STEP_LABELS = {
    Step.SCREENED: _("Application screened"),
    Step.INTERVIEW_BOOKED: _("Interview booked"),
    Step.INTERVIEWED: _("Applicant interviewed"),
    Step.ADMITTED: _("Applicant admitted"),
    Step.NOT_ADMITTED: _("Applicant not admitted"),
    Step.ENROLLED: _("Applicant enrolled in a cohort"),
    Step.EMPLOYED: _("Certified applicant employed"),
}
APPLICATION_STEP = {
    step: action(f"recruitment.application.{step}", _STEP_LABELS[step])
    for step in Step
    if step in _STEP_LABELS
}

# Reads of personal data.
CALL_VIEWED = action("recruitment.call.viewed", _("Applicants of a call read"), read=True)
APPLICATION_VIEWED = action("recruitment.application.viewed", _("Application read"), read=True)
APPLICANT_EXPORTED = action(
    "recruitment.applicant.exported", _("Everything about an applicant exported"), read=True
)
COHORT_VIEWED = action("recruitment.cohort.viewed", _("Participants of a cohort read"), read=True)
SESSION_VIEWED = action(
    "recruitment.session.viewed", _("Attendance of a training day read"), read=True
)
TRAINERS_VIEWED = action(
    "recruitment.trainers.viewed", _("Trainers of a network listed"), read=True
)
EARLIER_RECORDS_IMPORTED = action(
    "recruitment.earlier_records.imported", _("Earlier recruitment and training records imported")
)
