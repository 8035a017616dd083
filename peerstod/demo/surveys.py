"""Demo evaluation rounds in Västra Götaland psychiatry (journey 5): the staff attitude
survey before the start and after six and twelve months (14, 12 and 15 answers), and an
open patient round on unit 21 answered on paper slips, with four answers so far."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.conf import settings

from peerstod.accounts.models import User
from peerstod.orgs.models import Organisation, Unit
from peerstod.surveys import services
from peerstod.surveys.models import (
    AccessCode,
    AnswerDay,
    Instrument,
    Invitation,
    Response,
    Round,
    TextAnswer,
    TextStatus,
)

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


def load(*, region: Organisation, units: list[Unit], patient_unit: Unit, today: date) -> None:
    if Round.objects.filter(organisation=region).exists():
        return
    rng = random.Random(5)
    coordinator = User.objects.filter(email="coordinator.vgr@example.org").first()
    staff = Instrument.objects.get(organisation=None, key="staff-recovery")
    keys = [i.key for i in staff.definition.items_for("staff") if i.scale is not None]
    for number, title, opens, closes, per_unit, level in STAFF_ROUNDS:
        survey_round = Round.objects.create(
            organisation=region,
            instrument=staff,
            audience="staff",
            number=number,
            title=title,
            opens_on=opens,
            closes_on=closes,
            channels=["link"],
            created_by=coordinator,
        )
        survey_round.units.set(units)
        for unit, count, staffed in zip(units, per_unit, STAFF_STAFFED, strict=True):
            Invitation.objects.create(
                round=survey_round, unit=unit, channel="link", invited=staffed
            )
            days: dict = {}
            group = settings.SURVEY_MIN_GROUP
            whole = count // group * group
            for index in range(count):
                # Answers come in whole groups of five; the last few of a unit wait.
                Response.objects.create(
                    round=survey_round,
                    unit=unit,
                    channel="link",
                    group=index // group + 1 if index < whole else None,
                    answers=_staff_answer(rng, keys, level),
                )
                day = opens + timedelta(days=rng.randrange(0, 28))
                days[day] = days.get(day, 0) + 1
                if number == 3 and index < len(COMMENTS) and unit == units[0]:
                    TextAnswer.objects.create(
                        group=1,
                        round=survey_round,
                        unit=unit,
                        item="comment",
                        text=COMMENTS[index],
                        status=TextStatus.APPROVED,
                    )
            AnswerDay.objects.bulk_create(
                AnswerDay(round=survey_round, unit=unit, channel="link", day=day, answers=n)
                for day, n in sorted(days.items())
            )

    patients = Instrument.objects.get(organisation=None, key="peer-support-experience")
    patient_keys = [i.key for i in patients.definition.items_for("patient") if i.scale]
    survey_round = Round.objects.create(
        organisation=region,
        instrument=patients,
        audience="patient",
        number=1,
        title="Patientenkät avdelning 21 – hösten",
        opens_on=today - timedelta(days=14),
        closes_on=today + timedelta(days=21),
        channels=["slip", "paper", "kiosk"],
        created_by=coordinator,
    )
    survey_round.units.set([patient_unit])
    # Twenty slips were printed and handed out; their plain codes went with the PDF.
    codes = [services.code_digest(f"demo-slip-{n}-{rng.random()}") for n in range(20)]
    AccessCode.objects.bulk_create(
        AccessCode(round=survey_round, unit=patient_unit, digest=digest, used=n < 4)
        for n, digest in enumerate(codes)
    )
    Invitation.objects.create(round=survey_round, unit=patient_unit, channel="slip", invited=20)
    reversed_items = {"stigma_ashamed", "stigma_withdraw"}
    for _answer in range(4):
        answers = {}
        for key in patient_keys:
            value = min(5, max(1, round(rng.gauss(3.8, 0.9))))
            answers[key] = 6 - value if key in reversed_items else value
        # Four answers: they wait for the fifth before they count in any result.
        Response.objects.create(
            round=survey_round, unit=patient_unit, channel="slip", answers=answers
        )
