"""The test world has two complete tenants, and every capability builder builds the same
objects for tenant B as for tenant A, in tenant B's organisations."""

from peerstod.accounts.scope import scope_for
from tests.conftest import ALL_PERSONAS, PERSONAS, PERSONAS_B, counterpart
from tests.forum_world import make_forum
from tests.placement_world import make_placement
from tests.recruitment_world import make_recruitment
from tests.supervision_world import make_supervision
from tests.survey_world import make_survey
from tests.work_world import make_workday


def test_a_world_for_one_tenant_leaves_region_b_without_an_agreement(world):
    assert not world.region_b.agreements_as_principal.exists()
    assert list(world.region_b.units.all()) == [world.unit_b1]
    assert set(world.users) == set(PERSONAS) - {"anonymous"}


def test_asking_for_a_tenant_b_persona_builds_tenant_b_with_a_person_in_every_role(world):
    manager_b = world.users["manager_b"]
    assert set(PERSONAS_B) <= set(world.users)
    assert world.users["coordinator_b"] == world.users["outsider"]
    assert world.agreement_b.network == world.network_b
    assert world.agreement_b.principal == world.region_b
    assert set(world.region_b.units.all()) == {world.unit_b1, world.unit_b2}
    assert scope_for(manager_b).unit_ids() == {world.unit_b1.pk}
    assert scope_for(world.users["supervisor_b"]).unit_ids() == {
        world.unit_b1.pk,
        world.unit_b2.pk,
    }
    assert world.unit_a1.pk not in scope_for(world.users["network_b"]).unit_ids()
    assert world.unit_b1.pk not in scope_for(world.users["network"]).unit_ids()


def test_every_persona_has_a_counterpart_in_the_other_tenant(two_tenants):
    for persona in ALL_PERSONAS:
        assert counterpart(counterpart(persona)) == persona
        assert persona == "anonymous" or two_tenants.users[persona] is not None


def test_the_builders_make_tenant_b_objects_in_tenant_b(two_tenants):
    world = two_tenants
    recruitment = make_recruitment(world, tenant="b")
    placement = make_placement(world, recruitment, tenant="b")
    workday = make_workday(world, tenant="b")
    supervision = make_supervision(world, workday, tenant="b")
    forum = make_forum(world, workday, tenant="b")
    survey = make_survey(world, tenant="b")
    assert recruitment.call.network == world.network_b
    assert recruitment.call.principal == world.region_b
    assert recruitment.application.person.email == "berit@test.se"
    assert placement.employment.unit == world.unit_b1
    assert workday.person.user == world.users["peer_b"]
    assert workday.person.network == world.network_b
    assert supervision.meeting.network == world.network_b
    assert forum.forum.unit == world.unit_b1
    assert survey.round.organisation == world.region_b
    assert set(survey.round.units.all()) == {world.unit_b1, world.unit_b2}
