"""Surveys and evaluation rounds, anonymous by construction.

An answer (`Response`) carries its round, unit, channel and language, and nothing else:
no user, no access code, no address, no date or time. Its key is random. It waits
(`group` empty) until the unit has a whole group of answers; then the group is written
again in shuffled order with new random keys, in one transaction, so that neither keys,
row order nor the database's transaction ids tell in which order its answers came.
Access codes are stored only as keyed hashes and only know whether they have been used;
a code is used up in a transaction of its own that rewrites every code of the round, so
no code shows when it was used. Free-text answers are kept apart from the scored
answers, wait and are shuffled with their group, and are shown only after moderation.
See docs/integritet.md.
"""

from __future__ import annotations

import uuid
from functools import cached_property

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from peerstod.core.fields import CodeField, GuardedCharField, GuardedTextField
from peerstod.surveys import instrument as definition


class Audience(models.TextChoices):
    PATIENT = "patient", _("Patients")
    STAFF = "staff", _("Staff")
    PEER_SUPPORTER = "peer_supporter", _("Peer supporters")
    FAMILY = "family", _("Family members")
    LEADER = "leader", _("Leaders")


class Channel(models.TextChoices):
    SLIP = "slip", _("Printed slip with code and QR")
    LINK = "link", _("Open link for staff")
    KIOSK = "kiosk", _("Kiosk on a ward tablet")
    PAPER = "paper", _("Paper answers typed in")


class LicenceKind(models.TextChoices):
    FREE = "free", _("Free to use")
    PERMISSION = "permission", _("Needs permission")
    LICENCE = "licence", _("Needs a licence")


class Language(models.TextChoices):
    SV = "sv", "Svenska"
    EN = "en", "English"


class Instrument(models.Model):
    """A questionnaire as imported from YAML. Organisation empty: shipped with Peerstöd."""

    organisation = models.ForeignKey(
        "orgs.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="instruments",
    )
    key = models.CharField(max_length=60, editable=False)
    version = models.PositiveSmallIntegerField(editable=False)
    title = GuardedCharField(_("title"), max_length=600)
    licence_kind = models.CharField(
        _("licence"), max_length=20, choices=LicenceKind.choices, default=LicenceKind.FREE
    )
    source = models.TextField(editable=False)
    rights_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("survey instrument")
        verbose_name_plural = _("survey instruments")
        ordering = ["title", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "key", "version"], name="instrument_version_once"
            ),
            models.UniqueConstraint(
                fields=["key", "version"],
                condition=Q(organisation__isnull=True),
                name="shipped_instrument_version_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @cached_property
    def definition(self) -> definition.Instrument:
        return definition.load_once(self.source)

    @property
    def shipped(self) -> bool:
        return self.organisation_id is None


class Round(models.Model):
    """One evaluation round ("materialinsamlingsomgång"): instrument × audience × units
    × an open window."""

    code = CodeField()
    link_code = CodeField()
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="survey_rounds"
    )
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="rounds")
    audience = models.CharField(_("who answers"), max_length=20, choices=Audience.choices)
    number = models.PositiveSmallIntegerField(_("round number"), default=1)
    title = GuardedCharField(_("name of the round"), max_length=120)
    opens_on = models.DateField(_("opens"))
    closes_on = models.DateField(_("closes"))
    units = models.ManyToManyField("orgs.Unit", verbose_name=_("units"), related_name="+")
    channels = models.JSONField(_("channels"), default=list)
    closed_early_on = models.DateField(null=True, blank=True, editable=False)
    # Set the first time interim results of the open round are shown. From then on the
    # results count only whole groups, also after the round closes: the last answers
    # cannot be worked out as the difference from what was shown.
    interim_shown = models.BooleanField(default=False, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("survey round")
        verbose_name_plural = _("survey rounds")
        ordering = ["-opens_on", "number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="round_closes_after_opening"
            ),
            models.UniqueConstraint(
                fields=["organisation", "instrument", "audience", "number"],
                name="round_number_once",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def last_day(self):
        return self.closed_early_on or self.closes_on

    def is_open(self, day) -> bool:
        return self.opens_on <= day <= self.last_day()

    def is_closed(self, day) -> bool:
        return day > self.last_day()


class Invitation(models.Model):
    """How many were invited or handed a slip, per unit and channel: the denominator of
    the response rate. Printed slips add to it themselves."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="invitations")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    invited = models.PositiveIntegerField(_("invited or handed out"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "unit", "channel"], name="invitation_once")
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.unit}: {self.invited}"


class AccessCode(models.Model):
    """A one-time code on a printed slip, stored as a keyed hash. It knows whether it
    has been used, never by which answer."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="access_codes")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64, unique=True, editable=False)
    used = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.round} ({'used' if self.used else 'unused'})"


class Kiosk(models.Model):
    """A ward tablet: a public address behind an opaque code that resets after each answer."""

    code = CodeField()
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="kiosks")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.CASCADE, related_name="+")
    active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"Kiosk {self.unit}"


