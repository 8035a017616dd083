"""What a peer supporter logs: the role wheel of seed 003, and the tasks outside the role.

Each category has a short Swedish-first help text, shown on the phone where the entry is
made. Tasks outside the peer role are logged honestly so that peer drift can be seen.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    # The role wheel.
    CONVERSATION = "conversation", _("Conversation with a patient")
    FORUM = "forum", _("Forum för inflytande")
    LECTURE = "lecture", _("Lecture or telling about the role")
    FURTHER_TRAINING = "further_training", _("Further training")
    DRUG_TALK = "drug_talk", _("Drug talk")
    ACTIVITY_FUN = "activity_fun", _("Activity for fun")
    ACTIVITY_RECOVERY = "activity_recovery", _("Activity for recovery")
    ADVISORY = "advisory", _("Meeting in an advisory role")
    PLANNING = "planning", _("Planning and administration")
    WARD_ROUND = "ward_round", _("Ward round")
    DISCHARGE = "discharge", _("Discharge support")
    WALK = "walk", _("Walk with patients")
    OPEN_HOUR = "open_hour", _("Open hour")
    RELATIVES = "relatives", _("Relatives' group")
    # Outside the peer role.
    OUT_MEDICATION = "out_medication", _("Outside the role: medication")
    OUT_COERCION = "out_coercion", _("Outside the role: coercive measure")
    OUT_GUARDING = "out_guarding", _("Outside the role: guarding or security")
    OUT_RECORDS = "out_records", _("Outside the role: writing in patient records")
    OUT_CONFIDENCE = "out_confidence", _("Outside the role: passing on a confidence")


OUTSIDE_ROLE = frozenset(c for c in Category if c.value.startswith("out_"))
# Categories where the peer supporter meets patients: these count "participants reached".
WITH_PATIENTS = frozenset(
    {
        Category.CONVERSATION,
        Category.FORUM,
        Category.DRUG_TALK,
        Category.ACTIVITY_FUN,
        Category.ACTIVITY_RECOVERY,
        Category.WALK,
        Category.OPEN_HOUR,
        Category.DISCHARGE,
        Category.RELATIVES,
    }
)

HELP = {
    Category.CONVERSATION: _("Planned or spontaneous, with no set agenda."),
    Category.FORUM: _("The patients' own forum on the unit."),
    Category.LECTURE: _("For patients, staff, students or new colleagues."),
    Category.FURTHER_TRAINING: _("Courses and further training you attend."),
    Category.DRUG_TALK: _("Group talk about alcohol and drugs."),
    Category.ACTIVITY_FUN: _("Games, films, baking – for the joy of it."),
    Category.ACTIVITY_RECOVERY: _("Fit for Life, cooking, going by train – steps in recovery."),
    Category.ADVISORY: _("Meetings where you bring the user perspective."),
    Category.PLANNING: _("Planning, administration, the week poster."),
    Category.WARD_ROUND: _("Taking part in the ward round."),
    Category.DISCHARGE: _("Support before and after moving on from the unit."),
    Category.WALK: _("Walks outdoors with patients."),
    Category.OPEN_HOUR: _("Your open hour, e.g. in occupational therapy."),
    Category.RELATIVES: _("Presenting peer support to relatives."),
    Category.OUT_MEDICATION: _("Handing out or supervising medication."),
    Category.OUT_COERCION: _("Taking part in restraint, seclusion or forced medication."),
    Category.OUT_GUARDING: _("Guarding, watching or security tasks."),
    Category.OUT_RECORDS: _("Writing in a patient's record."),
    Category.OUT_CONFIDENCE: _("Reporting something a patient told you in confidence."),
}

# The minutes offered as one tap on the phone.
MINUTE_CHOICES = [15, 30, 45, 60, 90, 120]
