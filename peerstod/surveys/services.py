"""Every change to surveys: instruments imported from YAML, rounds and their channels,
one-time codes, and anonymous answers that are validated whole before anything is saved."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.db.models import Case, F, Max, Q, Value, When
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from peerstod.accounts.roles import Role
from peerstod.accounts.scope import Scope
from peerstod.core import audit, dates, idempotency
from peerstod.core.codes import ALPHABET
from peerstod.core.privacy import no_personal_data
from peerstod.core.usecase import use_case
from peerstod.orgs.models import Organisation, Unit
from peerstod.surveys import actions
from peerstod.surveys import instrument as definition
from peerstod.surveys.models import (
    AccessCode,
    AnswerDay,
    Audience,
    Channel,
    Instrument,
    Invitation,
    Kiosk,
    Language,
    LicenceKind,
    Response,
    Round,
    TextAnswer,
    TextStatus,
    UsedForm,
)

SHIPPED = Path(__file__).resolve().parent / "instruments"
CODE_LENGTH = 8
MAX_SLIPS = 500
MAX_TEXT = 2000
FORM_SALT = "peerstod.surveys.form"
FORM_MAX_AGE = 12 * 3600


def code_digest(code: str) -> str:
    """The keyed hash a slip's code is stored as."""
    normalised = "".join(ch for ch in code.lower() if ch.isalnum())
    return salted_hmac("peerstod.surveys.code", normalised).hexdigest()


def format_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def _require_coordinator(scope: Scope, organisation_id: int) -> None:
    if organisation_id not in scope.organisation_ids(Role.PROGRAMME_COORDINATOR):
        raise PermissionDenied


# ---------------------------------------------------------------- instruments


@use_case
def install_shipped() -> int:
    """Load the instruments that come with Peerstöd; idempotent. Returns how many were new.

    Runs after every migrate (apps.py), without a user: the audit row, written only when
    an instrument was added, has no actor."""
    added = []
    for path in sorted(SHIPPED.glob("*.yaml")):
        source = path.read_text(encoding="utf-8")
        parsed = definition.load(source)
        _instrument, created = Instrument.objects.get_or_create(
            organisation=None,
            key=parsed.key,
            version=parsed.version,
            defaults={
                "title": parsed.title[parsed.languages[0]],
                "licence_kind": parsed.licence["kind"],
                "source": source,
            },
        )
        if created:
            added.append(f"{parsed.key}:{parsed.version}")
    if added:
        audit.record(actor=None, action=actions.INSTRUMENTS_INSTALLED, instruments=added)
    return len(added)


@use_case
def instrument_import(
    *,
    scope: Scope,
    actor,
    organisation: Organisation,
    source: bytes,
    rights_confirmed: bool,
    once: str = "",
) -> Instrument:
    """An organisation loads an instrument it has the right to use. A malformed file is
    rejected with the line and field at fault; an existing key and version is refused.
    The same form sent twice loads it once and gives back what the first one loaded."""
    _require_coordinator(scope, organisation.pk)
    fresh, earlier = idempotency.claim(once, purpose="surveys.instrument")
    if not fresh:
        return Instrument.objects.get(pk=int(earlier), organisation=organisation)
    try:
        parsed = definition.load(source)
    except definition.DefinitionError as error:
        raise ValidationError({"file": str(error)}) from error
    try:  # question texts and citations are free text like any other
        no_personal_data(source.decode("utf-8"))
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error
    if parsed.licence["kind"] != LicenceKind.FREE and not rights_confirmed:
        raise ValidationError(
            {"rights_confirmed": _("Confirm that your organisation may use this instrument.")}
        )
    exists = Instrument.objects.filter(key=parsed.key, version=parsed.version).filter(
        Q(organisation=organisation) | Q(organisation__isnull=True)
    )
    if exists.exists():
        raise ValidationError(
            {
                "file": _(
                    "Version %(version)s of %(key)s is already loaded. Give a changed "
                    "instrument a new version number."
                )
                % {"version": parsed.version, "key": parsed.key}
            }
        )
    instrument = Instrument(
        organisation=organisation,
        key=parsed.key,
        version=parsed.version,
        title=parsed.title[parsed.languages[0]],
        licence_kind=parsed.licence["kind"],
        source=source.decode("utf-8"),
        rights_confirmed_by=actor,
    )
    instrument.full_clean()
    try:
        instrument.save()
    except IntegrityError as error:  # the same version loaded at the same moment
        raise ValidationError(
            {"file": _("This version of the instrument is already loaded.")}
        ) from error
    audit.record(
        actor=actor,
        action=actions.INSTRUMENT_IMPORTED,
        obj=instrument,
        organisation=organisation,
        key=parsed.key,
        version=parsed.version,
    )
    idempotency.remember(once, purpose="surveys.instrument", result=str(instrument.pk))
    return instrument


