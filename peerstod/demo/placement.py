"""Demo placement in Region Jönköpings län (seed 004): 122 staff trained, the 7
employed from the 2019 cohort, five new 50 % positions in three municipalities for the
twelve certified in 2020 (three of whom need 100 %), and a recruitment mingle ahead.

Everything is made through the placement services, by the region's programme
coordinator, as she would make it on the pages: the same validation and audit rows."""

from __future__ import annotations

from datetime import date, timedelta

from peerstod.accounts.models import User
from peerstod.accounts.scope import scope_for
from peerstod.orgs.models import Organisation, Unit
from peerstod.people.models import Person
from peerstod.placement import services
from peerstod.placement.models import (
    Duty,
    Employment,
    MatchingEvent,
    Position,
    StaffTraining,
    StaffTrainingKind,
)
from peerstod.recruitment.models import ApplicationEvent, Step

COORDINATOR = "coordinator.jonkoping@example.org"

TRAINED = {
    "Psykosavdelningen Ryhov": 35,
    "Beroendeavdelningen": 24,
    "Allmänpsykiatrisk mottagning Nässjö": 16,
    "Boendestöd Nässjö": 12,
    "Träfflokalen Nässjö": 5,
    "Bostad först Jönköping": 8,
    "Arbetsmarknadsprojektet Steget": 4,
    "Boendestöd Sävsjö": 7,
    "Elevhälsan Sävsjö": 11,
}
NEW_POSITIONS = [
    "Boendestöd Nässjö",
    "Träfflokalen Nässjö",
    "Bostad först Jönköping",
    "Arbetsmarknadsprojektet Steget",
    "Boendestöd Sävsjö",
]
DUTIES = [
    Duty.CONVERSATIONS,
    Duty.ACTIVITIES_RECOVERY,
    Duty.WALKS,
    Duty.FORUM,
    Duty.LECTURES,
    Duty.PLANNING,
]


def load(*, region: Organisation, today: date) -> None:
    coordinator = User.objects.get(email=COORDINATOR)
    scope = scope_for(coordinator, today)
    as_coordinator = {"scope": scope, "actor": coordinator}
    units = {u.name: u for u in Unit.objects.filter(organisation__root=region)}
    if not StaffTraining.objects.filter(organisation=region).exists():
        services.staff_training_record(
            **as_coordinator,
            organisation=region,
            kind=StaffTrainingKind.RECOVERY,
            held_on=date(2019, 3, 12),
            title="Återhämtningsinriktat förhållningssätt och peer support",
            participants=[
                (units[name], f"Medarbetare {n + 1}, {name}")
                for name, count in TRAINED.items()
                for n in range(count)
            ],
        )
    if not Employment.objects.filter(unit__organisation__root=region).exists():
        _employments(as_coordinator, units)
    if not Position.objects.filter(unit__organisation__root=region).exists():
        _positions(as_coordinator, units, today)
    if not MatchingEvent.objects.filter(organisation=region).exists():
        services.event_create(
            **as_coordinator,
            organisation=region,
            title="Rekryteringsmingel",
            held_on=today + timedelta(days=14),
            positions=list(
                Position.objects.filter(unit__name__in=NEW_POSITIONS, is_open=True).order_by("pk")
            ),
            peers=list(
                Person.objects.filter(
                    network__kind="network", available=True, certifications__kind="basic"
                )
                .exclude(employments__isnull=False)
                .distinct()
                .order_by("pk")
            ),
        )


def _employments(as_coordinator, units) -> None:
    employed = ApplicationEvent.objects.filter(
        step=Step.EMPLOYED, application__call__principal__name="Region Jönköpings län"
    ).select_related("application__person")
    places = [
        "Psykosavdelningen Ryhov",
        "Beroendeavdelningen",
        "Allmänpsykiatrisk mottagning Nässjö",
    ]
    for index, event in enumerate(employed.order_by("at")):
        person = event.application.person
        if person is None:
            continue
        services.employment_create(
            **as_coordinator,
            person=person,
            unit=units[places[index % len(places)]],
            fte_percent=50,
            starts_on=event.at.date(),
            readiness_override="Anställd i projektet före Peerstöd.",
        )


def _positions(as_coordinator, units, today: date) -> None:
    start = today + timedelta(days=60)
    for name in NEW_POSITIONS:
        unit = units[name]
        ready = name != "Arbetsmarknadsprojektet Steget"
        position = services.position_create(
            **as_coordinator, unit=unit, fte_percent=50, seats=1, starts_on=start
        )
        # The role described with the unit; agreed (today) where the unit is ready.
        services.position_describe_role(
            **as_coordinator,
            position=position,
            duties=list(DUTIES),
            role_notes="Samtal, aktiviteter och forum för inflytande tillsammans med brukarna.",
            agreed=ready,
        )
        services.readiness_update(
            **as_coordinator,
            unit=unit,
            manager_briefed_on=today - timedelta(days=30),
            supervision_arranged_on=today - timedelta(days=10) if ready else None,
            introduction_plan="Första veckan: presentation på APT, följa en "
            "medarbetare, möte med chefen."
            if ready
            else "",
        )
