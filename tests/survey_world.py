"""Survey rounds in the test world: region A's coordinator runs the shipped staff
instrument on units A1 and A2 and the patient instrument on A1. With `tenant="b"`
region B's coordinator (the outsider) does the same on units B1 and B2."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from peerstod.accounts.scope import scope_for
from peerstod.surveys import services
from peerstod.surveys.models import Instrument, Round


def shipped(key: str) -> Instrument:
    return Instrument.objects.get(organisation=None, key=key)


@dataclass
class SurveyWorld:
    staff: Round
    patients: Round


def make_round(
    world,
    *,
    key="staff-recovery",
    audience="staff",
    number=1,
    units=None,
    channels=("link", "kiosk", "paper", "slip"),
    opens=None,
    closes=None,
    title=None,
    tenant="a",
):
    side = world.tenant(tenant)
    coordinator = side.users["coordinator"]
    today = timezone.localdate()
    return services.round_create(
        scope=scope_for(coordinator),
        actor=coordinator,
        organisation=side.region,
        instrument=shipped(key),
        audience=audience,
        number=number,
        title=title or f"Omgång {number}",
        opens_on=opens or today - timedelta(days=10),
        closes_on=closes or today + timedelta(days=10),
        units=units or [side.unit1, side.unit2],
        channels=list(channels),
    )


def answer(
    survey_round, unit, answers, *, channel="link", important=(), texts=None, day=None, code=None
):
    services.submit(
        survey_round=survey_round,
        unit=unit,
        channel=channel,
        language="sv",
        answers=answers,
        important=list(important),
        texts=texts or {},
        token=services.form_token(),
        day=day or timezone.localdate(),
        code=code,
    )


STAFF_ANSWER = {
    "rec_possible": 4,
    "rec_hope": 5,
    "rec_chronic": 2,
    "rec_own_goals": 4,
    "unit_goals": 3,
    "unit_experience": 3,
    "unit_coercion": 4,
    "peer_adds": 4,
    "peer_know": 3,
    "peer_risk": 2,
    "peer_team": 4,
}


def staff_answers(value: int) -> dict:
    """A staff answer whose every subscale scores `value` (reversed items mirrored)."""
    return {
        key: (6 - value if key in ("rec_chronic", "peer_risk") else value) for key in STAFF_ANSWER
    }


def close(survey_round):
    Round.objects.filter(pk=survey_round.pk).update(
        opens_on=date(2020, 1, 1), closes_on=date(2020, 2, 1)
    )
    survey_round.refresh_from_db()


@dataclass
class SurveyFixture:
    round: Round
    slip_code: str
    kiosk_code: str


def make_survey(world, tenant="a") -> SurveyFixture:
    """An open staff round on A1 and A2 (B1 and B2) with every channel, one slip and one
    kiosk."""
    side = world.tenant(tenant)
    survey_round = make_round(world, tenant=tenant)
    coordinator = side.users["coordinator"]
    (code,) = services.slips_create(
        scope=scope_for(coordinator),
        actor=coordinator,
        survey_round=survey_round,
        unit=side.unit1,
        count=1,
    )
    kiosk = services.kiosk_open(
        scope=scope_for(coordinator),
        actor=coordinator,
        survey_round=survey_round,
        unit=side.unit1,
    )
    return SurveyFixture(survey_round, code, kiosk.code)
