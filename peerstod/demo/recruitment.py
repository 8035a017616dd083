"""Demo recruitment modelled on Region Jönköpings län's project (seed 004).

Call 2019: 109 applied, 33 interviewed, 16 admitted, 11 completed, 7 employed.
Call 2020: 12 completed the training. Trainer training 2018: 11 trained to train.
An open call with a spring cohort, for the journey of an applicant today.
Historical applicants who were not certified are already anonymised, as the retention
purge would have left them; certified peer supporters remain, with their certificates.

Everything is made through the recruitment services, as the network's coordinator:
the calls, cohorts and training days one by one, the earlier years as one import of
earlier records (`earlier_records_import`), the open call's applicants through the
public form and the team's steps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from peerstod.accounts.scope import Scope, scope_for
from peerstod.core.tokens import hash_token
from peerstod.orgs.models import Organisation
from peerstod.people.models import Person
from peerstod.recruitment import services
from peerstod.recruitment.models import (
    Application,
    Call,
    Cohort,
    CohortKind,
    DiscontinuedReason,
    Enrolment,
    EnrolmentStatus,
    NotAdmittedReason,
    Step,
)
from peerstod.recruitment.services.history import EarlierRecord

FIRST = [
    "Anna",
    "Erik",
    "Maria",
    "Johan",
    "Sara",
    "Mikael",
    "Elin",
    "Fredrik",
    "Karin",
    "Ali",
    "Lena",
    "Oskar",
    "Amira",
    "Per",
    "Hanna",
    "Jonas",
    "Fatima",
    "Nils",
    "Ida",
    "Tomas",
    "Linnea",
    "Viktor",
    "Sofia",
    "Mats",
]
LAST = [
    "Andersson",
    "Berg",
    "Carlsson",
    "Dahl",
    "Ek",
    "Forsberg",
    "Gustafsson",
    "Holm",
    "Isaksson",
    "Jansson",
    "Karlsson",
    "Lind",
    "Månsson",
    "Nyberg",
    "Olsson",
    "Persson",
]


def _name(i: int) -> str:
    return f"{FIRST[i % len(FIRST)]} {LAST[(i * 7) % len(LAST)]}"


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


@dataclass(frozen=True)
class Plan:
    """How many reached each step, and the reasons of those who left."""

    title: str
    year: int
    applied: int
    screened: int
    booked: int
    interviewed: int
    admitted: int
    completed: int
    employed: int
    screening_out: list[tuple[str, int]]
    before_interview_out: list[tuple[str, int]]
    no_show: int
    interview_out: list[tuple[str, int]]
    discontinued: list[tuple[str, int]]


PLANS = [
    Plan(
        "Bli peer supporter – utbildning 2019",
        2019,
        109,
        45,
        36,
        33,
        16,
        11,
        7,
        [(NotAdmittedReason.NOT_ELIGIBLE, 40), (NotAdmittedReason.NOT_READY, 24)],
        [(NotAdmittedReason.NOT_ELIGIBLE, 9)],
        3,
        [(NotAdmittedReason.NOT_READY, 9), (NotAdmittedReason.PLACES_FULL, 8)],
        [
            (DiscontinuedReason.OWN_CHOICE, 2),
            (DiscontinuedReason.HEALTH, 2),
            (DiscontinuedReason.WORK_OR_STUDIES, 1),
        ],
    ),
    Plan(
        "Nyrekrytering av peer supporters 2020",
        2020,
        58,
        40,
        30,
        28,
        15,
        12,
        0,  # employed in the five positions of 2021: see the placement demo
        [(NotAdmittedReason.NOT_ELIGIBLE, 12), (NotAdmittedReason.NOT_READY, 6)],
        [(NotAdmittedReason.NOT_ELIGIBLE, 10)],
        2,
        [(NotAdmittedReason.NOT_READY, 7), (NotAdmittedReason.PLACES_FULL, 6)],
        [(DiscontinuedReason.OWN_CHOICE, 2), (DiscontinuedReason.HEALTH, 1)],
    ),
]

CALL_TEXT = (
    "Vill du använda din egen erfarenhet av psykisk ohälsa och återhämtning i ditt arbete? "
    "Peer support-nätverket utbildar peer supporters tillsammans med regionen och länets "
    "kommuner. Utbildningen är kostnadsfri, omfattar tio heldagar och leder till "
    "certifiering. Efter utbildningen matchas du mot tjänster inom psykiatrin och "
    "kommunernas socialpsykiatri.\n\nVi tar emot ansökningar från dig som har levt med "
    "psykisk ohälsa och i dag är i återhämtning. Du behöver ingen diagnos och inga intyg."
)


# Where the network holds its training days (seed 004: Jönköping and Nässjö).
PLACES = ["Folkets hus, Jönköping", "Nätverkets lokal, Nässjö"]
FURTHER_TOPICS = [
    "Samtal i grupp",
    "Utsluss",
    "Läkemedelssamtal",
    "Forum för inflytande i praktiken",
    "Peer drifting och handledning",
    "Föreläsa om egen erfarenhet",
    "Anhöriggrupper",
    "Avslutning",
]
TOPICS = [
    "Återhämtning",
    "Egen berättelse",
    "Samtalet",
    "Peer support-rollen",
    "Etik och gränser",
    "Peer drifting",
    "Forum för inflytande",
    "Bemötande",
    "Att arbeta i team",
    "Avslutning",
]


@dataclass(frozen=True)
class As:
    """Who the demo acts as: the network's coordinator (the recruitment team)."""

    scope: Scope
    actor: object
    network: Organisation
    principal: Organisation