# ---------------------------------------------------------------- rounds


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
    _require_coordinator(scope, organisation.pk)
    fresh, earlier = idempotency.claim(once, purpose="surveys.round")
    if not fresh:
        return Round.objects.get(code=earlier, organisation=organisation)
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
    _require_coordinator(scope, survey_round.organisation_id)
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


def _require_unit(survey_round: Round, unit: Unit) -> None:
    if not survey_round.units.filter(pk=unit.pk).exists():
        raise ValidationError({"unit": _("The unit is not part of this round.")})


@use_case
def invited_set(
    *, scope: Scope, actor, survey_round: Round, unit: Unit, channel: str, invited: int
) -> Invitation:
    """How many were invited through a channel: the denominator of its response rate."""
    _require_coordinator(scope, survey_round.organisation_id)
    _require_unit(survey_round, unit)
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


def _slip_codes(count: int, once: str) -> list[str]:
    """Random codes; with the form's one-time key, codes derived from it with the
    server's secret, so that a repeated POST gives the same slips again (their plain
    codes are kept nowhere)."""
    if not once:
        return ["".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH)) for _ in range(count)]
    codes = []
    for index in range(count):
        digest = salted_hmac("peerstod.surveys.slip", f"{once[:100]}:{index}").digest()
        codes.append("".join(ALPHABET[byte % len(ALPHABET)] for byte in digest[:CODE_LENGTH]))
    return codes


@use_case
def slips_create(
    *, scope: Scope, actor, survey_round: Round, unit: Unit, count: int, once: str = ""
) -> list[str]:
    """Make `count` one-time codes for printed slips. The plain codes are returned for
    the PDF, and only their keyed hashes are kept. The same form sent twice makes the
    slips once and gives the same codes both times."""
    _require_coordinator(scope, survey_round.organisation_id)
    _require_unit(survey_round, unit)
    if Channel.SLIP not in survey_round.channels:
        raise ValidationError(_("This round is not answered on printed slips."))
    if not isinstance(count, int) or not 1 <= count <= MAX_SLIPS:
        raise ValidationError(
            {"count": _("Make from 1 to %(max)s slips at a time.") % {"max": MAX_SLIPS}}
        )
    if survey_round.is_closed(timezone.localdate()):
        raise ValidationError(_("The round is closed: no more slips can be made for it."))
    fresh, earlier = idempotency.claim(once, purpose="surveys.slips")
    if not fresh:
        if earlier != f"{survey_round.code}:{unit.code}:{count}":
            raise ValidationError(_("These slips were already made."))
        return _slip_codes(count, once)
    codes = _slip_codes(count, once)
    # Stored in shuffled order, so that row order and keys do not follow the slips.
    stored = list(codes)
    secrets.SystemRandom().shuffle(stored)
    AccessCode.objects.bulk_create(
        AccessCode(round=survey_round, unit=unit, digest=code_digest(c)) for c in stored
    )
    invitation, _created = Invitation.objects.get_or_create(
        round=survey_round, unit=unit, channel=Channel.SLIP
    )
    Invitation.objects.filter(pk=invitation.pk).update(invited=F("invited") + count)
    audit.record(
        actor=actor,
        action=actions.SLIPS_CREATED,
        obj=survey_round,
        organisation=survey_round.organisation,
        unit=unit.code,
        count=count,
    )
    idempotency.remember(
        once, purpose="surveys.slips", result=f"{survey_round.code}:{unit.code}:{count}"
    )
    return codes


