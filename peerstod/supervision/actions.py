"""Audit actions of supervision, check-ins and the peer network (core.audit). A reminder's
action is notifications.actions.REMINDED."""

from django.utils.translation import gettext_lazy as _

from peerstod.core.audit import Action, action
from peerstod.supervision.models import SessionStatus

# Changes -------------------------------------------------------------------------------

ASSIGNED = action("supervision.assigned", _("Supervisor assigned"))
SESSION_BOOKED = action("supervision.session.booked", _("Supervision session booked"))
SESSION_HELD = action("supervision.session.held", _("Supervision session recorded as held"))
SESSION_CANCELLED = action("supervision.session.cancelled", _("Supervision session cancelled"))
# What a supervisor may record afterwards, by the status recorded.
SESSION_RECORDED: dict[str, Action] = {
    SessionStatus.HELD: SESSION_HELD,
    SessionStatus.CANCELLED: SESSION_CANCELLED,
}
REQUESTED = action("supervision.request.created", _("Supervision asked for"))
SELF_ASSESSED = action("supervision.self_assessment.saved", _("Self-assessment answered"))
DRIFT_SHARED = action("supervision.drift.shared", _("Drift signal shown to the unit manager"))
DRIFT_UNSHARED = action(
    "supervision.drift.unshared", _("Drift signal no longer shown to the unit manager")
)
CHECK_IN_RECORDED = action("supervision.check_in.recorded", _("Check-in meeting recorded"))
ACTION_DONE = action("supervision.action.done", _("Agreed action marked as done"))
MEETING_CREATED = action("supervision.meeting.created", _("Peer network meeting created"))
MEETING_ATTENDANCE = action(
    "supervision.meeting.attendance", _("Peer network meeting attendance saved")
)

# Reads of personal data ----------------------------------------------------------------

SUPERVISEES_VIEWED = action(
    "supervision.supervisees.viewed", _("Supervisees and their drift signals read"), read=True
)
SESSION_VIEWED = action("supervision.session.viewed", _("Supervision session read"), read=True)
CHECK_INS_VIEWED = action(
    "supervision.check_ins.viewed", _("Check-in meetings and supervision dates read"), read=True
)
MEETINGS_VIEWED = action(
    "supervision.meetings.viewed", _("Peer network meetings and invitees read"), read=True
)
MEETING_VIEWED = action(
    "supervision.meeting.viewed", _("Peer network meeting attendance read"), read=True
)
