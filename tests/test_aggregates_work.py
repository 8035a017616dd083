"""Issue 14 for the activity reports: no view a manager or coordinator can ask for – a
unit, all their units, any period, the page or its Excel – describes fewer peer
supporters than the threshold, and no difference of two views gives a hidden figure
back."""

import io
from datetime import date

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from peerstod.accounts.roles import Role
from peerstod.core.suppression import TOTAL, Reason, suppress_by_people
from peerstod.people.models import Person
from peerstod.placement.models import Employment
from peerstod.work import services
from tests.factories import MembershipFactory, UserFactory

TODAY = timezone.localdate


def peers_on(world, unit, count: int, *, tag: str, work: dict[str, int]) -> list[Person]:
    """`count` peer supporters employed on `unit`, each logging `work` (kind → minutes)
    today."""
    people = []
    for n in range(count):
        user = UserFactory(email=f"{tag}{n}@test.se")
        MembershipFactory(
            user=user, role=Role.PEER_SUPPORTER, organisation=unit.organisation, unit=unit
        )
        person = Person.objects.create(
            network=world.network, full_name=f"{tag} {n}", email=user.email, user=user
        )
        Employment.objects.create(
            person=person, unit=unit, fte_percent=50, starts_on=date(2026, 1, 1)
        )
        for category, minutes in work.items():
            services.entry_log(
                actor=user,
                unit=unit,
                day=TODAY(),
                category=category,
                minutes=minutes,
                note="Satt med." if category.startswith("out_") else "",
            )
        people.append(person)
    return people


def view(client, unit=None, *, xlsx=False):
    month = f"{TODAY():%Y-%m}"
    url = reverse("work:report") + f"?enhet={unit.code if unit else ''}&fran={month}&till={month}"
    return client.get(url + ("&format=xlsx" if xlsx else ""))


def hours(response) -> dict[str, float | None]:
    return {name: values[0] for name, values in response.context["report"].hours_by_category()}


def sheet(response) -> dict[str, list]:
    rows = load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=2, values_only=True)
    return {row[0]: list(row[1:]) for row in rows if row}


def one_alone_beside_five(world):
    """A1: one peer supporter (20 minutes of ward round, 111 at a coercive measure); A2:
    five, each with a conversation and a ward round. Before issue 14 the total of both
    showed the ward rounds, and minus A2's gave A1's 20 minutes back."""
    peers_on(world, world.unit_a1, 1, tag="alone", work={"ward_round": 20, "out_coercion": 111})
    peers_on(world, world.unit_a2, 5, tag="five", work={"conversation": 30, "ward_round": 45})


def test_the_unit_with_one_peer_supporter_shows_no_hours_per_kind_on_the_page_or_in_excel(
    client, world, login
):
    one_alone_beside_five(world)
    login(world.users["coordinator"])
    page = view(client, world.unit_a1)
    assert set(hours(page).values()) == {None}
    month = page.context["report"].months[0]
    assert month.total_hours is None and month.conversations.suppressed
    rows = sheet(view(client, world.unit_a1, xlsx=True))
    kinds = {k: v for k, v in rows.items() if k and not str(k).startswith("–")}
    assert kinds and all(values == ["–"] for values in kinds.values())
    assert 1.9 not in [v for values in rows.values() for v in values]  # 111 minutes


def test_all_units_minus_the_other_unit_gives_nothing_hidden_back(client, world, login):
    one_alone_beside_five(world)
    login(world.users["coordinator"])
    alone, five, both = (hours(view(client, u)) for u in (world.unit_a1, world.unit_a2, None))
    # Every kind hidden for the lonely unit is hidden in the total or in the other unit:
    # both shown would give the hidden one back by subtraction.
    assert alone == {
        "Samtal med patient": None,
        "Rond": None,
        "Utanför rollen: tvångsåtgärd": None,
    }
    assert five == {"Samtal med patient": 2.5, "Rond": None}
    # The coercive measure is the lonely person's alone: hidden in the total too.
    assert both == {"Samtal med patient": None, "Rond": 4.1, "Utanför rollen: tvångsåtgärd": None}
    # The same for the month's total hours: the total is shown, the other unit's not.
    total = view(client).context["report"].months[0].total_hours
    other = view(client, world.unit_a2).context["report"].months[0].total_hours
    assert (total, other) == (8.4, None)


def test_all_units_minus_the_other_unit_in_excel_gives_nothing_hidden_back(client, world, login):
    one_alone_beside_five(world)
    login(world.users["coordinator"])
    both = sheet(view(client, None, xlsx=True))
    five = sheet(view(client, world.unit_a2, xlsx=True))
    for kind in both:
        if str(kind).startswith("–") or kind is None:
            continue
        shown_both, shown_five = both[kind][0], five.get(kind, [0])[0]
        if shown_both != "–" and shown_five != "–":
            assert round(shown_both - shown_five, 1) == 0, kind


