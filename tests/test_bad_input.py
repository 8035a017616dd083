"""Bad input gets a clear message in Swedish (or English) and nothing is half-saved."""

import pytest
from django.urls import reverse
from django.utils import translation

from peerstod.core.models import AuditEvent
from peerstod.orgs.models import Agreement, Unit

CREATE = reverse("orgs:unit_create")


def unit_form(world, **overrides):
    data = {
        "organisation": world.region_a.code,
        "name": "Avdelning 22",
        "kind": "forensic",
        "place": "Varberg",
        "staff_count": "30",
        "description": "Rättspsykiatrisk vård, klass 2.",
    }
    data.update(overrides)
    return data


def test_a_valid_unit_is_saved_and_audited(client, world, login):
    login(world.users["coordinator"])
    response = client.post(CREATE, unit_form(world))
    unit = Unit.objects.get(name="Avdelning 22")
    assert response["Location"] == reverse("orgs:unit", args=[unit.code])
    assert AuditEvent.objects.filter(action="orgs.unit.created", object_ref=unit.code).exists()


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("Patienten 19811218-9876 vill byta rum.", "personnummer"),
        ("Ring anhörig på 070-123 45 67.", "telefonnummer"),
        ("Svar till kalle@exempel.se", "e-postadress"),
    ],
)
def test_personal_data_in_free_text_is_refused_and_nothing_saved(client, world, login, text, named):
    login(world.users["coordinator"])
    before = AuditEvent.objects.count()
    response = client.post(CREATE, unit_form(world, description=text))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Inget sparades" in page
    assert f"innehåller {'ett' if named != 'e-postadress' else 'en'} {named}" in page
    assert not Unit.objects.filter(name="Avdelning 22").exists()
    assert AuditEvent.objects.count() == before


def test_the_same_refusal_in_english(client, world, login):
    login(world.users["coordinator"])
    client.cookies["django_language"] = "en"
    page = client.post(CREATE, unit_form(world, description="tel 0701234567")).content.decode()
    assert "Remove personal data before saving" in page
    assert "a phone number" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Detta fält måste fyllas i"),
        ("staff_count", "trettio", "heltal"),
        ("staff_count", "-3", "större än eller lika med 0"),
        ("staff_count", "99999", "högst 5 000 medarbetare"),
        ("kind", "spaceship", "giltigt alternativ"),
        ("description", "x" * 5000, "som mest 2000 tecken"),
        ("name", "y" * 500, "som mest 200 tecken"),
    ],
)
def test_wrong_types_empty_and_huge_values_are_refused(client, world, login, field, value, message):
    login(world.users["coordinator"])
    response = client.post(CREATE, unit_form(world, **{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Unit.objects.count() == 3


def test_a_duplicate_unit_name_is_refused(client, world, login):
    login(world.users["coordinator"])
    response = client.post(CREATE, unit_form(world, name=world.unit_a1.name))
    assert "redan en enhet med det här namnet" in response.content.decode()
    assert Unit.objects.filter(name=world.unit_a1.name).count() == 1


def test_another_organisations_id_cannot_be_chosen(client, world, login):
    login(world.users["coordinator"])
    response = client.post(CREATE, unit_form(world, organisation=world.region_b.code))
    assert "giltigt alternativ" in response.content.decode()
    assert not Unit.objects.filter(organisation=world.region_b, name="Avdelning 22").exists()


def test_another_organisations_unit_answers_404_without_details(client, world, login):
    login(world.users["coordinator"])
    response = client.get(reverse("orgs:unit", args=[world.unit_b1.code]))
    assert response.status_code == 404
    assert world.unit_b1.name not in response.content.decode()
    response = client.post(reverse("orgs:unit_edit", args=[world.unit_b1.code]), {"name": "Kapad"})
    assert response.status_code == 404
    world.unit_b1.refresh_from_db()
    assert world.unit_b1.name == "Avdelning B1"


def test_an_edit_with_personal_data_changes_nothing(client, world, login):
    login(world.users["coordinator"])
    url = reverse("orgs:unit_edit", args=[world.unit_a1.code])
    data = unit_form(world, name="Nytt namn", description="Kontakt: 0701234567")
    del data["organisation"]
    client.post(url, data)
    world.unit_a1.refresh_from_db()
    assert world.unit_a1.name == "Avdelning A1"


def test_an_edit_is_saved_and_audited_with_the_changed_fields(client, world, login):
    login(world.users["coordinator"])
    url = reverse("orgs:unit_edit", args=[world.unit_a1.code])
    data = unit_form(world, name="Avdelning A1", staff_count="44")
    del data["organisation"]
    assert client.post(url, data).status_code == 302
    world.unit_a1.refresh_from_db()
    assert world.unit_a1.staff_count == 44
    event = AuditEvent.objects.get(action="orgs.unit.changed")
    assert "staff_count" in event.detail["fields"]


def test_a_ten_megabyte_body_is_refused_as_too_large_before_any_view(client, world, login):
    login(world.users["coordinator"])
    response = client.post(CREATE, unit_form(world, description="a" * 10_000_000))
    assert response.status_code == 413
    assert "Inget sparades" in response.content.decode()
    assert Unit.objects.count() == 3


def test_an_agreement_that_ends_before_it_starts_is_refused(client, world, login):
    login(world.users["network"])
    response = client.post(
        reverse("orgs:agreement_create"),
        {
            "network": world.network.code,
            "principal": world.region_b.code,
            "starts_on": "2026-05-01",
            "ends_on": "2026-01-01",
        },
    )
    assert "kan inte upphöra innan det börjar" in response.content.decode()
    assert not Agreement.objects.filter(principal=world.region_b).exists()


def test_an_agreement_with_a_date_that_is_not_a_date_is_refused(client, world, login):
    login(world.users["network"])
    response = client.post(
        reverse("orgs:agreement_create"),
        {"network": world.network.code, "principal": world.region_b.code, "starts_on": "igår"},
    )
    assert "giltigt datum" in response.content.decode()


def test_a_valid_agreement_opens_the_principal_to_the_network(client, world, login):
    from datetime import date

    from peerstod.accounts.scope import scope_for

    login(world.users["network"])
    response = client.post(
        reverse("orgs:agreement_create"),
        {
            "network": world.network.code,
            "principal": world.region_b.code,
            "starts_on": "2026-01-01",
            "note": "Ramavtal för peer support 2026–2028.",
        },
    )
    assert response.status_code == 302
    scope = scope_for(world.users["supervisor"], day=date(2026, 6, 1))
    assert world.unit_b1.pk in scope.unit_ids()


def test_messages_exist_in_both_languages():
    from peerstod.core.privacy import KIND_LABELS, Kind

    with translation.override("sv"):
        assert str(KIND_LABELS[Kind.PERSONAL_NUMBER]) == "ett personnummer"
    with translation.override("en"):
        assert str(KIND_LABELS[Kind.PERSONAL_NUMBER]) == "a personal identity number"
