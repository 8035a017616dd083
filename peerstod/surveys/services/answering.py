"""Anonymous answers: validated whole before anything is saved, then the slip's code used
up and the answer stored in two transactions that nothing in the database joins. An
answer waits until its unit has a whole group, and the group is then written again in
shuffled order with new keys (see models.py and docs/integritet.md)."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import Case, F, Max, Value, When
from django.utils.translation import gettext as _

from peerstod.accounts.scope import Scope
from peerstod.core import audit
from peerstod.core.privacy import no_personal_data
from peerstod.core.usecase import use_case
from peerstod.orgs.models import Unit
from peerstod.surveys import actions, tallies
from peerstod.surveys.models import (
    AccessCode,
    AnswerDay,
    Channel,
    Language,
    Response,
    Round,
    TextAnswer,
    UsedForm,
)
from peerstod.surveys.services.access import require_coordinator_or_manager, require_unit
from peerstod.surveys.services.codes import code_digest, code_problem, form_nonce, nonce_digest
from peerstod.surveys.services.tallying import _add_counts

MAX_TEXT = 2000


def closed_message(survey_round: Round, day: date) -> str | None:
    """Why the round takes no answers on the day, or None while it is open."""
    if day < survey_round.opens_on:
        return _("The survey opens on %(day)s.") % {"day": survey_round.opens_on}
    if survey_round.is_closed(day):
        return _("The survey is closed. Thank you for wanting to answer.")
    return None


def _check_open(survey_round: Round, day: date) -> None:
    closed = closed_message(survey_round, day)
    if closed is not None:
        raise ValidationError(closed)


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
    require_unit(survey_round, unit)
    nonce = form_nonce(token)
    if nonce is None:
        raise ValidationError(
            _("The form has expired. Your answers were not saved; please fill it in again.")
        )
    clean, marked, clean_texts = _clean_answers(survey_round, answers, important, texts)
    return Answer(
        survey_round=survey_round,
        unit=unit,
        channel=channel,
        language=language,
        answers=clean,
        important=marked,
        texts=clean_texts,
        form=nonce_digest(nonce),
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
        raise code_problem()
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
    # The whole group, and only it, goes into the round's tallies, in this transaction.
    _add_counts(
        survey_round,
        tallies.count(
            survey_round.instrument.definition,
            ({"unit_id": unit.pk, **row} for row in rows),
        ),
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
    require_coordinator_or_manager(scope, survey_round, unit)
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