class Response(models.Model):
    """One anonymous answer. Deliberately without user, code, address, date or time, and
    with a random key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="responses")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    language = models.CharField(max_length=5, choices=Language.choices, default=Language.SV)
    answers = models.JSONField(default=dict)
    important = models.JSONField(default=list)
    # Empty while the answer waits for a whole group of its unit; then the group's number.
    group = models.PositiveIntegerField(null=True, editable=False)

    class Meta:
        indexes = [
            # The waiting answers (fewer than a group a unit): found without reading the
            # round's sealed ones, whatever their number.
            models.Index(
                fields=["round", "unit"], condition=Q(group__isnull=True), name="response_waiting"
            ),
            # A unit's last group number, when the next one is sealed.
            models.Index(fields=["round", "unit", "group"], name="response_unit_group"),
        ]

    def __str__(self) -> str:
        return str(self.round)


class AnswerDay(models.Model):
    """How many answers came to a unit through a channel on a day: for following an open
    staff link, shown through suppression. Says nothing of which answer came when."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    day = models.DateField()
    answers = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "unit", "channel", "day"], name="answer_day_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.day}: {self.answers}"


class TextStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for moderation")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Not published")


class TextAnswer(models.Model):
    """A free-text answer, kept apart from the scored answers of the same person."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="text_answers")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    item = models.CharField(max_length=60, editable=False)
    text = GuardedTextField(_("answer"), max_length=2000)
    status = models.CharField(max_length=10, choices=TextStatus.choices, default=TextStatus.PENDING)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    group = models.PositiveIntegerField(null=True, editable=False)

    def __str__(self) -> str:
        return f"{self.round}: {self.get_status_display()}"


class UsedForm(models.Model):
    """Hashes of answer forms already submitted, so that a double tap on a kiosk or a
    reload after sending does not count one person twice."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64, unique=True, editable=False)

    def __str__(self) -> str:
        return str(self.round)


# ---------------------------------------------------------------- tallies
#
# The results of a round read these, not the answers (as DHIS2's analytics tables do):
# per round and unit, the count of counted answers, and per subscale and per answer
# option the counts and sums a mean, its 95 % interval and a distribution need. They
# grow only when a unit's group is sealed, in the sealing transaction, by whole groups
# and by increment: no row names an answer, a time or an order (see tallies.py).


class GroupTally(models.Model):
    """How many answers of a unit, through a channel, are in sealed (whole) groups."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    answers = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "unit", "channel"], name="group_tally_once")
        ]

    def __str__(self) -> str:
        return f"{self.round}: {self.answers}"


class ScoreTally(models.Model):
    """A subscale's scores of a unit's sealed answers: count, sum and sum of squares."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.CASCADE, related_name="+")
    subscale = models.CharField(max_length=60, editable=False)  # the instrument's key
    n = models.PositiveIntegerField(default=0)
    total = models.FloatField(default=0.0)
    squares = models.FloatField(default=0.0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "unit", "subscale"], name="score_tally_once")
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.subscale}: {self.n}"


class OptionTally(models.Model):
    """How many of a unit's sealed answers chose an option (or "don't know") of an item."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.CASCADE, related_name="+")
    item = models.CharField(max_length=60, editable=False)  # the instrument's key
    value = models.SmallIntegerField()
    n = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "unit", "item", "value"], name="option_tally_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.item}={self.value}: {self.n}"
