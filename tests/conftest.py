"""Shared fixtures: two tenants of organisations and one persona per role in each.

Tenant A: a network with an agreement covering region A (units A1, A2). The personas
`network, coordinator, manager, supervisor, trainer, peer, evaluator` hold their roles
there.

Tenant B: "Nätverket B" with an agreement covering region B (units B1, B2), and a person
in every role: `network_b, coordinator_b, manager_b, supervisor_b, trainer_b, peer_b,
evaluator_b`. The outsider is region B's programme coordinator (`coordinator_b` is the
same user): as privileged as region A's coordinator, but in another organisation.

Tenant B is built the first time a test asks for it (`world.network_b`, `world.unit_b2`,
`world.agreement_b`, `world.users["manager_b"]`, `world.tenant("b")` or the
`two_tenants` fixture), so tests written for one tenant see region B as before: a region
with one unit and no agreement. `world.tenant("a" | "b")` gives the same names for
either tenant (`tenant.users["coordinator"]`, `tenant.unit1`), which the capability
builders in `tests/*_world.py` use to build the same objects for tenant B.
"""

import os
from dataclasses import dataclass, field

import pytest
from django.conf import settings as django_settings
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from peerstod.accounts import strength
from peerstod.accounts.models import User
from peerstod.accounts.roles import Role
from peerstod.orgs.models import Agreement, Organisation, Unit
from tests.factories import (
    AgreementFactory,
    MembershipFactory,
    NetworkFactory,
    OrganisationFactory,
    UnitFactory,
    UserFactory,
)

# Property tests check what holds, not how fast: no per-example deadline (a loaded
# two-core machine made one fail on time alone). Speed is measured in benchmarks/.
hypothesis_settings.register_profile("peerstod", deadline=None)
hypothesis_settings.load_profile("peerstod")

PASSWORD = "correct horse battery"
PERSONAS = [
    "anonymous",
    "admin",
    "network",
    "coordinator",
    "manager",
    "supervisor",
    "trainer",
    "peer",
    "evaluator",
    "outsider",
]
# The roles of a tenant, by the names tenant A's personas have.
ROLES = ["network", "coordinator", "manager", "supervisor", "trainer", "peer", "evaluator"]
PERSONAS_B = [f"{role}_b" for role in ROLES]
# Every distinct login of both tenants: `coordinator_b` is the outsider, listed once.
ALL_PERSONAS = PERSONAS + [p for p in PERSONAS_B if p != "coordinator_b"]
# A persona's counterpart in the other tenant (admin and anonymous are their own).
COUNTERPART = {
    **{role: f"{role}_b" for role in ROLES},
    **{f"{role}_b": role for role in ROLES},
    "coordinator": "outsider",
    "outsider": "coordinator",
    "coordinator_b": "coordinator",
    "admin": "admin",
    "anonymous": "anonymous",
}


def tenant_of(persona: str) -> str | None:
    """ "a", "b", or None for the personas that belong to neither (admin, anonymous)."""
    if persona in ("admin", "anonymous"):
        return None
    return "b" if persona.endswith("_b") or persona == "outsider" else "a"


def counterpart(persona: str) -> str:
    """The persona with the same role in the other tenant (`outsider` for B's coordinator)."""
    found = COUNTERPART[persona]
    return "outsider" if found == "coordinator_b" else found


GRANTS_A = {
    "network": (Role.NETWORK_COORDINATOR, "network", None),
    "coordinator": (Role.PROGRAMME_COORDINATOR, "region", None),
    "manager": (Role.UNIT_MANAGER, "region", "unit1"),
    "supervisor": (Role.SUPERVISOR, "network", None),
    "trainer": (Role.TRAINER, "network", None),
    "peer": (Role.PEER_SUPPORTER, "region", "unit1"),
    "evaluator": (Role.EVALUATOR, "region", None),
}


@dataclass
class Tenant:
    """One tenant under the names tenant A uses: `users["coordinator"]` is region B's
    coordinator (the outsider) in tenant B; `users["admin"]` is the platform admin."""

    key: str
    network: Organisation
    region: Organisation
    unit1: Unit
    unit2: Unit
    agreement: Agreement
    users: dict[str, User]


class Personas(dict):
    """The world's users by persona; asking for a tenant-B persona builds tenant B."""

    world: "World"

    def __missing__(self, key):
        if key in PERSONAS_B and "network_b" not in self:
            self.world.tenant_b()
            return self[key]
        raise KeyError(key)

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default


