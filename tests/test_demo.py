"""`peerstod demo`: the seeds' organisations, one account per role, idempotent."""

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.test import override_settings

from peerstod.accounts.models import User
from peerstod.accounts.roles import Role
from peerstod.orgs.models import Unit, UnitKind

DEMO_EMAILS = [
    "admin@example.org",
    "network@example.org",
    "coordinator@example.org",
    "manager@example.org",
    "supervisor@example.org",
    "trainer@example.org",
    "peer@example.org",
    "evaluator@example.org",
]


def snapshot():
    """Every row of every model, as plain values."""
    return {
        model._meta.label: sorted(map(repr, model.objects.values_list()))
        for model in apps.get_models()
    }


@pytest.mark.django_db
def test_the_demo_refuses_to_run_without_debug():
    with override_settings(DEBUG=False), pytest.raises(CommandError, match="--force"):
        call_command("demo")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_running_the_demo_twice_changes_nothing(capsys):
    call_command("demo", force=True)
    first = snapshot()
    call_command("demo", force=True)
    assert snapshot() == first
    assert "peer@example.org" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_demo_has_one_account_per_role_with_the_demo_password():
    with override_settings(DEMO_PASSWORD="ett annat lösenord"):
        call_command("demo", force=True)
    for email in DEMO_EMAILS:
        assert User.objects.get(email=email).check_password("ett annat lösenord"), email
    roles = {
        m.role for u in User.objects.filter(email__in=DEMO_EMAILS) for m in u.memberships.all()
    }
    assert roles == set(Role.values)
    assert User.objects.get(email="admin@example.org").is_superuser


@pytest.mark.django_db
def test_the_demo_follows_the_seeds():
    call_command("demo", force=True)
    halland = Unit.objects.filter(organisation__name="Region Halland", place="Varberg")
    assert sorted(halland.values_list("name", flat=True)) == [
        "Rättspsykiatrisk avdelning 20",
        "Rättspsykiatrisk avdelning 21",
    ]
    municipalities = Unit.objects.filter(
        organisation__parent__name="Region Jönköpings län"
    ).values_list("organisation__name", flat=True)
    assert set(municipalities) == {"Nässjö kommun", "Jönköpings kommun", "Sävsjö kommun"}
    assert set(Unit.objects.values_list("kind", flat=True)) == set(UnitKind.values)
