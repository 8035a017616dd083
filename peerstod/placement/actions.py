"""Audit actions of placement (core.audit)."""

from django.utils.translation import gettext_lazy as _

from peerstod.core.audit import action

# Changes
POSITION_CREATED = action("placement.position.created", _("Position created"))
POSITION_ROLE_DESCRIBED = action(
    "placement.position.role_described", _("Role description of a position saved")
)
STAFF_TRAINING_RECORDED = action("placement.staff_training.recorded", _("Staff training recorded"))
READINESS_UPDATED = action("placement.readiness.updated", _("Unit readiness checklist saved"))
EMPLOYMENT_CREATED = action("placement.employment.created", _("Employment recorded"))
EMPLOYMENT_ENDED = action("placement.employment.ended", _("Employment ended"))
EMPLOYMENT_FTE_CHANGED = action(
    "placement.employment.fte_changed", _("Service degree of an employment changed")
)
SICK_LEAVE_RECORDED = action("placement.sick_leave.recorded", _("Long-term sick leave recorded"))
EVENT_CREATED = action("placement.event.created", _("Matching event created"))
EVENT_MEETINGS = action("placement.event.meetings", _("Meetings at a matching event saved"))
EVENT_RANKED = action("placement.event.ranked", _("Rankings at a matching event saved"))
EVENT_CONFIRMED = action("placement.event.confirmed", _("Matching confirmed into employments"))
REPEAT_IGNORED = action("placement.repeat.ignored", _("A form sent twice was saved once"))

# Reads of personal data
EMPLOYMENTS_VIEWED = action("placement.employments.viewed", _("Employments viewed"), read=True)
EMPLOYMENT_VIEWED = action("placement.employment.viewed", _("Employment viewed"), read=True)
EVENT_VIEWED = action("placement.event.viewed", _("Matching event viewed"), read=True)
SUPPLY_VIEWED = action("placement.supply.viewed", _("Available peer supporters viewed"), read=True)
STAFF_TRAINING_VIEWED = action(
    "placement.staff_training.viewed", _("Staff training register viewed"), read=True
)
