"""Audit actions of the patients' forum (core.audit)."""

from django.utils.translation import gettext_lazy as _

from peerstod.core.audit import action
from peerstod.forum.models import Status

FORUM_SET_UP = action("forum.forum.set_up", _("Forum set up"))
MEETING_OPENED = action("forum.meeting.opened", _("Forum meeting started"))
AGENDA_ITEM_ADDED = action("forum.agenda.added", _("Forum agenda item added"))
MEETING_UPDATED = action("forum.meeting.updated", _("Forum minutes saved"))
SUGGESTION_ADDED = action("forum.suggestion.added", _("Forum suggestion added"))
MINUTES_LOCKED = action("forum.minutes.locked", _("Forum minutes locked and delivered"))
ADDENDUM_ADDED = action("forum.addendum.added", _("Addendum to forum minutes added"))
MINUTES_OPENED = action("forum.minutes.opened", _("Delivered forum minutes opened"))
MINUTES_ACKNOWLEDGED = action("forum.minutes.acknowledged", _("Forum minutes acknowledged"))
MINUTES_ESCALATED = action("forum.minutes.escalated", _("Unacknowledged forum minutes escalated"))
BOX_SUBMITTED = action("forum.box.submitted", _("Suggestion left in the suggestion box"))
BOX_APPROVED = action("forum.box.approved", _("Suggestion from the box taken up"))
BOX_REMOVED = action("forum.box.removed", _("Suggestion from the box removed"))

# The manager's answer, one action per status it may set (the codes rows already use).
SUGGESTION_ANSWERED = {
    Status.ACCEPTED: action("forum.suggestion.accepted", _("Forum suggestion accepted")),
    Status.DECLINED: action("forum.suggestion.declined", _("Forum suggestion declined")),
    Status.NEEDS_INFO: action(
        "forum.suggestion.needs_info", _("Forum suggestion needs more information")
    ),
    Status.IN_PROGRESS: action("forum.suggestion.in_progress", _("Forum suggestion in progress")),
    Status.DONE: action("forum.suggestion.done", _("Forum suggestion done")),
}

# Reads: the delivery register names the unit's managers (staff names in a register).
MEETING_VIEWED = action(
    "forum.meeting.viewed", _("Forum minutes and their delivery viewed"), read=True
)
