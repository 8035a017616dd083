"""Every read of personal data writes one audit row; aggregates and own data do not."""

from django.urls import reverse

from peerstod.core.models import AuditEvent


def reads():
    return AuditEvent.objects.filter(action="accounts.members.viewed")


def test_reading_an_organisations_people_writes_one_row(client, world, login):
    login(world.users["coordinator"])
    response = client.get(reverse("orgs:organisation", args=[world.region_a.code]))
    assert "peer@test.se" in response.content.decode()
    event = reads().get()
    assert event.actor == world.users["coordinator"]
    assert event.organisation == world.region_a
    assert event.object_ref == world.region_a.code


def test_reading_a_units_people_writes_one_row(client, world, login):
    login(world.users["manager"])
    client.get(reverse("orgs:unit", args=[world.unit_a1.code]))
    assert reads().count() == 1


def test_roles_without_access_to_people_see_none_and_nothing_is_written(client, world, login):
    for persona in ["evaluator", "trainer", "supervisor"]:
        login(world.users[persona])
        page = client.get(reverse("orgs:organisation", args=[world.region_a.code]))
        assert page.status_code == 200
        assert "peer@test.se" not in page.content.decode()
    assert reads().count() == 0


def test_a_peer_supporter_sees_their_unit_but_not_its_people_list(client, world, login):
    login(world.users["peer"])
    page = client.get(reverse("orgs:unit", args=[world.unit_a1.code]))
    assert page.status_code == 200
    assert "Manager" not in page.content.decode()
    assert reads().count() == 0


def test_the_audit_log_shows_a_coordinator_only_their_organisations(client, world, login):
    login(world.users["coordinator"])
    client.get(reverse("orgs:organisation", args=[world.region_a.code]))
    login(world.users["outsider"])
    client.get(reverse("orgs:organisation", args=[world.region_b.code]))
    login(world.users["coordinator"])
    page = client.get(reverse("home:audit")).content.decode()
    assert "coordinator@test.se" in page
    assert "outsider@test.se" not in page


def test_pages_load_nothing_from_other_hosts(client, world, login):
    for user, url in [
        (world.users["coordinator"], reverse("home:dashboard")),
        (None, reverse("accounts:login")),
    ]:
        page = login(user).get(url).content.decode()
        assert 'src="http' not in page and 'href="http' not in page
        assert "/static/peerstod/css/app.css" in page  # its own stylesheet, from itself