def test_the_in_and_outside_split_of_all_units_is_hidden_when_a_units_split_is(
    client, world, login
):
    one_alone_beside_five(world)
    login(world.users["coordinator"])
    month = view(client).context["report"].months[0]
    assert (month.core_hours, month.outside_hours, month.core_share) == (None, None, None)


def test_a_unit_of_one_who_logged_nothing_does_not_show_that_zero(client, world, login):
    peers_on(world, world.unit_a1, 1, tag="idle", work={})
    peers_on(world, world.unit_a2, 5, tag="five", work={"conversation": 30})
    login(world.users["coordinator"])
    month = view(client, world.unit_a1).context["report"].months[0]
    assert month.total_hours is None
    assert month.conversations.suppressed


def test_the_zeros_of_a_unit_of_one_are_hidden_too(client, world, login):
    """Which kinds the lonely person did not do is about them as well."""
    one_alone_beside_five(world)
    login(world.users["coordinator"])
    alone = hours(view(client, world.unit_a1))
    assert alone["Samtal med patient"] is None  # nobody on A1 had one: not shown as 0


def test_a_manager_of_one_unit_of_one_sees_no_total_either(client, world, login):
    peers_on(world, world.unit_a1, 1, tag="alone", work={"conversation": 60})
    login(world.users["manager"])
    month = view(client).context["report"].months[0]
    assert month.total_hours is None
    assert set(hours(view(client)).values()) == {None}


def test_a_shorter_period_hides_the_same_cells_as_a_longer_one(client, world, login):
    one_alone_beside_five(world)
    login(world.users["coordinator"])
    this = TODAY().replace(day=1)
    before = date(this.year - (this.month == 1), (this.month - 2) % 12 + 1, 1)
    base = reverse("work:report") + f"?enhet={world.unit_a2.code}&till={this:%Y-%m}"
    one = client.get(base + f"&fran={this:%Y-%m}").context["report"]
    two = client.get(base + f"&fran={before:%Y-%m}").context["report"]
    assert one.months[-1].hours == two.months[-1].hours
    # A kind's total over the period is shown only when none of its months is hidden.
    for (name, total), (_n, values) in zip(
        two.category_totals(), two.hours_by_category(), strict=True
    ):
        assert (total is None) == any(v is None for v in values), name


def test_the_peer_supporter_alone_still_sees_all_of_their_own_figures(client, world, login):
    person = peers_on(world, world.unit_a1, 1, tag="alone", work={"out_coercion": 111})[0]
    login(person.user)
    own = client.get(reverse("work:report")).context["report"]
    assert dict(own.hours_by_category())["Utanför rollen: tvångsåtgärd"][-1] == 1.9


# The table suppression itself ------------------------------------------------------------


def test_hours_are_hidden_by_the_people_behind_them_not_by_their_size():
    table = suppress_by_people(
        rows=["a", "b"],
        columns=["x", "y"],
        values={("a", "x"): 6000, ("a", "y"): 1, ("b", "x"): 10, ("b", "y"): 20},
        people={("a", "x"): 1, ("a", "y"): 5, ("b", "x"): 6, ("b", "y"): 7},
        row_people={"a": 6, "b": 7},
        column_people={"x": 7, "y": 12},
        total_people=13,
        limit=5,
    )
    assert table.hidden[("a", "x")] == Reason.SMALL  # 6000 minutes, one person
    assert ("a", "y") in table.hidden  # complementary in its row
    assert len([k for k in table.hidden if k[1] == "x"]) >= 2  # and in its column
    for line in (
        [("a", "x"), ("a", "y"), ("a", TOTAL)],
        [("b", "x"), ("b", "y"), ("b", TOTAL)],
        [("a", "x"), ("b", "x"), (TOTAL, "x")],
        [("a", "y"), ("b", "y"), (TOTAL, "y")],
        [(TOTAL, "x"), (TOTAL, "y"), (TOTAL, TOTAL)],
    ):
        assert sum(key in table.hidden for key in line) != 1, line


def test_a_row_of_few_people_is_hidden_whole_zeros_included():
    table = suppress_by_people(
        rows=["few", "many"],
        columns=["x", "y"],
        values={("few", "x"): 30, ("many", "x"): 300, ("many", "y"): 40},
        people={("few", "x"): 2, ("many", "x"): 8, ("many", "y"): 6},
        row_people={"few": 2, "many": 8},
        column_people={"x": 10, "y": 6},
        total_people=10,
        limit=5,
    )
    assert table.hidden[("few", "y")] == Reason.SMALL  # a zero, but of two people
    assert table.hidden[("few", TOTAL)] == Reason.SMALL
