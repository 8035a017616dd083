"""Audit actions of the workday: the activity log, the week and the calendar feed."""

from django.utils.translation import gettext_lazy as _

from peerstod.core.audit import action

ENTRY_LOGGED = action("work.entry.logged", _("Work logged"))
ENTRY_CORRECTED = action("work.entry.corrected", _("Logged work corrected"))
ENTRY_REMOVED = action("work.entry.removed", _("Logged work removed"))
# A form sent twice (a double tap, a retry) changes nothing the second time; the
# refused repeat is still noted, as the use case that received it wrote its claim.
ENTRY_REPEAT_IGNORED = action("work.entry.repeat_ignored", _("The same work sent twice, kept once"))

SCHEDULE_ITEM_ADDED = action("work.schedule.item_added", _("Added to the week"))
SCHEDULE_ITEM_ENDED = action("work.schedule.item_ended", _("Ended in the week"))
SCHEDULE_ITEM_REMOVED = action("work.schedule.item_removed", _("Removed from the week"))
SCHEDULE_ITEM_REPEAT_IGNORED = action(
    "work.schedule.item_repeat_ignored", _("The same week item sent twice, kept once")
)
SCHEDULE_EXCEPTION_SET = action("work.schedule.exception_set", _("One day of the week changed"))

CALENDAR_RENEWED = action("work.calendar.renewed", _("Calendar link made"))
CALENDAR_REVOKED = action("work.calendar.revoked", _("Calendar link stopped"))

SCHEDULE_ITEM_VIEWED = action(
    "work.schedule.item_viewed", _("Someone else's week item read"), read=True
)
CALENDAR_FEED_READ = action("work.calendar.read", _("Calendar feed fetched"), read=True)
