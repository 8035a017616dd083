"""Issue 14 for drift signals: a signal is about one person and is seen by that person,
their supervisor and the managers they choose; the network coordinator's count per
organisation never describes fewer peer supporters than the threshold, and no count of
signals reaches a manager or a programme coordinator."""

from datetime import date

import pytest
from django.urls import reverse

from peerstod.people.models import Certification, Person
from peerstod.placement.models import Employment
from peerstod.supervision.drift import Level, counts_table


def certified_on(world, unit, n: int, tag: str, *, ended: bool = False) -> list[Person]:
    people = []
    for i in range(n):
        person = Person.objects.create(
            network=world.network, full_name=f"{tag} {i}", email=f"{tag}{i}@test.se"
        )
        Certification.objects.create(person=person, kind="basic", certified_on=date(2025, 6, 1))
        Employment.objects.create(
            person=person,
            unit=unit,
            fte_percent=50,
            starts_on=date(2025, 1, 1),
            ends_on=date(2025, 6, 30) if ended else None,
        )
        people.append(person)
    return people


def test_an_organisation_with_one_peer_supporter_shows_none_of_its_counts_not_even_zeros():
    rows = counts_table({("Region A", Level.AMBER): 1, ("Region B", Level.AMBER): 6})
    alone = next(r for r in rows if r.organisation == "Region A")
    assert all(cell.suppressed for cell in alone.cells) and alone.total.suppressed
    many = next(r for r in rows if r.organisation == "Region B")
    # Region A's amber is hidden, so a column total would give it back: a second is hidden.
    assert many.cells[list(Level).index(Level.AMBER)].suppressed


def test_the_network_page_shows_no_figure_of_the_organisation_with_one_peer_supporter(
    client, world, login
):
    certified_on(world, world.unit_a1, 1, "alone")
    certified_on(world, world.unit_b1, 6, "many")
    login(world.users["network"])
    rows = client.get(reverse("supervision:meetings")).context["drift_rows"]
    alone = next(r for r in rows if r.organisation == world.region_a.name)
    assert [str(c) for c in alone.cells] == ["–", "–", "–"]
    assert str(alone.total) == "–"


def test_a_peer_supporter_who_no_longer_works_there_is_not_counted_there(client, world, login):
    certified_on(world, world.unit_a1, 6, "gone", ended=True)
    certified_on(world, world.unit_b1, 6, "many")
    login(world.users["network"])
    rows = client.get(reverse("supervision:meetings")).context["drift_rows"]
    assert [r.organisation for r in rows] == [world.region_b.name]


def test_no_count_of_drift_signals_reaches_a_manager_or_a_coordinator(client, world, login):
    certified_on(world, world.unit_a1, 6, "many")
    for persona in ("manager", "coordinator", "evaluator"):
        login(world.users[persona])
        assert client.get(reverse("supervision:meetings")).status_code == 403, persona
        for name in ("supervision:check_ins", "home:dashboard"):
            response = client.get(reverse(name))
            if response.status_code == 200:
                text = response.content.decode()
                assert "Driftsignaler per organisation" not in text, (persona, name)
                assert "drift_rows" not in (response.context or {}), (persona, name)


@pytest.mark.django_db
def test_the_evaluators_start_page_counts_as_of_last_month_so_one_joiner_today_shows_nothing(
    world,
):
    from datetime import timedelta

    from django.utils import timezone

    from peerstod.accounts.roles import Role
    from peerstod.accounts.scope import scope_for
    from peerstod.home.dashboard import sections_for
    from tests.factories import MembershipFactory, UserFactory

    def table():
        (section,) = [
            s for s in sections_for(scope_for(world.users["evaluator"])) if s.role == Role.EVALUATOR
        ]
        return [(label, str(peers)) for label, _units, peers in section.data["rows"]], section

    before, section = table()
    today = timezone.localdate()
    assert section.data["as_of"] == today.replace(day=1) - timedelta(days=1)
    for _ in range(6):  # six peer supporters start on unit A1 today
        MembershipFactory(
            user=UserFactory(),
            organisation=world.unit_a1.organisation,
            unit=world.unit_a1,
            role=Role.PEER_SUPPORTER,
            valid_from=today,
        )
    after, _section = table()
    assert after == before