def load(
    *,
    network: Organisation,
    principal: Organisation,
    trainer_user,
    coordinator,
    today: date,
) -> None:
    team = As(scope_for(coordinator), coordinator, network, principal)
    if not Cohort.objects.filter(network=network, name="Utbildarutbildning 2018").exists():
        _trainer_cohort(team)
    for index, plan in enumerate(PLANS):
        if not Call.objects.filter(network=network, title=plan.title).exists():
            _history(team, plan, offset=index * 200, trainer_user=trainer_user)
    title = f"Peer support-utbildning våren {today.year + 1}"
    if not Call.objects.filter(network=network, title=title).exists():
        _open_call(team, title, today, trainer_user)
    further = f"Vidareutbildning hösten {today.year}"
    if not Cohort.objects.filter(network=network, name=further).exists():
        _further_training(team, further, today, trainer_user)


def _person(i: int, fte: tuple[int, int], **fields) -> Person:
    """The demo's person number `i` (looked up by address, made when missing)."""
    return Person(
        email=f"deltagare{i}@example.org",
        full_name=_name(i),
        fte_min=fte[0],
        fte_max=fte[1],
        **fields,
    )


def _call(team: As, title: str, opens_on: date, closes_on: date) -> Call:
    return services.call_create(
        scope=team.scope,
        actor=team.actor,
        network=team.network,
        principal=team.principal,
        title=title,
        description=CALL_TEXT,
        opens_on=opens_on,
        closes_on=closes_on,
        places=16,
    )


def _cohort(
    team: As, *, sessions: int = 10, trainers=(), topics=TOPICS, **fields
) -> tuple[Cohort, list]:
    """A cohort and its weekly training days from the first day."""
    cohort = services.cohort_create(
        scope=team.scope,
        actor=team.actor,
        network=team.network,
        principal=team.principal,
        trainers=trainers,
        **fields,
    )
    days = [
        services.session_add(
            scope=team.scope,
            actor=team.actor,
            cohort=cohort,
            day=cohort.starts_on + timedelta(weeks=week),
            topic=topic,
            place=PLACES[week % len(PLACES)],
        )
        for week, topic in enumerate(topics[:sessions])
    ]
    return cohort, days


def _import(team: As, records: list[EarlierRecord]) -> None:
    services.earlier_records_import(
        scope=team.scope, actor=team.actor, network=team.network, records=records
    )


def _trainer_cohort(team: As) -> None:
    cohort, sessions = _cohort(
        team,
        sessions=6,
        kind=CohortKind.TRAINER,
        name="Utbildarutbildning 2018",
        starts_on=date(2018, 9, 3),
        ends_on=date(2018, 12, 10),
    )
    _import(
        team,
        [
            EarlierRecord(
                person=_person(900 + i, (50, 100)),
                enrolment=Enrolment(
                    cohort=cohort, status=EnrolmentStatus.COMPLETED, ended_on=cohort.ends_on
                ),
                attendance=[(s, True) for s in sessions],
                certified_on=cohort.ends_on,
            )
            for i in range(11)
        ],
    )


