"""Shared fixtures: a small world of organisations and one persona per role.

World: a network with an agreement covering region A (units A1, A2); region B (unit B1)
has no agreement. The outsider is region B's programme coordinator: as privileged as
region A's coordinator, but in another organisation.
"""

import os
from dataclasses import dataclass

import pytest

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


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2 is deliberately slow; tests that check hashing use the project's list."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db) -> World:
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
    grants = {
        "network": (Role.NETWORK_COORDINATOR, network, None),
        "coordinator": (Role.PROGRAMME_COORDINATOR, region_a, None),
        "manager": (Role.UNIT_MANAGER, region_a, unit_a1),
        "supervisor": (Role.SUPERVISOR, network, None),
        "trainer": (Role.TRAINER, network, None),
        "peer": (Role.PEER_SUPPORTER, region_a, unit_a1),
        "evaluator": (Role.EVALUATOR, region_a, None),
        "outsider": (Role.PROGRAMME_COORDINATOR, region_b, None),
    }
    for persona, (role, organisation, unit) in grants.items():
        user = UserFactory(email=f"{persona}@test.se", full_name=persona.title())
        MembershipFactory(user=user, role=role, organisation=organisation, unit=unit)
        users[persona] = user
    return World(network, region_a, region_b, unit_a1, unit_a2, unit_b1, agreement, users)


@pytest.fixture
def login(client):
    """Log a persona in on the test client (None: stay anonymous)."""

    def _login(user: User | None):
        client.logout()
        if user is not None:
            client.force_login(user)
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