@use_case
def kiosk_open(*, scope: Scope, actor, survey_round: Round, unit: Unit) -> Kiosk:
    if not (
        survey_round.organisation_id in scope.organisation_ids(Role.PROGRAMME_COORDINATOR)
        or unit.pk in scope.unit_ids(Role.UNIT_MANAGER)
    ):
        raise PermissionDenied
    _require_unit(survey_round, unit)
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


# ---------------------------------------------------------------- answering


def form_token() -> str:
    """A signed one-time token in each answer form: a second submission of the same form
    (a double tap on the kiosk, a reload) is recognised and not counted again."""
    return signing.dumps(secrets.token_urlsafe(16), salt=FORM_SALT)


def form_digest(token: str | None) -> str | None:
    """The digest an answer form's token is remembered by, or None for no valid token."""
    try:
        nonce = signing.loads(token or "", salt=FORM_SALT, max_age=FORM_MAX_AGE)
    except signing.BadSignature:
        return None
    return code_digest(f"form:{nonce}")


def code_round(code: str) -> AccessCode:
    """The unused code behind what someone typed; one message for unknown and used codes,
    so that the answer never tells whether a code ever existed."""
    found = (
        AccessCode.objects.select_related("round", "unit")
        .filter(digest=code_digest(code), used=False)
        .first()
    )
    if found is None:
        raise _code_problem()
    return found


def _check_open(survey_round: Round, day: date) -> None:
    if day < survey_round.opens_on:
        raise ValidationError(_("The survey opens on %(day)s.") % {"day": survey_round.opens_on})
    if survey_round.is_closed(day):
        raise ValidationError(_("The survey is closed. Thank you for wanting to answer."))


def _clean_answers(
    survey_round: Round, answers: dict[str, Any], important: list[str], texts: dict[str, str]
) -> tuple[dict[str, int], list[str], dict[str, str]]:
    parsed = survey_round.instrument.definition
    asked = {i.key: i for i in parsed.items_for(survey_round.audience)}
    errors: dict[str, list[str]] = {}
    clean: dict[str, int] = {}
    for key, raw in answers.items():
        item = asked.get(key)
        if item is None or item.scale is None:
            errors.setdefault("__all__", []).append(
                _("The answer names a question that is not in this survey.")
            )
            continue
        if raw in (None, ""):
            continue
        value = None
        if isinstance(raw, int) and not isinstance(raw, bool):
            value = raw
        elif isinstance(raw, str) and raw.strip().isdigit() and len(raw.strip()) <= 3:
            value = int(raw)
        if value is None or not item.scale.allows(value):
            errors.setdefault(key, []).append(
                _("Choose one of the answers given (%(low)s–%(high)s).")
                % {"low": item.scale.minimum, "high": item.scale.maximum}
            )
            continue
        clean[key] = value
    marked = []
    for key in important:
        item = asked.get(key)
        if item is None or not item.importance:
            errors.setdefault("__all__", []).append(
                _("Only questions that ask for it can be marked important.")
            )
        else:
            marked.append(key)
    clean_texts: dict[str, str] = {}
    for key, text in texts.items():
        item = asked.get(key)
        if item is None or item.kind != "text":
            errors.setdefault("__all__", []).append(
                _("The answer names a question that is not in this survey.")
            )
            continue
        text = (text or "").strip()
        if not text:
            continue
        if len(text) > MAX_TEXT:
            errors.setdefault(key, []).append(
                _("Write at most %(count)s characters.") % {"count": MAX_TEXT}
            )
            continue
        try:
            no_personal_data(text)
        except ValidationError as error:
            errors.setdefault(key, []).extend(error.messages)
            continue
        clean_texts[key] = text
    if errors:
        raise ValidationError(errors)
    if not clean and not clean_texts:
        raise ValidationError(_("Answer at least one question before you send."))
    return clean, sorted(set(marked)), clean_texts


CODE_PROBLEM = "code"


def _code_problem() -> ValidationError:
    return ValidationError(
        _("The code does not work. Check that you typed it as printed on the slip."),
        code=CODE_PROBLEM,
    )


@dataclass(frozen=True)
class Answer:
    """One answer, validated whole and not yet saved."""

    survey_round: Round
    unit: Unit
    channel: str
    language: str
    answers: dict[str, int]
    important: list[str]
    texts: dict[str, str]
    form: str  # the keyed hash of the form's one-time token
    day: date


