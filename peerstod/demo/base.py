"""The demo: fictional people in organisations modelled on the seed documents.

Loading is idempotent: every object is looked up by its natural key first and created
through the services only when missing, so a second run changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction

from peerstod.accounts import services as account_services
from peerstod.accounts.models import Membership, User
from peerstod.accounts.roles import Role
from peerstod.accounts.scope import scope_for
from peerstod.demo import forum as forum_demo
from peerstod.demo import outcomes as outcomes_demo
from peerstod.demo import placement as placement_demo
from peerstod.demo import recruitment as recruitment_demo
from peerstod.demo import supervision as supervision_demo
from peerstod.demo import surveys as surveys_demo
from peerstod.demo import work as work_demo
from peerstod.orgs import services as org_services
from peerstod.orgs.models import Agreement, Organisation, OrganisationKind, Unit, UnitKind

NETWORK = "NSPH – nationellt peer support-nätverk"

# organisation name → (kind, parent name or None, [(unit name, kind, place, staff)])
ORGANISATIONS: list[tuple[str, str, str | None, list[tuple[str, str, str, int | None]]]] = [
    (NETWORK, OrganisationKind.NETWORK, None, []),
    (
        "Region Halland",
        OrganisationKind.REGION,
        None,
        [
            ("Rättspsykiatrisk avdelning 20", UnitKind.FORENSIC, "Varberg", 28),
            ("Rättspsykiatrisk avdelning 21", UnitKind.FORENSIC, "Varberg", 31),
        ],
    ),
    (
        "Region Jönköpings län",
        OrganisationKind.REGION,
        None,
        [
            ("Psykosavdelningen Ryhov", UnitKind.INPATIENT_PSYCHOSIS, "Jönköping", 35),
            ("Beroendeavdelningen", UnitKind.INPATIENT_ADDICTION, "Jönköping", 24),
            ("Allmänpsykiatrisk mottagning Nässjö", UnitKind.GENERAL_PSYCHIATRY, "Nässjö", 18),
        ],
    ),
    (
        "Nässjö kommun",
        OrganisationKind.MUNICIPALITY,
        "Region Jönköpings län",
        [
            ("Boendestöd Nässjö", UnitKind.HOUSING_SUPPORT, "Nässjö", 14),
            ("Träfflokalen Nässjö", UnitKind.ACTIVITY_HOUSE, "Nässjö", 6),
        ],
    ),
    (
        "Jönköpings kommun",
        OrganisationKind.MUNICIPALITY,
        "Region Jönköpings län",
        [
            ("Bostad först Jönköping", UnitKind.HOUSING_FIRST, "Jönköping", 9),
            ("Arbetsmarknadsprojektet Steget", UnitKind.LABOUR_MARKET, "Jönköping", 7),
        ],
    ),
    (
        "Sävsjö kommun",
        OrganisationKind.MUNICIPALITY,
        "Region Jönköpings län",
        [
            ("Boendestöd Sävsjö", UnitKind.HOUSING_SUPPORT, "Sävsjö", 8),
            ("Elevhälsan Sävsjö", UnitKind.SCHOOL, "Sävsjö", 12),
        ],
    ),
    (
        "Västra Götalandsregionen, psykiatri",
        OrganisationKind.REGION,
        None,
        [
            ("Psykosavdelning 4", UnitKind.INPATIENT_PSYCHOSIS, "Göteborg", 40),
            ("NHV självskadebeteende", UnitKind.SELF_HARM, "Göteborg", 22),
            ("Allmänpsykiatrisk avdelning 21", UnitKind.GENERAL_PSYCHIATRY, "Göteborg", 22),
        ],
    ),
    (
        "Stockholms stad, socialpsykiatri",
        OrganisationKind.MUNICIPALITY,
        None,
        [
            ("Boendestöd Södermalm", UnitKind.HOUSING_SUPPORT, "Stockholm", 16),
            ("Aktivitetshuset Fyren", UnitKind.ACTIVITY_HOUSE, "Stockholm", 10),
        ],
    ),
]

# principal → (starts_on, ends_on)
AGREEMENTS = [
    ("Region Halland", date(2020, 9, 1), None),
    ("Region Jönköpings län", date(2018, 6, 30), None),
    ("Västra Götalandsregionen, psykiatri", date(2016, 9, 1), None),
    ("Stockholms stad, socialpsykiatri", date(2017, 1, 1), date(2019, 12, 31)),
]


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    role: str | None
    organisation: str | None
    unit: str | None = None
    can_log_in: bool = True


USERS = [
    DemoUser("admin@example.org", "Alva Admin", None, None),
    DemoUser("network@example.org", "Nora Nätverk", Role.NETWORK_COORDINATOR, NETWORK),
    DemoUser(
        "coordinator@example.org",
        "Cecilia Samordnare",
        Role.PROGRAMME_COORDINATOR,
        "Region Halland",
    ),
    DemoUser(
        "manager@example.org",
        "Juan Avdelningschef",
        Role.UNIT_MANAGER,
        "Region Halland",
        "Rättspsykiatrisk avdelning 21",
    ),
    DemoUser("supervisor@example.org", "Sara Handledare", Role.SUPERVISOR, NETWORK),
    DemoUser("trainer@example.org", "Tove Utbildare", Role.TRAINER, NETWORK),
    DemoUser(
        "peer@example.org",
        "Marianne Peer",
        Role.PEER_SUPPORTER,
        "Region Halland",
        "Rättspsykiatrisk avdelning 21",
    ),
    DemoUser(
        "evaluator@example.org",
        "Erik Utvärderare",
        Role.EVALUATOR,
        "Västra Götalandsregionen, psykiatri",
    ),
    DemoUser(
        "coordinator.vgr@example.org",
        "Vera Samordnare",
        Role.PROGRAMME_COORDINATOR,
        "Västra Götalandsregionen, psykiatri",
    ),
    DemoUser(
        "coordinator.jonkoping@example.org",
        "Åsa Samordnare",
        Role.PROGRAMME_COORDINATOR,
        "Region Jönköpings län",
    ),
    # Peer supporters without a login of their own in the demo, so that aggregates have
    # something to count (and something to hide).
    DemoUser(
        "ps1.vgr@example.org",
        "Kim Peer",
        Role.PEER_SUPPORTER,
        "Västra Götalandsregionen, psykiatri",
        "Psykosavdelning 4",
        False,
    ),
    DemoUser(
        "ps2.vgr@example.org",
        "Robin Peer",
        Role.PEER_SUPPORTER,
        "Västra Götalandsregionen, psykiatri",
        "Psykosavdelning 4",
        False,
    ),
    DemoUser(
        "ps3.vgr@example.org",
        "Alex Peer",
        Role.PEER_SUPPORTER,
        "Västra Götalandsregionen, psykiatri",
        "NHV självskadebeteende",
        False,
    ),
    DemoUser(
        "ps4.vgr@example.org",
        "Mika Peer",
        Role.PEER_SUPPORTER,
        "Västra Götalandsregionen, psykiatri",
        "Psykosavdelning 4",
        False,
    ),
    DemoUser(
        "ps5.vgr@example.org",
        "Noa Peer",
        Role.PEER_SUPPORTER,
        "Västra Götalandsregionen, psykiatri",
        "Psykosavdelning 4",
        False,
    ),
    DemoUser(
        "ps6.vgr@example.org",
        "Sam Peer",
        Role.PEER_SUPPORTER,
        "Västra Götalandsregionen, psykiatri",
        "Psykosavdelning 4",
        False,
    ),
]

DEMO_START = date(2024, 1, 1)


def load_demo(*, password: str | None = None) -> list[DemoUser]:
    password = password or settings.DEMO_PASSWORD
    with transaction.atomic():
        organisations = _organisations()
        admin = _user(USERS[0], password)
        _units(organisations, scope_for(admin), admin)
        _agreements(organisations, scope_for(admin), admin)
        _users(organisations, password)
        recruitment_demo.load(
            network=organisations[NETWORK],
            principal=organisations["Region Jönköpings län"],
            trainer_user=User.objects.get(email="trainer@example.org"),
            coordinator=User.objects.get(email="network@example.org"),
            today=date.today(),
        )
        placement_demo.load(region=organisations["Region Jönköpings län"], today=date.today())
        work_demo.load(
            network=organisations[NETWORK],
            unit=Unit.objects.get(name="Rättspsykiatrisk avdelning 21"),
            today=date.today(),
        )
        forum_demo.load(
            unit=Unit.objects.get(name="Rättspsykiatrisk avdelning 21"), today=date.today()
        )
        supervision_demo.load(
            network=organisations[NETWORK],
            unit=Unit.objects.get(name="Rättspsykiatrisk avdelning 21"),
            today=date.today(),
        )
        outcomes_demo.load(
            unit_20=Unit.objects.get(name="Rättspsykiatrisk avdelning 20"),
            unit_21=Unit.objects.get(name="Rättspsykiatrisk avdelning 21"),
            today=date.today(),
        )
        vgr = organisations["Västra Götalandsregionen, psykiatri"]
        surveys_demo.load(
            region=vgr,
            units=[
                Unit.objects.get(organisation=vgr, name="Psykosavdelning 4"),
                Unit.objects.get(organisation=vgr, name="Allmänpsykiatrisk avdelning 21"),
            ],
            patient_unit=Unit.objects.get(organisation=vgr, name="Allmänpsykiatrisk avdelning 21"),
            today=date.today(),
        )
    return [u for u in USERS if u.can_log_in]


def _organisations() -> dict[str, Organisation]:
    found: dict[str, Organisation] = {}
    for name, kind, parent_name, _units in ORGANISATIONS:
        parent = found[parent_name] if parent_name else None
        org = Organisation.objects.filter(name=name, parent=parent).first()
        if org is None:
            org = org_services.organisation_create(name=name, kind=kind, parent=parent)
        found[name] = org
    return found


def _units(organisations: dict[str, Organisation], scope, admin: User) -> None:
    for name, _kind, _parent, units in ORGANISATIONS:
        org = organisations[name]
        for unit_name, unit_kind, place, staff in units:
            if not Unit.objects.filter(organisation=org, name=unit_name).exists():
                org_services.unit_create(
                    scope=scope,
                    actor=admin,
                    organisation=org,
                    name=unit_name,
                    kind=unit_kind,
                    place=place,
                    staff_count=staff,
                )


def _agreements(organisations: dict[str, Organisation], scope, admin: User) -> None:
    network = organisations[NETWORK]
    for principal_name, starts_on, ends_on in AGREEMENTS:
        principal = organisations[principal_name]
        if not Agreement.objects.filter(
            network=network, principal=principal, starts_on=starts_on
        ).exists():
            org_services.agreement_create(
                scope=scope,
                actor=admin,
                network=network,
                principal=principal,
                starts_on=starts_on,
                ends_on=ends_on,
            )


def _user(demo: DemoUser, password: str) -> User:
    """The demo user's account (a platform administrator when the user has no role)."""
    user = User.objects.filter(email=demo.email).first()
    if user is None:
        user = account_services.user_create(
            email=demo.email,
            full_name=demo.name,
            password=password if demo.can_log_in else None,
            validate=False,
        )
        if demo.role is None:
            account_services.platform_admin_grant(user=user)
    return user


def _users(organisations: dict[str, Organisation], password: str) -> None:
    for demo in USERS:
        user = _user(demo, password)
        if demo.role is None:
            continue
        organisation = organisations[demo.organisation]
        unit = Unit.objects.get(organisation=organisation, name=demo.unit) if demo.unit else None
        if not Membership.objects.filter(
            user=user, role=demo.role, organisation=organisation, unit=unit
        ).exists():
            account_services.membership_grant(
                user=user,
                role=demo.role,
                organisation=organisation,
                unit=unit,
                valid_from=DEMO_START,
            )
