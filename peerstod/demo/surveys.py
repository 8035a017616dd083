"""Demo evaluation rounds in Västra Götaland psychiatry (journey 5): the staff attitude
survey before the start and after six and twelve months (14, 12 and 15 answers), and an
open patient round on unit 21 answered on paper slips, with four answers so far."""

from __future__ import annotations

import random
from datetime import date, timedelta

from peerstod.accounts.models import User
from peerstod.accounts.scope import scope_for
from peerstod.orgs.models import Organisation, Unit
from peerstod.surveys import selectors, services
from peerstod.surveys.models import Audience, Channel, Instrument, Round

# (round number, name, opens, closes, answers per unit, level the answers lean towards)
STAFF_ROUNDS = [
    (1, "Personalenkät omgång 1 – före start", date(2025, 9, 1), date(2025, 9, 30), (8, 6), 3.3),
    (
        2,
        "Personalenkät omgång 2 – efter sex månader",
        date(2026, 3, 2),
        date(2026, 3, 31),
        (7, 5),
        3.5,
    ),
    (
        3,
        "Personalenkät omgång 3 – efter tolv månader",
        date(2026, 9, 1),
        date(2026, 9, 30),
        (10, 5),
        3.9,
    ),
]
STAFF_STAFFED = (40, 22)
REVERSED = {"rec_chronic", "peer_risk"}
COMMENTS = [
    "Peer supportern har fått oss att prata annorlunda om hopp.",
    "Bra att någon har tid för samtal på kvällarna.",
    "Vi behöver mer utbildning om vad rollen innebär.",
]


def _staff_answer(rng: random.Random, keys: list[str], level: float) -> dict[str, int]:
    answers = {}
    for key in keys:
        value = min(5, max(1, round(rng.gauss(level, 0.8))))
        answers[key] = 6 - value if key in REVERSED else value
    if rng.random() < 0.1:
        answers[rng.choice(keys)] = 9  # "vet ej"
    return answers


def _round(
    *, region: Organisation, instrument: Instrument, audience: str, number: int
) -> Round | None:
    return Round.objects.filter(
        organisation=region, instrument=instrument, audience=audience, number=number
    ).first()


def _answer(
    survey_round: Round, unit: Unit, day: date, answers: dict, *, texts=None, **given
) -> None:
    """One anonymous answer, as a respondent sends it."""
    services.submit(
        survey_round=survey_round,
        unit=unit,
        language="sv",
        answers=answers,
        important=[],
        texts=texts or {},
        token=services.form_token(),
        day=day,
        **given,
    )


def load(*, region: Organisation, units: list[Unit], patient_unit: Unit, today: date) -> None:
    """Each round is looked up first and, when missing, made and answered through the
    services: the coordinator creates it and counts the invited, the answers come as
    respondents send them (waiting for whole groups of five), and the coordinator
    approves the free text."""
    rng = random.Random(5)
    coordinator = User.objects.get(email="coordinator.vgr@example.org")
    scope = scope_for(coordinator, today)
    staff = Instrument.objects.get(organisation=None, key="staff-recovery")
    keys = [i.key for i in staff.definition.items_for("staff") if i.scale is not None]
    for number, title, opens, closes, per_unit, level in STAFF_ROUNDS:
        if _round(region=region, instrument=staff, audience=Audience.STAFF, number=number):
            continue
        survey_round = services.round_create(
            scope=scope,
            actor=coordinator,
            organisation=region,
            instrument=staff,
            audience=Audience.STAFF,
            number=number,
            title=title,
            opens_on=opens,
            closes_on=closes,
            units=units,
            channels=[Channel.LINK],
        )
        for unit, count, staffed in zip(units, per_unit, STAFF_STAFFED, strict=True):
            services.invited_set(
                scope=scope,
                actor=coordinator,
                survey_round=survey_round,
                unit=unit,
                channel=Channel.LINK,
                invited=staffed,
            )
            for index in range(count):
                answers = _staff_answer(rng, keys, level)
                day = opens + timedelta(days=rng.randrange(0, 28))
                commented = number == 3 and index < len(COMMENTS) and unit == units[0]
                _answer(
                    survey_round,
                    unit,
                    day,
                    answers,
                    channel=Channel.LINK,
                    texts={"comment": COMMENTS[index]} if commented else {},
                )
        for text in selectors.texts_pending(survey_round=survey_round):
            services.text_moderate(scope=scope, actor=coordinator, answer=text, approve=True)

    patients = Instrument.objects.get(organisation=None, key="peer-support-experience")
    if _round(region=region, instrument=patients, audience=Audience.PATIENT, number=1):
        return
    patient_keys = [i.key for i in patients.definition.items_for("patient") if i.scale]
    survey_round = services.round_create(
        scope=scope,
        actor=coordinator,
        organisation=region,
        instrument=patients,
        audience=Audience.PATIENT,
        number=1,
        title="Patientenkät avdelning 21 – hösten",
        opens_on=today - timedelta(days=14),
        closes_on=today + timedelta(days=21),
        units=[patient_unit],
        channels=[Channel.SLIP, Channel.PAPER, Channel.KIOSK],
    )
    # Twenty slips were printed and handed out; their plain codes went with the PDF.
    codes = services.slips_create(
        scope=scope, actor=coordinator, survey_round=survey_round, unit=patient_unit, count=20
    )
    reversed_items = {"stigma_ashamed", "stigma_withdraw"}
    for code in codes[:4]:
        answers = {}
        for key in patient_keys:
            value = min(5, max(1, round(rng.gauss(3.8, 0.9))))
            answers[key] = 6 - value if key in reversed_items else value
        # Four answers: they wait for the fifth before they count in any result.
        day = survey_round.opens_on + timedelta(days=rng.randrange(0, 14))
        _answer(survey_round, patient_unit, day, answers, channel=Channel.SLIP, code=code)
