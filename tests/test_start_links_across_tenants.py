"""The start pages' links carry codes in the address (`?med=`, `?unit=&month=`): another
organisation's code, or rubbish, preselects nothing and reveals nothing."""

from datetime import date

import pytest
from django.urls import reverse

from peerstod.people.models import Person
from peerstod.supervision.models import Assignment


def main(html: str) -> str:
    """The page's own content: the header's language form repeats the address as typed."""
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def test_booking_with_another_networks_supervisee_preselects_and_names_no_one(
    client, login, two_tenants
):
    world = two_tenants
    other = Person.objects.create(
        network=world.network_b, full_name="Bodil Annatnätverk", email="bodil@test.se"
    )
    Assignment.objects.create(
        supervisor=world.users["supervisor_b"], person=other, valid_from=date(2026, 1, 1)
    )
    login(world.users["supervisor"])
    html = main(client.get(reverse("supervision:home") + f"?med={other.code}").content.decode())
    assert "Bodil" not in html and other.code not in html
    assert "checked" not in html


@pytest.mark.parametrize("month", ["2026-13", "x" * 5000, "<script>", "=HYPERLINK(1)"])
def test_indicator_entry_ignores_another_regions_unit_and_a_bad_month(
    client, login, two_tenants, month
):
    world = two_tenants
    login(world.users["coordinator"])
    url = reverse("outcomes:entry")
    response = client.get(url, {"unit": world.unit_b1.code, "month": month})
    html = main(response.content.decode())
    assert response.status_code == 200
    assert world.unit_b1.name not in html and world.unit_b1.code not in html
    assert "<script>" not in html


def test_indicator_entry_preselects_ones_own_unit_and_month(client, login, world):
    login(world.users["coordinator"])
    html = client.get(
        reverse("outcomes:entry"), {"unit": world.unit_a1.code, "month": "2026-05"}
    ).content.decode()
    assert f'value="{world.unit_a1.code}" selected' in html
    assert 'value="2026-05"' in html