@dataclass
class World:
    network: Organisation
    region_a: Organisation
    region_b: Organisation
    unit_a1: Unit
    unit_a2: Unit
    unit_b1: Unit
    agreement: Agreement
    users: dict[str, User]
    _b: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        if not isinstance(self.users, Personas):
            self.users = Personas(self.users)
        self.users.world = self

    def tenant_b(self) -> "World":
        """Build tenant B (once): Nätverket B, its agreement with region B, unit B2 and a
        persona in every role."""
        if self._b:
            return self
        network_b = NetworkFactory(name="Nätverket B")
        unit_b2 = UnitFactory(organisation=self.region_b, name="Avdelning B2")
        agreement_b = AgreementFactory(network=network_b, principal=self.region_b)
        places = {"network": network_b, "region": self.region_b, "unit1": self.unit_b1}
        for role, (granted, organisation, unit) in GRANTS_A.items():
            persona = f"{role}_b"
            if role == "coordinator":
                self.users[persona] = self.users["outsider"]
                continue
            user = UserFactory(email=f"{persona}@test.se", full_name=f"{role.title()} B")
            MembershipFactory(
                user=user,
                role=granted,
                organisation=places[organisation],
                unit=places.get(unit) if unit else None,
            )
            self.users[persona] = user
        self._b.update(network_b=network_b, unit_b2=unit_b2, agreement_b=agreement_b)
        return self

    @property
    def network_b(self) -> Organisation:
        return self.tenant_b()._b["network_b"]

    @property
    def unit_b2(self) -> Unit:
        return self.tenant_b()._b["unit_b2"]

    @property
    def agreement_b(self) -> Agreement:
        return self.tenant_b()._b["agreement_b"]

    def tenant(self, key: str = "a") -> Tenant:
        """Tenant "a" or "b" under one set of names, for builders that serve both."""
        if key == "a":
            users = {role: self.users[role] for role in ROLES}
            return Tenant(
                "a",
                self.network,
                self.region_a,
                self.unit_a1,
                self.unit_a2,
                self.agreement,
                {**users, "admin": self.users["admin"]},
            )
        if key == "b":
            users = {role: self.users[f"{role}_b"] for role in ROLES}
            return Tenant(
                "b",
                self.network_b,
                self.region_b,
                self.unit_b1,
                self.unit_b2,
                self.agreement_b,
                {**users, "admin": self.users["admin"]},
            )
        raise ValueError(f"No tenant {key!r}: use 'a' or 'b'.")


@pytest.fixture(autouse=True)
def swedish_by_default():
    """Every test starts in the site's language (Swedish). Django's locale middleware
    activates a request's language for the thread and leaves it there, so without this
    a test that asked for English would leave the next one, calling a service directly,
    speaking English."""
    with translation.override(django_settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2 is deliberately slow; tests that check hashing use the project's list."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def build_world() -> World:
    """The world of one tenant (tenant B on demand); the `world` fixture calls this, and a
    test module that shares one world between its tests may call it itself."""
    network = NetworkFactory(name="Nätverket")
    region_a = OrganisationFactory(name="Region A")
    region_b = OrganisationFactory(name="Region B")
    unit_a1 = UnitFactory(organisation=region_a, name="Avdelning A1")
    unit_a2 = UnitFactory(organisation=region_a, name="Avdelning A2")
    unit_b1 = UnitFactory(organisation=region_b, name="Avdelning B1")
    agreement = AgreementFactory(network=network, principal=region_a)
    users = {
        "admin": UserFactory(email="admin@test.se", is_staff=True, is_superuser=True),
    }
    places = {"network": network, "region": region_a, "unit1": unit_a1}
    for persona, (role, organisation, unit) in GRANTS_A.items():
        user = UserFactory(email=f"{persona}@test.se", full_name=persona.title())
        MembershipFactory(
            user=user, role=role, organisation=places[organisation], unit=places.get(unit)
        )
        users[persona] = user
    outsider = UserFactory(email="outsider@test.se", full_name="Outsider")
    MembershipFactory(user=outsider, role=Role.PROGRAMME_COORDINATOR, organisation=region_b)
    users["outsider"] = outsider
    return World(network, region_a, region_b, unit_a1, unit_a2, unit_b1, agreement, users)


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def two_tenants(world) -> World:
    """The world with tenant B built."""
    return world.tenant_b()


def strong_login(client, user: User, method: str = strength.TOTP):
    """Log `user` in on a test client as after a password and a second factor: the
    session is strong (accounts.strength), so no page asks for a code. Tests of the
    second factor itself log in with `client.force_login` alone (a weak session)."""
    client.force_login(user)
    session = client.session
    session[strength.SESSION_KEY] = method
    session.save()
    return client


@pytest.fixture
def login(client):
    """Log a persona in on the test client, second factor shown (None: stay anonymous)."""

    def _login(user: User | None):
        client.logout()
        if user is not None:
            strong_login(client, user)
        return client

    return _login


def pytest_sessionfinish(session, exitstatus):
    """In CI a skipped test is a failure: the whole suite must really run."""
    if os.environ.get("CI") != "true":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if skipped:
        reporter.write_line(f"CI: {skipped} test(s) were skipped; in CI that is a failure.")
        session.exitstatus = 1