def _prepare(
    *,
    survey_round: Round,
    unit: Unit,
    channel: str,
    language: str,
    answers: dict[str, Any],
    important: list[str],
    texts: dict[str, str],
    token: str,
    day: date,
) -> Answer:
    """Validate one answer whole, writing nothing."""
    _check_open(survey_round, day)
    if channel not in survey_round.channels:
        raise ValidationError(_("This round is not answered that way."))
    if language not in Language.values:
        language = Language.SV
    _require_unit(survey_round, unit)
    try:
        nonce = signing.loads(token, salt=FORM_SALT, max_age=FORM_MAX_AGE)
    except signing.BadSignature as error:
        raise ValidationError(
            _("The form has expired. Your answers were not saved; please fill it in again.")
        ) from error
    clean, marked, clean_texts = _clean_answers(survey_round, answers, important, texts)
    return Answer(
        survey_round=survey_round,
        unit=unit,
        channel=channel,
        language=language,
        answers=clean,
        important=marked,
        texts=clean_texts,
        form=code_digest(f"form:{nonce}"),  # as form_digest(token)
        day=day,
    )


def _duplicate() -> ValidationError:
    return ValidationError(
        _("These answers have already been received. Thank you!"), code="duplicate"
    )


def _use_form(answer: Answer) -> None:
    try:
        UsedForm.objects.create(round=answer.survey_round, digest=answer.form)
    except IntegrityError as error:
        raise _duplicate() from error


def _mark_codes(survey_round: Round, *, digest: str, used: bool) -> None:
    """Set one code of the round used or unused by rewriting every code of the round in
    one statement: all of them then carry the same transaction and none shows when it
    was used."""
    AccessCode.objects.filter(round=survey_round).update(
        used=Case(When(digest=digest, then=Value(used)), default=F("used"))
    )


@use_case
def answer_claim(*, answer: Answer, code: str, actor=None) -> None:
    """The first of an answer's two transactions: its form and its slip's code are used
    up, and nothing of the answer itself is written. The round is locked so that two
    answers of a round claim one after the other."""
    survey_round = Round.objects.select_for_update().get(pk=answer.survey_round.pk)
    _use_form(answer)
    digest = code_digest(code)
    found = (
        AccessCode.objects.select_for_update()
        .filter(digest=digest, round=survey_round, unit=answer.unit, used=False)
        .exists()
    )
    if not found:
        raise _code_problem()
    _mark_codes(survey_round, digest=digest, used=True)
    audit.record(
        actor=actor,
        action=actions.SLIP_USED,
        obj=survey_round,
        organisation=survey_round.organisation,
    )


@use_case
def answer_unclaim(*, answer: Answer, code: str) -> None:
    """Give the code and the form back when the answer could not be stored after its
    code was used up, so that the slip can be answered again."""
    survey_round = Round.objects.select_for_update().get(pk=answer.survey_round.pk)
    UsedForm.objects.filter(round=survey_round, digest=answer.form).delete()
    _mark_codes(survey_round, digest=code_digest(code), used=False)
    audit.record(
        actor=None,
        action=actions.SLIP_RETURNED,
        obj=survey_round,
        organisation=survey_round.organisation,
    )


def _seal_group(survey_round: Round, unit: Unit) -> None:
    """Write the unit's waiting answers again as one group: shuffled, with new random
    keys, in this one transaction. Their earlier rows, keys and order are gone."""
    waiting = Response.objects.filter(round=survey_round, unit=unit, group__isnull=True)
    rows = list(waiting.values("channel", "language", "answers", "important"))
    text_waiting = TextAnswer.objects.filter(round=survey_round, unit=unit, group__isnull=True)
    texts = list(text_waiting.values("item", "text"))
    number = (
        Response.objects.filter(round=survey_round, unit=unit).aggregate(last=Max("group"))["last"]
        or 0
    ) + 1
    waiting.delete()
    text_waiting.delete()
    shuffle = secrets.SystemRandom().shuffle
    shuffle(rows)
    shuffle(texts)
    Response.objects.bulk_create(
        Response(id=uuid.uuid4(), round=survey_round, unit=unit, group=number, **row)
        for row in rows
    )
    TextAnswer.objects.bulk_create(
        TextAnswer(id=uuid.uuid4(), round=survey_round, unit=unit, group=number, **text)
        for text in texts
    )


