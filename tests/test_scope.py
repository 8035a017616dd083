"""The one scoping mechanism: memberships and agreements decide what a user sees."""

from datetime import date, timedelta

from django.utils import timezone

from peerstod.accounts.roles import Role
from peerstod.accounts.scope import scope_for
from peerstod.orgs import selectors
from tests.factories import AgreementFactory, MembershipFactory, OrganisationFactory, UnitFactory


def test_a_coordinator_sees_their_organisation_and_what_hangs_below_it(world):
    municipality = OrganisationFactory(name="Kommun under A", parent=world.region_a)
    housing = UnitFactory(organisation=municipality, name="Boendestöd")
    scope = scope_for(world.users["coordinator"], day=date.today())
    assert scope.unit_ids() == {world.unit_a1.pk, world.unit_a2.pk, housing.pk}
    assert world.region_b.pk not in scope.organisation_ids()


def test_a_user_of_one_region_never_sees_a_row_of_another(world):
    scope = scope_for(world.users["outsider"], day=date.today())
    units = selectors.unit_list(scope=scope)
    assert list(units) == [world.unit_b1]


def test_a_unit_manager_sees_only_their_unit(world):
    scope = scope_for(world.users["manager"], day=date.today())
    assert scope.unit_ids() == {world.unit_a1.pk}


def test_the_network_sees_a_principal_only_during_the_agreement(world):
    world.agreement.starts_on = date(2020, 1, 1)
    world.agreement.ends_on = date(2021, 12, 31)
    world.agreement.save()
    supervisor = world.users["supervisor"]
    during = scope_for(supervisor, day=date(2021, 6, 1))
    after = scope_for(supervisor, day=date(2022, 1, 1))
    assert world.unit_a1.pk in during.unit_ids()
    assert after.unit_ids() == frozenset()
    assert world.region_a.pk not in after.organisation_ids()


def test_an_agreement_with_listed_units_covers_only_those(world):
    world.agreement.units.set([world.unit_a2])
    scope = scope_for(world.users["trainer"], day=date.today())
    assert scope.unit_ids() == {world.unit_a2.pk}


def test_a_membership_counts_only_in_its_period(world):
    today = timezone.localdate()
    user = world.users["coordinator"]
    user.memberships.update(valid_to=today - timedelta(days=1))
    assert scope_for(user, day=today).unit_ids() == frozenset()
    MembershipFactory(
        user=user,
        role=Role.PROGRAMME_COORDINATOR,
        organisation=world.region_b,
        valid_from=today + timedelta(days=1),
    )
    assert scope_for(user, day=today).unit_ids() == frozenset()


def test_a_second_network_does_not_inherit_the_first_ones_agreements(world):
    other = AgreementFactory(principal=world.region_b)
    MembershipFactory(
        role=Role.NETWORK_COORDINATOR, organisation=other.network, user__email="n2@test.se"
    )
    network_user = world.users["network"]
    assert world.unit_b1.pk not in scope_for(network_user, day=date.today()).unit_ids()


def test_the_platform_admin_sees_everything(world):
    scope = scope_for(world.users["admin"], day=date.today())
    assert {world.unit_a1.pk, world.unit_b1.pk} <= scope.unit_ids(Role.PROGRAMME_COORDINATOR)


def test_an_inactive_user_sees_nothing(world):
    user = world.users["coordinator"]
    user.is_active = False
    assert scope_for(user, day=date.today()).unit_ids() == frozenset()
