"""Rounds and their channels: a round is created and closed, the invited are counted,
slips are printed, kiosks opened; interim results and free text are looked after."""

from __future__ import annotations

import secrets
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from peerstod.accounts.roles import Role
from peerstod.accounts.scope import Scope
from peerstod.core import audit, dates, idempotency
from peerstod.core.usecase import use_case
from peerstod.jobs.models import Job
from peerstod.jobs.services import job_start
from peerstod.orgs.models import Organisation, Unit
from peerstod.surveys import actions, selectors
from peerstod.surveys.models import (
    AccessCode,
    Audience,
    Channel,
    Instrument,
    Invitation,
    Kiosk,
    Round,
    TextAnswer,
    TextStatus,
)
from peerstod.surveys.services.access import (
    require_coordinator,
    require_coordinator_or_manager,
    require_unit,
)
from peerstod.surveys.services.codes import code_digest, slip_codes

MAX_SLIPS = 500


def _round_errors(
    *,
    scope: Scope,
    instrument: Instrument,
    organisation: Organisation,
    audience: str,
    opens_on: date,
    closes_on: date,
    units: list[Unit],
    channels: list[str],
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if instrument.organisation_id not in (None, organisation.pk):
        errors["instrument"] = _("Choose an instrument your organisation may use.")
    elif audience not in instrument.definition.respondents:
        errors["audience"] = (
            _("This instrument has no version for %(audience)s.")
            % {"audience": Audience(audience).label.lower()}
            if audience in Audience.values
            else _("Choose who answers.")
        )
    if not units:
        errors["units"] = _("Choose at least one unit.")
    elif any(
        u.organisation_id not in scope.organisation_ids(Role.PROGRAMME_COORDINATOR) for u in units
    ):
        errors["units"] = _("Choose units of your own organisation.")
    if not channels or any(c not in Channel.values for c in channels):
        errors["channels"] = _("Choose at least one way to answer.")
    for name, day in (("opens_on", opens_on), ("closes_on", closes_on)):
        if not isinstance(day, date) or not dates.in_range(day):
            errors[name] = _("A survey round opens and closes between %(first)s and %(last)s.") % {
                "first": dates.FIRST_YEAR,
                "last": dates.LAST_YEAR,
            }
    return errors


@use_case
def round_create(
    *,
    scope: Scope,
    actor,
    organisation: Organisation,
    instrument: Instrument,
    audience: str,
    number: int,
    title: str,
    opens_on: date,
    closes_on: date,
    units: list[Unit],
    channels: list[str],
    once: str = "",
) -> Round:
    require_coordinator(scope, organisation.pk)
    fresh, earlier = idempotency.claim(once, purpose="surveys.round")
    if not fresh:
        return Round.objects.get(code=earlier, organisation=organisation)
    errors = _round_errors(
        scope=scope,
        instrument=instrument,
        organisation=organisation,
        audience=audience,
        opens_on=opens_on,
        closes_on=closes_on,
        units=units,
        channels=channels,
    )
    if errors:
        raise ValidationError(errors)
    survey_round = Round(
        organisation=organisation,
        instrument=instrument,
        audience=audience,
        number=number,
        title=title,
        opens_on=opens_on,
        closes_on=closes_on,
        channels=sorted(set(channels)),
        created_by=actor,
    )
    if closes_on < opens_on:
        raise ValidationError(
            {"closes_on": _("The round must close on or after the day it opens.")}
        )
    survey_round.full_clean()
    survey_round.save()
    survey_round.units.set(units)
    audit.record(
        actor=actor, action=actions.ROUND_CREATED, obj=survey_round, organisation=organisation
    )
    idempotency.remember(once, purpose="surveys.round", result=survey_round.code)
    return survey_round


@use_case
def round_close(*, scope: Scope, actor, survey_round: Round, day: date) -> None:
    """Close a round early: no answers are taken after today."""
    require_coordinator(scope, survey_round.organisation_id)
    if survey_round.is_closed(day):
        raise ValidationError(_("The round is already closed."))
    # The last day answers were taken is yesterday: from now on the round is closed.
    survey_round.closed_early_on = day - timedelta(days=1)
    survey_round.save(update_fields=["closed_early_on"])
    audit.record(
        actor=actor,
        action=actions.ROUND_CLOSED,
        obj=survey_round,
        organisation=survey_round.organisation,
    )


@use_case
def invited_set(
    *, scope: Scope, actor, survey_round: Round, unit: Unit, channel: str, invited: int
) -> Invitation:
    """How many were invited through a channel: the denominator of its response rate."""
    require_coordinator(scope, survey_round.organisation_id)
    require_unit(survey_round, unit)
    if channel not in Channel.values or channel == Channel.SLIP:
        raise ValidationError({"channel": _("Printed slips are counted when they are made.")})
    if not isinstance(invited, int) or not 0 <= invited <= 100_000:
        raise ValidationError({"invited": _("Give a whole number from 0 to 100,000.")})
    invitation, _created = Invitation.objects.update_or_create(
        round=survey_round, unit=unit, channel=channel, defaults={"invited": invited}
    )
    audit.record(
        actor=actor,
        action=actions.INVITED_SET,
        obj=survey_round,
        organisation=survey_round.organisation,
        unit=unit.code,
        channel=channel,
        invited=invited,
    )
    return invitation


# More slips than this are printed by a background job (surveys/jobs.py): a slip
# takes some 40–70 ms to lay out, and a request should answer within a second or two.
SLIPS_IN_REQUEST = 30  # the slip form's help text (forms.SlipsForm) says so too


def _check_slips(scope: Scope, survey_round: Round, unit: Unit, count: int) -> None:
    require_coordinator(scope, survey_round.organisation_id)
    require_unit(survey_round, unit)
    if Channel.SLIP not in survey_round.channels:
        raise ValidationError(_("This round is not answered on printed slips."))
    if not isinstance(count, int) or not 1 <= count <= MAX_SLIPS:
        raise ValidationError(
            {"count": _("Make from 1 to %(max)s slips at a time.") % {"max": MAX_SLIPS}}
        )
    if survey_round.is_closed(timezone.localdate()):
        raise ValidationError(_("The round is closed: no more slips can be made for it."))


def _store_codes(*, actor, survey_round: Round, unit: Unit, codes: list[str]) -> None:
    # Stored in shuffled order, so that row order and keys do not follow the slips.
    stored = list(codes)
    secrets.SystemRandom().shuffle(stored)
    AccessCode.objects.bulk_create(
        AccessCode(round=survey_round, unit=unit, digest=code_digest(c)) for c in stored
    )
    invitation, _created = Invitation.objects.get_or_create(
        round=survey_round, unit=unit, channel=Channel.SLIP
    )
    Invitation.objects.filter(pk=invitation.pk).update(invited=F("invited") + len(codes))
    audit.record(
        actor=actor,
        action=actions.SLIPS_CREATED,
        obj=survey_round,
        organisation=survey_round.organisation,
        unit=unit.code,
        count=len(codes),
    )


@use_case
def slips_create(
    *, scope: Scope, actor, survey_round: Round, unit: Unit, count: int, once: str = ""
) -> list[str]:
    """Make `count` one-time codes for printed slips. The plain codes are returned for
    the PDF, and only their keyed hashes are kept. The same form sent twice makes the
    slips once and gives the same codes both times."""
    _check_slips(scope, survey_round, unit, count)
    made = f"{survey_round.code}:{unit.code}:{count}"
    fresh, earlier = idempotency.claim(once, purpose="surveys.slips")
    if not fresh:
        if earlier != made:
            raise ValidationError(_("These slips were already made."))
        return slip_codes(count, once)
    codes = slip_codes(count, once)
    _store_codes(actor=actor, survey_round=survey_round, unit=unit, codes=codes)
    idempotency.remember(once, purpose="surveys.slips", result=made)
    return codes


@use_case
def slips_queue(
    *, scope: Scope, actor, survey_round: Round, unit: Unit, count: int, once: str = ""
) -> Job:
    """Queue a print run of many slips as a background job, which makes the codes
    itself (see `slips_store` and docs/dev/decisions.md): nothing is stored here but
    the job. The same form sent twice queues one job and gives it both times."""
    _check_slips(scope, survey_round, unit, count)
    fresh, earlier = idempotency.claim(once, purpose="surveys.slips")
    if not fresh:
        found = Job.objects.filter(code=earlier, owner=actor).first() if earlier else None
        if found is None:
            raise ValidationError(_("These slips were already made."))
        return found
    job = job_start(
        actor=actor,
        kind="surveys.slips",
        title=_("%(count)s survey slips for %(unit)s") % {"count": count, "unit": unit.name},
        params={"round_id": survey_round.pk, "unit_id": unit.pk, "count": count},
        organisation=survey_round.organisation,
        back_url=reverse("surveys:round", args=[survey_round.code]),
    )
    audit.record(
        actor=actor,
        action=actions.SLIPS_JOB_STARTED,
        obj=survey_round,
        organisation=survey_round.organisation,
        unit=unit.code,
        count=count,
    )
    idempotency.remember(once, purpose="surveys.slips", result=job.code)
    return job


@use_case
def slips_store(*, scope: Scope, actor, survey_round: Round, unit: Unit, codes: list[str]) -> None:
    """Keep the keyed hashes of codes whose slips a job has just laid out, checking
    again that the owner may make them. Called by the job after the PDF is made, so
    that a job that fails leaves no codes behind."""
    _check_slips(scope, survey_round, unit, len(codes))
    _store_codes(actor=actor, survey_round=survey_round, unit=unit, codes=codes)


@use_case
def kiosk_open(*, scope: Scope, actor, survey_round: Round, unit: Unit) -> Kiosk:
    require_coordinator_or_manager(scope, survey_round, unit)
    require_unit(survey_round, unit)
    if Channel.KIOSK not in survey_round.channels:
        raise ValidationError(_("This round is not answered on a kiosk."))
    kiosk, created = Kiosk.objects.get_or_create(round=survey_round, unit=unit, active=True)
    audit.record(
        actor=actor,
        action=actions.KIOSK_OPENED,
        obj=survey_round,
        organisation=survey_round.organisation,
        unit=unit.code,
        new=created,
    )
    return kiosk


@use_case
def interim_shown(*, scope: Scope, actor, survey_round: Round, day: date) -> None:
    """Results of the round are about to be shown on `day`. While the round is open,
    they are interim results; once they hold a whole group (answers in them), from now
    on its results count whole groups only, also after it closes: the last answers
    cannot be worked out as the difference from what was shown. Otherwise nothing
    changes (and nothing needs the coordinator's right)."""
    if survey_round.interim_shown or survey_round.is_closed(day):
        return
    if not selectors.has_whole_group(survey_round=survey_round):
        return
    require_coordinator(scope, survey_round.organisation_id)
    updated = Round.objects.filter(pk=survey_round.pk, interim_shown=False).update(
        interim_shown=True
    )
    survey_round.interim_shown = True
    if updated:
        audit.record(
            actor=actor,
            action=actions.INTERIM_SHOWN,
            obj=survey_round,
            organisation=survey_round.organisation,
        )


@use_case
def text_moderate(*, scope: Scope, actor, answer: TextAnswer, approve: bool) -> None:
    require_coordinator(scope, answer.round.organisation_id)
    answer = TextAnswer.objects.select_for_update().select_related("round").get(pk=answer.pk)
    if answer.status != TextStatus.PENDING:
        raise ValidationError(_("Already handled."))
    answer.status = TextStatus.APPROVED if approve else TextStatus.REJECTED
    answer.moderated_by = actor
    answer.save(update_fields=["status", "moderated_by"])
    audit.record(
        actor=actor,
        action=actions.TEXT_MODERATED,
        obj=answer.round,
        organisation=answer.round.organisation,
        approved=approve,
    )