def _history(team: As, plan: Plan, *, offset: int, trainer_user) -> None:
    opens = date(plan.year, 2, 1)
    call = _call(team, plan.title, opens, opens + timedelta(days=42))
    cohort, sessions = _cohort(
        team,
        trainers=[trainer_user],
        kind=CohortKind.BASIC,
        name=f"Grundutbildning {plan.year}",
        starts_on=date(plan.year, 5, 4),
        ends_on=date(plan.year, 5, 4) + timedelta(weeks=9),
    )
    decided = _at(cohort.ends_on + timedelta(days=7))

    outs = (
        [(Step.RECEIVED, r, n) for r, n in plan.screening_out]
        + [(Step.SCREENED, r, n) for r, n in plan.before_interview_out]
        + [(Step.INTERVIEW_BOOKED, NotAdmittedReason.NO_SHOW, plan.no_show)]
        + [(Step.INTERVIEWED, r, n) for r, n in plan.interview_out]
    )
    assert sum(n for _, _, n in outs) == plan.applied - plan.admitted, plan.title
    assert sum(n for _, n in plan.discontinued) == plan.admitted - plan.completed

    path = [
        Step.RECEIVED,
        Step.SCREENED,
        Step.INTERVIEW_BOOKED,
        Step.INTERVIEWED,
        Step.ADMITTED,
        Step.ENROLLED,
    ]
    days_after = {
        Step.RECEIVED: 0,
        Step.SCREENED: 12,
        Step.INTERVIEW_BOOKED: 16,
        Step.INTERVIEWED: 30,
        Step.ADMITTED: 38,
        Step.ENROLLED: 0,
    }
    records: list[EarlierRecord] = []
    index = 0
    for last_step, reason, count in outs:
        for _ in range(count):
            records.append(
                _historic_application(
                    call,
                    cohort,
                    index,
                    path[: path.index(last_step) + 1],
                    days_after,
                    Step.NOT_ADMITTED,
                    reason,
                    decided,
                )
            )
            index += 1
    for rank in range(plan.admitted):
        completed = rank < plan.completed
        discontinued_reason = ""
        if not completed:
            k = rank - plan.completed
            for reason, n in plan.discontinued:
                if k < n:
                    discontinued_reason = reason
                    break
                k -= n
        # Seed 004: some peer supporters cannot work more than 50 %, some need 100 %.
        # Certified in 2019 but beyond the employed: not looking for a position now.
        person = _person(
            offset + rank,
            (50, 75) if rank % 4 else (100, 100),
            available=not (completed and plan.employed and rank >= plan.employed),
        )
        record = _historic_application(
            call,
            cohort,
            index,
            path,
            days_after,
            Step.COMPLETED if completed else Step.DISCONTINUED,
            discontinued_reason,
            decided,
            person=person if completed else None,
        )
        index += 1
        ended_on = cohort.ends_on if completed else cohort.starts_on + timedelta(weeks=3)
        record.enrolment = Enrolment(
            cohort=cohort,
            status=EnrolmentStatus.COMPLETED if completed else EnrolmentStatus.DISCONTINUED,
            ended_on=ended_on,
            reason=discontinued_reason,
        )
        present = [
            s
            for i, s in enumerate(sessions)
            if completed and i != rank % 10 or not completed and i < 3
        ]
        record.attendance = [(s, s in present) for s in sessions if completed or s.day <= ended_on]
        records.append(record)
        if not completed:
            continue
        certified = cohort.ends_on + timedelta(days=7)
        record.certified_on = certified
        application = record.application
        assert application is not None
        record.steps.append((Step.CERTIFIED, _at(certified), ""))
        application.step, application.decided_at = Step.CERTIFIED, _at(certified)
        if rank < plan.employed:
            employed = certified + timedelta(days=45 + rank * 6)
            record.steps.append((Step.EMPLOYED, _at(employed), ""))
            application.step = Step.EMPLOYED
    _import(team, records)