@use_case
def answer_store(*, answer: Answer, form_used: bool, actor=None) -> None:
    """The second transaction: the answer is stored without date, time or code, and
    waits for its group; the answer that makes the unit's group whole seals it."""
    survey_round = Round.objects.select_for_update().get(pk=answer.survey_round.pk)
    if not form_used:
        _use_form(answer)
    Response.objects.create(
        round=survey_round,
        unit=answer.unit,
        channel=answer.channel,
        language=answer.language,
        answers=answer.answers,
        important=answer.important,
    )
    TextAnswer.objects.bulk_create(
        TextAnswer(round=survey_round, unit=answer.unit, item=key, text=text)
        for key, text in answer.texts.items()
    )
    day, _created = AnswerDay.objects.get_or_create(
        round=survey_round, unit=answer.unit, channel=answer.channel, day=answer.day
    )
    AnswerDay.objects.filter(pk=day.pk).update(answers=F("answers") + 1)
    waiting = Response.objects.filter(
        round=survey_round, unit=answer.unit, group__isnull=True
    ).count()
    if waiting >= settings.SURVEY_MIN_GROUP:
        _seal_group(survey_round, answer.unit)
    if actor is None:
        audit.record(
            actor=None,
            action=actions.ANSWER_RECEIVED,
            obj=survey_round,
            organisation=survey_round.organisation,
        )
    else:
        audit.record(
            actor=actor,
            action=actions.PAPER_ENTERED,
            obj=survey_round,
            organisation=survey_round.organisation,
            unit=answer.unit.code,
        )


def _save(answer: Answer, *, code: str | None, actor=None) -> None:
    """Claim, then store, in two transactions, so that nothing in the database ties the
    code to the answer. If storing fails after the code was used up, the code is given
    back and the error raised: nothing is lost or half-saved."""
    if code is None:
        answer_store(answer=answer, form_used=False, actor=actor)
        return
    answer_claim(answer=answer, code=code, actor=actor)
    try:
        answer_store(answer=answer, form_used=True, actor=actor)
    except BaseException:
        answer_unclaim(answer=answer, code=code)
        raise


def submit(
    *,
    survey_round: Round,
    unit: Unit,
    channel: str,
    language: str,
    answers: dict[str, Any],
    important: list[str],
    texts: dict[str, str],
    token: str,
    day: date,
    code: str | None = None,
) -> None:
    """Save one anonymous answer: validated whole first, then its code used up and the
    answer stored in two transactions that cannot be joined (see `_save`). The audit
    rows name the round only: no actor, no code, no unit."""
    answer = _prepare(
        survey_round=survey_round,
        unit=unit,
        channel=channel,
        language=language,
        answers=answers,
        important=important,
        texts=texts,
        token=token,
        day=day,
    )
    _save(answer, code=code)


def paper_enter(
    *,
    scope: Scope,
    actor,
    survey_round: Round,
    unit: Unit,
    answers: dict[str, Any],
    important: list[str],
    texts: dict[str, str],
    token: str,
    day: date,
    code: str | None = None,
) -> None:
    """Staff type in an answer given on paper. With the slip's code, the code is used up
    so that the same slip cannot also be answered online or typed in twice."""
    if not (
        survey_round.organisation_id in scope.organisation_ids(Role.PROGRAMME_COORDINATOR)
        or unit.pk in scope.unit_ids(Role.UNIT_MANAGER)
    ):
        raise PermissionDenied
    answer = _prepare(
        survey_round=survey_round,
        unit=unit,
        channel=Channel.PAPER,
        language=Language.SV,
        answers=answers,
        important=important,
        texts=texts,
        token=token,
        day=day,
    )
    _save(answer, code=code or None, actor=actor)


@use_case
def interim_shown(*, scope: Scope, actor, survey_round: Round) -> None:
    """Interim results of an open round are being shown for the first time: from now on
    its results count whole groups only, also after it closes."""
    _require_coordinator(scope, survey_round.organisation_id)
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
    _require_coordinator(scope, answer.round.organisation_id)
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
