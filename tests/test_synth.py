"""`peerstod synth --scale region`: the promised rows, the rules of the services kept,
the same rows for the same seed, refused twice in words, and every aggregate page a
coordinator opens answering on it."""

import ast
import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.test import override_settings

from peerstod.accounts.models import Membership, User
from peerstod.accounts.roles import Role
from peerstod.demo import synth
from peerstod.orgs.models import Unit
from peerstod.outcomes.models import Builtin
from peerstod.placement.models import Employment
from peerstod.surveys.models import Response, Round
from peerstod.work.categories import OUTSIDE_ROLE
from peerstod.work.models import ActivityEntry, ActivityMonth
from tests.conftest import strong_login
from tests.test_architecture import writes_in

REGION = synth.SCALES["region"]
# The only functions of synth.py that write model rows themselves, all in bulk: the many
# rows the services would take hours over (its `Writer` COPYs the activity entries, their
# roll-up, indicator values and forum meetings). Everything else goes through the services.
BULK_WRITERS = {"_surveys", "_indicators", "_forums"}


def _load(today: date):
    return synth.load_synth(scale=REGION, seed=19, today=today, write=lambda line: None)


@pytest.mark.django_db
def test_region_scale_gives_the_promised_rows_keeps_the_rules_and_refuses_a_second_run(
    client, capsys
):
    today = date.today()
    with override_settings(DEBUG=True):
        call_command("synth", "--scale", "region")
        out = capsys.readouterr().out
        with pytest.raises(CommandError, match="already in this database"):
            call_command("synth", "--scale", "region")
    assert "50,000 activity entries" in out and "Programsamordnare" in out
    counts = synth.counts()
    assert counts["regions"] == 1
    assert counts["municipalities"] == 14
    assert counts["units"] == 100
    assert counts["peer supporters"] == counts["certifications"] == 50
    assert counts["employments"] >= 50
    assert counts["activity entries"] == 50_000
    assert counts["survey rounds"] == 10
    assert counts["survey answers"] == 10_000
    inpatient = Unit.objects.filter(kind__in=synth.INPATIENT).count()
    assert inpatient > 0 and counts["indicator values"] == inpatient * 120 * len(Builtin)
    assert counts["forum meetings"] > 0
    roles = set(
        Membership.objects.filter(user__email__startswith="synth.").values_list("role", flat=True)
    )
    assert roles == set(Role.values)

    # The roll-up is the sum of the entries, row for row.
    entries = ActivityEntry.objects.aggregate(n=Count("pk"), minutes=Sum("minutes"))
    months = ActivityMonth.objects.aggregate(n=Sum("entries"), minutes=Sum("minutes"))
    assert (entries["n"], entries["minutes"]) == (months["n"], months["minutes"])
    # Every entry inside an employment of its person on its unit, none in the future,
    # and every line outside the role written.
    outside = ActivityEntry.objects.exclude(
        Q(person__employments__unit=F("unit"))
        & Q(person__employments__starts_on__lte=F("day"))
        & (
            Q(person__employments__ends_on__isnull=True)
            | Q(person__employments__ends_on__gte=F("day"))
        )
    )
    assert not outside.exists()
    assert not ActivityEntry.objects.filter(day__gt=today).exists()
    assert not ActivityEntry.objects.filter(category__in=OUTSIDE_ROLE, note="").exists()
    # Survey answers sealed in whole groups; fewer than a group wait without one.
    for row in Response.objects.values("round", "unit", "group").annotate(n=Count("pk")):
        if row["group"] is not None:
            assert row["n"] == settings.SURVEY_MIN_GROUP
        else:
            assert row["n"] < settings.SURVEY_MIN_GROUP

    # Every aggregate page the region's coordinator opens answers.
    coordinator = User.objects.get(email="synth.coordinator.r01@example.org")
    strong_login(client, coordinator)
    pages = [
        "/oversikt/",
        "/enkater/",
        "/arbete/rapport/",
        "/utfall/",
        "/utfall/analys/",
        "/placering/",
        "/placering/uppfoljning/",
        "/forum/",
    ]
    pages += [f"/enkater/omgang/{r.code}/resultat/" for r in Round.objects.all()]
    answers = {page: client.get(page).status_code for page in pages}
    assert answers == dict.fromkeys(pages, 200)
    listing = client.get("/enkater/").content.decode()
    assert len(set(re.findall(r"/enkater/omgang/([^/\"]+)/", listing))) == 10


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_rows_and_the_digest_sees_a_changed_one():
    today = date.today()
    with transaction.atomic():
        _load(today)
        first = synth.digest()
        transaction.set_rollback(True)
    assert not Employment.objects.exists()
    _load(today)
    assert synth.digest() == first
    entry = ActivityEntry.objects.order_by("code").first()
    ActivityEntry.objects.filter(pk=entry.pk).update(minutes=entry.minutes % 700 + 1)
    assert synth.digest() != first


@pytest.mark.django_db
def test_the_command_refuses_without_debug_in_words():
    with override_settings(DEBUG=False), pytest.raises(CommandError, match="--force"):
        call_command("synth", "--scale", "region")
    assert not User.objects.exists()


def test_the_login_codes_are_those_an_authenticator_app_computes():
    key = synth.totp_key("synth.coordinator.r01@example.org", 19)
    assert re.fullmatch(r"[0-9a-f]{40}", key)
    assert key != synth.totp_key("synth.coordinator.r01@example.org", 20)
    # RFC 6238's test vector for SHA-1 (key "12345678901234567890", T = 59 s): 94287082.
    assert synth.totp_code(b"12345678901234567890".hex(), at=59) == "287082"


def test_only_the_bulk_loaders_write_rows_themselves():
    source = Path(synth.__file__).read_text()
    tree = ast.parse(source)
    owners = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            for inner in ast.walk(node):
                if hasattr(inner, "lineno"):
                    owners.setdefault(inner.lineno, node.name)
    writers = {owners.get(line, "module level") for line, _what in writes_in(tree)}
    assert writers == BULK_WRITERS, writers