def _historic_application(
    call, cohort, index, steps, days_after, final, reason, decided, person=None
) -> EarlierRecord:
    submitted = call.opens_on + timedelta(days=index % 40)
    anonymised = person is None
    application = Application(
        call=call,
        full_name=person.full_name if person else "",
        phone=person.phone if person else "",
        step=final,
        motivation="" if anonymised else "Jag vill ge det stöd jag själv fick.",
        fte_min=50,
        fte_max=100 if index % 3 else 50,
        consent_at=_at(submitted),
        submitted_at=_at(submitted, 9 + index % 8),
        cohort=cohort if Step.ENROLLED in steps else None,
        reason=reason,
        decided_at=decided,
        anonymised_at=decided + timedelta(days=730) if anonymised else None,
        status_token_hash=None if anonymised else hash_token(f"demo-{call.pk}-{index}"),
    )
    events = []
    for step in steps:
        day = (
            cohort.starts_on
            if step == Step.ENROLLED
            else submitted + timedelta(days=days_after[step] + index % 5)
        )
        events.append((step, _at(day, 11), ""))
    end_day = (
        cohort.ends_on
        if final == Step.COMPLETED
        else cohort.starts_on + timedelta(weeks=3)
        if final == Step.DISCONTINUED
        else submitted + timedelta(days=days_after[steps[-1]] + 3 + index % 5)
    )
    events.append((final, _at(end_day, 15), reason))
    return EarlierRecord(person=person, application=application, steps=events)


def _open_call(team: As, title: str, today: date, trainer_user) -> None:
    call = _call(team, title, today - timedelta(days=14), today + timedelta(days=45))
    spring = date(today.year + 1, 3, 2)
    _cohort(
        team,
        trainers=[trainer_user],
        kind=CohortKind.BASIC,
        name=f"Grundutbildning våren {today.year + 1}",
        starts_on=spring,
        ends_on=spring + timedelta(weeks=9),
        min_attendance_percent=80,
    )
    waiting = [
        Step.RECEIVED,
        Step.RECEIVED,
        Step.SCREENED,
        Step.INTERVIEW_BOOKED,
        Step.INTERVIEWED,
        Step.ADMITTED,
    ]
    path = [Step.SCREENED, Step.INTERVIEW_BOOKED, Step.INTERVIEWED, Step.ADMITTED]
    for i, step in enumerate(waiting):
        submitted = _at(call.opens_on + timedelta(days=i), 9 + i)
        application, _token = services.application_submit(
            call=call,
            full_name=_name(500 + i),
            email=f"deltagare{500 + i}@example.org",
            motivation="Jag har själv fått stöd av en peer supporter och vill ge det vidare.",
            lived_experience="Jag har levt med depression och ångest i många år och är i dag "
            "i återhämtning.",
            availability="Vardagar, dagtid",
            fte_min=50,
            fte_max=75,
            consent=True,
            now=submitted,
        )
        interview = (
            _at(today + timedelta(days=3), 13)
            if step == Step.INTERVIEW_BOOKED
            else submitted + timedelta(days=4)
        )
        for n, next_step in enumerate(path[: path.index(step) + 1] if step in path else [], 1):
            services.application_advance(
                scope=team.scope,
                actor=team.actor,
                application=application,
                step=next_step,
                interview_at=interview if next_step == Step.INTERVIEW_BOOKED else None,
                at=submitted + timedelta(days=2 * n),
            )


def _further_training(team: As, name: str, today: date, trainer_user) -> None:
    """The autumn's further training for certified peer supporters, under way: its first
    weeks' attendance came in on the paper lists (registered as earlier records); last
    week's and today's the trainer has still to mark on the start page."""
    start = today - timedelta(weeks=5)
    cohort, sessions = _cohort(
        team,
        sessions=8,
        topics=FURTHER_TOPICS,
        trainers=[trainer_user],
        kind=CohortKind.FURTHER,
        name=name,
        starts_on=start,
        ends_on=start + timedelta(weeks=7),
    )
    on_paper = [s for s in sessions if s.day <= today - timedelta(weeks=2)]
    people = Person.objects.filter(
        network=team.network, certifications__kind="basic", available=True
    ).order_by("pk")[:8]
    _import(
        team,
        [
            EarlierRecord(
                person=person,
                enrolment=Enrolment(cohort=cohort, status=EnrolmentStatus.ENROLLED),
                attendance=[(s, (i + n) % 7 != 0) for n, s in enumerate(on_paper)],
            )
            for i, person in enumerate(people)
        ],
    )
