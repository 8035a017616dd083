"""Every change in recruitment and training: one use case each (one transaction,
validated before it writes, audited; mail through the outbox after commit).

By subject: `calls`, `applications` (the way through the recruitment), `training`
(cohorts, attendance, certificates), `personal_data` (withdrawal, retention purge,
export) and `history` (earlier records brought in at once); `steps` holds what they
share. Callers use this package: `from peerstod.recruitment import services`.
"""

from peerstod.recruitment.services.applications import (
    application_advance,
    application_contact_apply,
    application_contact_changes,
    application_mark_employed,
    application_note_add,
    application_submit,
)
from peerstod.recruitment.services.calls import call_create
from peerstod.recruitment.services.history import EarlierRecord, earlier_records_import
from peerstod.recruitment.services.personal_data import (
    applicant_export,
    application_withdraw,
    purge,
)
from peerstod.recruitment.services.steps import FINAL_STEPS, NEXT_STEPS, WITHDRAWABLE
from peerstod.recruitment.services.training import (
    CERTIFICATION_FOR,
    attendance_mark,
    attendance_share,
    cohort_create,
    enrolment_certify,
    enrolment_complete,
    enrolment_discontinue,
    session_add,
)

__all__ = [
    "CERTIFICATION_FOR",
    "EarlierRecord",
    "FINAL_STEPS",
    "NEXT_STEPS",
    "WITHDRAWABLE",
    "applicant_export",
    "application_advance",
    "application_contact_apply",
    "application_contact_changes",
    "application_mark_employed",
    "application_note_add",
    "application_submit",
    "application_withdraw",
    "attendance_mark",
    "attendance_share",
    "call_create",
    "cohort_create",
    "earlier_records_import",
    "enrolment_certify",
    "enrolment_complete",
    "enrolment_discontinue",
    "purge",
    "session_add",
]
