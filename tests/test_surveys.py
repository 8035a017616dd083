"""Surveys: instruments from YAML, rounds and channels, anonymous answers, results with
suppression, and the comparison of rounds."""

import io
import uuid
from pathlib import Path

import numpy as np
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from scipy import stats

from peerstod.accounts.scope import scope_for
from peerstod.core.models import AuditEvent
from peerstod.surveys import instrument as definition
from peerstod.surveys import results, services
from peerstod.surveys.models import AccessCode, Instrument, Invitation, Response, TextAnswer
from tests.survey_world import answer, close, make_round, shipped, staff_answers

SHIPPED = Path(__file__).resolve().parent.parent / "peerstod/surveys/instruments"
STAFF_YAML = (SHIPPED / "staff-recovery.yaml").read_text()


# ---------------------------------------------------------------- instruments


@pytest.mark.django_db
def test_the_three_own_instruments_are_installed_by_migrate():
    keys = set(Instrument.objects.filter(organisation=None).values_list("key", flat=True))
    assert keys == {"peer-support-experience", "staff-recovery", "peer-work-situation"}
    assert services.install_shipped() == 0  # idempotent


def test_a_subscale_naming_a_missing_item_is_reported_with_line_and_field():
    broken = STAFF_YAML.replace("items: [peer_adds, peer_know,", "items: [peer_adds, peer_knows,")
    with pytest.raises(definition.DefinitionError) as caught:
        definition.load(broken)
    line = next(n for n, text in enumerate(broken.splitlines(), 1) if "peer_knows" in text)
    assert caught.value.line == line
    assert caught.value.field == "subscales[2].items[1]"
    assert "peer_knows" in str(caught.value) and f"{line}" in str(caught.value)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (("    min: 1\n    max: 5\n", "    min: 1\n    max: 4\n"), "scales.agree.labels.sv"),
        (("respondents: [staff, leader]", "respondents: [staff, boss]"), "respondents[1]"),
        (("  - key: rec_hope\n", "  - key: rec_possible\n"), "items[1].key"),
        (("      - value: 9\n", "      - value: 3\n"), "scales.agree.excluded[0].value"),
        (
            ("    scale: agree\n    reverse: true", "    scale: agreed\n    reverse: true"),
            "items[2].scale",
        ),
        (("  kind: free\n", "  kind: cheap\n"), "licence.kind"),
        (("      en: People with severe mental illness can recover.\n", ""), "items[0].text"),
        (
            ("    scoring: mean\n    min_answered: 3\n", "    scoring: median\n"),
            "subscales[0].scoring",
        ),
    ],
)
def test_malformed_definitions_name_the_field_at_fault(change, field):
    old, new = change
    assert old in STAFF_YAML
    with pytest.raises(definition.DefinitionError) as caught:
        definition.load(STAFF_YAML.replace(old, new, 1))
    assert caught.value.field == field
    assert caught.value.line is not None


def test_yaml_that_does_not_parse_gives_its_line():
    with pytest.raises(definition.DefinitionError) as caught:
        definition.load("key: x\nversion: 1\ntitle: [unclosed\nlanguages: [sv]\n")
    assert caught.value.line in (3, 4, 5)


def test_personal_data_in_an_instrument_text_is_refused():
    text = STAFF_YAML.replace(
        "sv: Att inge hopp är en viktig del av vårt arbete.",
        "sv: Ring 070-123 45 67 om du undrar något.",
    )
    with pytest.raises(definition.DefinitionError) as caught:
        definition.load(text)
    assert caught.value.field == "items[1].text.sv"


def test_huge_and_binary_files_are_refused():
    with pytest.raises(definition.DefinitionError):
        definition.load(b"x" * (definition.MAX_SOURCE_BYTES + 1))
    with pytest.raises(definition.DefinitionError):
        definition.load(b"\xff\xfe\x00key")


@pytest.mark.django_db
def test_scoring_reverses_skips_excluded_codes_and_needs_enough_answers():
    staff = shipped("staff-recovery").definition
    scores = staff.score(
        {"rec_possible": 5, "rec_hope": 4, "rec_chronic": 1, "rec_own_goals": 9}, set()
    )
    assert scores["recovery"] == pytest.approx((5 + 4 + 5) / 3)  # 9 = "vet ej" left out
    too_few = staff.score({"rec_possible": 5, "rec_hope": 9, "rec_own_goals": 9}, set())
    assert "recovery" not in too_few  # min_answered 3


@pytest.mark.django_db
def test_importance_items_count_only_when_marked_and_sum_scoring():
    peer = shipped("peer-work-situation").definition
    answers = {"role_clear": 4, "role_protected": 0, "load_too_much": 1, "load_recover": 3}
    assert peer.score(answers, set()) == {}
    scores = peer.score(answers, {"role_clear", "load_too_much", "load_recover"})
    assert scores == {"role": 4.0, "workload": (4 - 1) + 3.0}


@pytest.mark.django_db
def test_respondent_versions_have_their_own_texts():
    staff = shipped("staff-recovery").definition
    goals = staff.item("unit_goals")
    assert goals.text_for("staff", "sv").startswith("På min avdelning")
    assert goals.text_for("leader", "sv").startswith("I min verksamhet")
    assert goals.text_for("leader", "en").startswith("In my service")


@pytest.mark.django_db
def test_an_organisation_loads_an_instrument_it_may_use(world):
    coordinator = world.users["coordinator"]
    own = STAFF_YAML.replace("key: staff-recovery", "key: own-staff").replace(
        "kind: free", "kind: permission"
    )
    with pytest.raises(ValidationError) as caught:
        services.instrument_import(
            scope=scope_for(coordinator),
            actor=coordinator,
            organisation=world.region_a,
            source=own.encode(),
            rights_confirmed=False,
        )
    assert "rights_confirmed" in caught.value.message_dict
    loaded = services.instrument_import(
        scope=scope_for(coordinator),
        actor=coordinator,
        organisation=world.region_a,
        source=own.encode(),
        rights_confirmed=True,
    )
    assert loaded.licence_kind == "permission" and loaded.rights_confirmed_by == coordinator
    with pytest.raises(ValidationError) as again:
        services.instrument_import(
            scope=scope_for(coordinator),
            actor=coordinator,
            organisation=world.region_a,
            source=own.encode(),
            rights_confirmed=True,
        )
    assert "version" in str(again.value)
    outsider = world.users["outsider"]
    with pytest.raises(PermissionDenied):
        services.instrument_import(
            scope=scope_for(outsider),
            actor=outsider,
            organisation=world.region_a,
            source=own.replace("version: 1", "version: 2").encode(),
            rights_confirmed=True,
        )


@pytest.mark.django_db
def test_the_import_page_shows_the_line_and_field(world, login):
    client = login(world.users["coordinator"])
    broken = STAFF_YAML.replace("items: [peer_adds, peer_know,", "items: [peer_adds, peer_knows,")
    upload = io.BytesIO(broken.encode())
    upload.name = "enkat.yaml"
    response = client.post(reverse("surveys:instruments"), {"file": upload})
    assert response.status_code == 200
    assert "subscales[2].items[1]" in response.content.decode()
    assert not Instrument.objects.filter(organisation=world.region_a).exists()


# ---------------------------------------------------------------- rounds


@pytest.mark.django_db
def test_a_round_refuses_a_missing_version_other_units_and_a_backwards_window(world):
    with pytest.raises(ValidationError) as caught:
        make_round(world, audience="patient")
    assert "audience" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        make_round(world, units=[world.unit_b1])
    assert "units" in caught.value.message_dict
    today = timezone.localdate()
    with pytest.raises(ValidationError) as caught:
        make_round(world, opens=today, closes=today - timezone.timedelta(days=1))
    assert "closes_on" in caught.value.message_dict
    with pytest.raises(ValidationError):
        make_round(world, channels=["carrier-pigeon"])
    from peerstod.surveys.models import Round

    assert not Round.objects.exists()


# ---------------------------------------------------------------- anonymity


@pytest.mark.django_db
def test_an_answer_stores_nothing_that_points_to_a_person():
    fields = {f.name for f in Response._meta.get_fields()}
    assert fields == {
        "id",
        "round",
        "unit",
        "channel",
        "language",
        "answers",
        "important",
        "group",
    }
    code_fields = {f.name for f in AccessCode._meta.get_fields()}
    assert code_fields == {"id", "round", "unit", "digest", "used"}


@pytest.mark.django_db
def test_slip_codes_are_stored_hashed_and_work_once(world):
    coordinator = world.users["coordinator"]
    survey_round = make_round(
        world, key="peer-support-experience", audience="patient", channels=["slip", "paper"]
    )
    codes = services.slips_create(
        scope=scope_for(coordinator),
        actor=coordinator,
        survey_round=survey_round,
        unit=world.unit_a1,
        count=3,
    )
    assert len(set(codes)) == 3
    stored = list(AccessCode.objects.values_list("digest", flat=True))
    assert all(code not in digest for code in codes for digest in stored)
    assert (
        Invitation.objects.get(round=survey_round, unit=world.unit_a1, channel="slip").invited == 3
    )
    answer(survey_round, world.unit_a1, {"hope_future": 4}, channel="slip", code=codes[0])
    assert AccessCode.objects.filter(used=True).count() == 1
    with pytest.raises(ValidationError) as used:
        answer(survey_round, world.unit_a1, {"hope_future": 4}, channel="slip", code=codes[0])
    with pytest.raises(ValidationError) as unknown:
        answer(survey_round, world.unit_a1, {"hope_future": 4}, channel="slip", code="abcd2345")
    assert used.value.messages == unknown.value.messages  # no hint whether it ever existed
    assert Response.objects.count() == 1


@pytest.mark.django_db
def test_code_entry_gives_one_message_for_used_and_unknown_codes(world, client):
    coordinator = world.users["coordinator"]
    survey_round = make_round(
        world, key="peer-support-experience", audience="patient", channels=["slip"]
    )
    (code,) = services.slips_create(
        scope=scope_for(coordinator),
        actor=coordinator,
        survey_round=survey_round,
        unit=world.unit_a1,
        count=1,
    )
    typed = services.format_code(code).upper()
    entry = reverse("surveys:code")
    page = client.post(entry, {"code": typed})
    assert page.status_code == 200 and page.context["code"] == services.format_code(code)
    token = page.context["form"]["token"].value()
    sent = client.post(entry, {"code": page.context["code"], "token": token, "q_hope_future": "5"})
    assert "Tack" in sent.content.decode()
    unknown = client.post(entry, {"code": "zzzz-zzzz"}).content.decode()
    used = client.post(entry, {"code": typed}).content.decode()
    message = "Koden fungerar inte"
    assert message in unknown and message in used


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("answers", "texts"),
    [
        ({"rec_possible": 6}, {}),
        ({"rec_possible": 0}, {}),
        ({"rec_possible": "fyra"}, {}),
        ({"rec_possible": True}, {}),
        ({"rec_possible": 3.5}, {}),
        ({"no_such_question": 3}, {}),
        ({}, {}),
        ({"rec_possible": 4}, {"comment": "Ring mig på 070-123 45 67"}),
        ({"rec_possible": 4}, {"comment": "x" * 2001}),
        ({"rec_possible": 4}, {"rec_hope": "text in a scale item"}),
    ],
)
def test_bad_answers_are_refused_whole(world, answers, texts):
    survey_round = make_round(world)
    with pytest.raises(ValidationError):
        answer(survey_round, world.unit_a1, answers, texts=texts)
    assert not Response.objects.exists() and not TextAnswer.objects.exists()


@pytest.mark.django_db
def test_importance_may_only_be_marked_where_asked(world):
    survey_round = make_round(world)
    with pytest.raises(ValidationError):
        answer(survey_round, world.unit_a1, {"rec_possible": 4}, important=["rec_possible"])
    assert not Response.objects.exists()


@pytest.mark.django_db
def test_a_closed_or_not_yet_open_round_takes_no_answers(world):
    today = timezone.localdate()
    later = make_round(
        world, opens=today + timezone.timedelta(days=3), closes=today + timezone.timedelta(days=9)
    )
    with pytest.raises(ValidationError, match="Enkäten öppnar"):
        answer(later, world.unit_a1, staff_answers(4))
    survey_round = make_round(world, number=2)
    close(survey_round)
    with pytest.raises(ValidationError, match="Enkäten är stängd"):
        answer(survey_round, world.unit_a1, staff_answers(4))
    assert not Response.objects.exists()


@pytest.mark.django_db
def test_a_unit_outside_the_round_is_refused(world):
    survey_round = make_round(world, units=[world.unit_a1])
    with pytest.raises(ValidationError):
        answer(survey_round, world.unit_a2, staff_answers(4))
    assert not Response.objects.exists()


@pytest.mark.django_db
def test_a_double_tap_on_the_kiosk_counts_once(world, login):
    survey_round = make_round(world)
    manager = world.users["manager"]
    kiosk = services.kiosk_open(
        scope=scope_for(manager), actor=manager, survey_round=survey_round, unit=world.unit_a1
    )
    client = login(None)
    url = reverse("surveys:kiosk", args=[kiosk.code])
    token = client.get(url).context["form"]["token"].value()
    data = {"token": token, "q_rec_possible": "4", "q_peer_team": "5"}
    first = client.post(url, data)
    second = client.post(url, data)
    assert "Tack" in first.content.decode()
    assert "redan tagit emot" in second.content.decode()
    assert Response.objects.filter(channel="kiosk").count() == 1
    # The thank-you page leads straight back to an empty survey.
    assert f'href="{url}"' in first.content.decode()
    fresh = client.get(url).context["form"]
    assert fresh["token"].value() != token and not fresh.is_bound


@pytest.mark.django_db
def test_an_answer_keeps_no_date_and_a_random_key(world):
    survey_round = make_round(world)
    answer(survey_round, world.unit_a1, staff_answers(4))
    answer(survey_round, world.unit_a1, staff_answers(3))
    stored = list(Response.objects.all())
    assert all(isinstance(r.pk, uuid.UUID) and r.pk.version == 4 for r in stored)
    assert not any(isinstance(f, models.DateField) for f in Response._meta.get_fields())


@pytest.mark.django_db
def test_paper_answers_use_up_the_slip_code(world, login):
    coordinator = world.users["coordinator"]
    survey_round = make_round(
        world, key="peer-support-experience", audience="patient", channels=["slip", "paper"]
    )
    (code,) = services.slips_create(
        scope=scope_for(coordinator),
        actor=coordinator,
        survey_round=survey_round,
        unit=world.unit_a1,
        count=1,
    )
    client = login(world.users["manager"])
    url = reverse("surveys:paper", args=[survey_round.code])
    token = client.get(url).context["form"]["token"].value()
    saved = client.post(
        url, {"token": token, "unit": world.unit_a1.code, "code": code, "q_hope_future": "3"}
    )
    assert saved.status_code == 302
    token = client.get(url).context["form"]["token"].value()
    again = client.post(
        url, {"token": token, "unit": world.unit_a1.code, "code": code, "q_hope_future": "3"}
    )
    assert "Koden fungerar inte" in again.content.decode()
    assert Response.objects.filter(channel="paper").count() == 1
    other_unit = client.post(
        url, {"token": token, "unit": world.unit_a2.code, "q_hope_future": "3"}
    )
    assert other_unit.status_code == 200 and Response.objects.count() == 1  # not the manager's unit


# ---------------------------------------------------------------- results


def _estimate_reference(values):
    values = np.asarray(values, dtype=float)
    low, high = stats.t.interval(0.95, len(values) - 1, loc=values.mean(), scale=stats.sem(values))
    return values.mean(), low, high


@pytest.mark.django_db
def test_results_give_n_mean_and_confidence_interval(world):
    survey_round = make_round(world, units=[world.unit_a1])
    levels = [2, 3, 3, 4, 4, 4, 5, 5]
    for level in levels:
        answer(survey_round, world.unit_a1, staff_answers(level))
    close(survey_round)
    from peerstod.surveys.reports import round_results

    computed = round_results(survey_round=survey_round)
    estimate = computed.groups[0].subscales["recovery"]
    mean, low, high = _estimate_reference(levels)
    assert estimate.n == 8
    assert estimate.mean == pytest.approx(mean)
    assert (estimate.low, estimate.high) == (pytest.approx(low), pytest.approx(high))
    assert not computed.interim


@pytest.mark.django_db
def test_small_groups_are_hidden_with_a_complementary_unit(world):
    survey_round = make_round(world)
    for _ in range(4):
        answer(survey_round, world.unit_a1, staff_answers(2))
    for _ in range(6):
        answer(survey_round, world.unit_a2, staff_answers(5))
    close(survey_round)
    from peerstod.surveys.reports import round_results

    computed = round_results(survey_round=survey_round)
    a1, a2 = computed.groups
    assert a1.subscales["recovery"] is None  # 4 answers: too few
    assert a2.subscales["recovery"] is None  # else total minus A2 would give A1
    assert computed.total.subscales["recovery"].n == 10


@pytest.mark.django_db
def test_interim_results_grow_in_whole_steps(world):
    survey_round = make_round(world, units=[world.unit_a1])
    for level in [2, 2, 2, 2, 2, 5, 5]:
        answer(survey_round, world.unit_a1, staff_answers(level))
    from peerstod.surveys.reports import round_results

    computed = round_results(survey_round=survey_round)
    assert computed.interim and computed.counted == 5 and computed.received == 7
    assert computed.total.subscales["recovery"].mean == pytest.approx(2.0)


def test_the_round_comparison_matches_welch_and_hedges():
    first = [3.0, 3.25, 2.5, 3.5, 4.0, 2.75, 3.0, 3.25, 3.5, 2.5, 3.0, 3.75, 2.25, 3.0]
    second = [3.5, 4.0, 3.75, 4.25, 3.0, 4.5, 3.5, 4.0, 3.25, 4.0, 3.75, 4.5, 3.0, 4.0, 3.5]
    found = results.compare(first, second, limit=5)
    a, b = np.asarray(first), np.asarray(second)
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    dof = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    half = stats.t.ppf(0.975, dof) * np.sqrt(va + vb)
    diff = b.mean() - a.mean()
    assert found.difference == pytest.approx(diff)
    assert (found.low, found.high) == (pytest.approx(diff - half), pytest.approx(diff + half))
    pooled = np.sqrt(
        ((len(a) - 1) * a.var(ddof=1) + (len(b) - 1) * b.var(ddof=1)) / (len(a) + len(b) - 2)
    )
    correction = 1 - 3 / (4 * (len(a) + len(b)) - 9)
    assert found.effect == pytest.approx(diff / pooled * correction, rel=1e-3)
    assert found.effect_low < found.effect < found.effect_high
    assert results.compare(first[:4], second, limit=5) is None


@pytest.mark.django_db
def test_free_text_needs_ten_answers_and_moderation(world, login):
    survey_round = make_round(world, units=[world.unit_a1])
    for index in range(9):
        answer(
            survey_round,
            world.unit_a1,
            staff_answers(4),
            texts={"comment": f"Bra med peer support {index}"},
        )
    coordinator = world.users["coordinator"]
    for text in TextAnswer.objects.all():
        services.text_moderate(
            scope=scope_for(coordinator), actor=coordinator, answer=text, approve=True
        )
    close(survey_round)
    client = login(coordinator)
    page = client.get(reverse("surveys:results", args=[survey_round.code])).content.decode()
    assert "Bra med peer support" not in page  # 9 answers: too few for free text
    survey_round.closes_on = timezone.localdate() + timezone.timedelta(days=1)
    survey_round.save()
    answer(survey_round, world.unit_a1, staff_answers(4), texts={"comment": "Vänta med mig"})
    close(survey_round)
    page = client.get(reverse("surveys:results", args=[survey_round.code])).content.decode()
    assert "Bra med peer support 3" in page
    assert "Vänta med mig" not in page  # not moderated yet


@pytest.mark.django_db
def test_evaluators_see_results_only_when_the_round_has_closed(world, login):
    survey_round = make_round(world)
    for level in [3, 4, 4, 5, 5, 3]:
        answer(survey_round, world.unit_a2, staff_answers(level))
    client = login(world.users["evaluator"])
    url = reverse("surveys:results", args=[survey_round.code])
    assert "när omgången har stängt" in client.get(url).content.decode()
    close(survey_round)
    page = client.get(url)
    assert page.context["results"].total.subscales["recovery"].n == 6
    # Results of anonymous answers are no personal data: no read row (issue 13).
    assert not AuditEvent.objects.filter(
        actor=world.users["evaluator"], action__startswith="survey."
    ).exists()


@pytest.mark.django_db
def test_the_excel_export_obeys_the_same_suppression(world, login):
    survey_round = make_round(world)
    for _ in range(3):
        answer(survey_round, world.unit_a1, staff_answers(2))
    for _ in range(7):
        answer(survey_round, world.unit_a2, staff_answers(4))
    close(survey_round)
    response = login(world.users["evaluator"]).get(
        reverse("surveys:results", args=[survey_round.code]), {"format": "xlsx"}
    )
    sheet = load_workbook(io.BytesIO(response.content))["Resultat"]
    rows = {(r[0], r[1]): r[2:] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[("Avdelning A1", "Syn på återhämtning")] == ("–", "–", "–", "–")
    assert rows[("Avdelning A2", "Syn på återhämtning")] == ("–", "–", "–", "–")
    assert rows[("Alla enheter", "Syn på återhämtning")][0] == 10
    pdf = login(world.users["evaluator"]).get(
        reverse("surveys:results", args=[survey_round.code]), {"format": "pdf"}
    )
    assert pdf["Content-Type"] == "application/pdf" and pdf.content[:5] == b"%PDF-"


@pytest.mark.django_db
def test_another_organisation_cannot_reach_a_round(world, login):
    survey_round = make_round(world)
    client = login(world.users["outsider"])
    for name in ("surveys:round", "surveys:results", "surveys:paper", "surveys:moderate"):
        assert client.get(reverse(name, args=[survey_round.code])).status_code == 404
    response = client.post(
        reverse("surveys:slips", args=[survey_round.code]),
        {"slips-unit": world.unit_a1.code, "slips-count": 5},
    )
    assert response.status_code == 404
    assert not AccessCode.objects.exists()


@pytest.mark.django_db
def test_the_results_page_costs_the_same_queries_for_few_and_many_answers(world, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    survey_round = make_round(world)
    close(survey_round)
    client = login(world.users["coordinator"])
    url = reverse("surveys:results", args=[survey_round.code])

    def grow(n):
        Response.objects.bulk_create(
            Response(
                round=survey_round,
                unit=unit,
                channel="link",
                group=1 + index // 5,
                answers=staff_answers(3 + index % 3),
            )
            for index in range(n)
            for unit in (world.unit_a1, world.unit_a2)
        )

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    grow(10)  # enough for free text too, so the same reads happen both times
    few = queries()
    grow(200)
    assert queries() == few


# ---------------------------------------------------------------- pages


@pytest.mark.django_db
def test_the_coordinator_creates_a_round_and_a_bad_window_saves_nothing(world, login):
    from peerstod.surveys.models import Round

    client = login(world.users["coordinator"])
    data = {
        "round-title": "Personalenkät omgång 1",
        "round-instrument": shipped("staff-recovery").pk,
        "round-audience": "staff",
        "round-number": 1,
        "round-opens_on": "2026-12-01",
        "round-closes_on": "2026-11-01",
        "round-units": [world.unit_a1.pk],
        "round-channels": ["link", "kiosk"],
    }
    page = client.post(reverse("surveys:index"), data)
    assert page.status_code == 200 and "Inget sparades" in page.content.decode()
    assert not Round.objects.exists()
    data["round-units"] = [world.unit_b1.pk]  # another organisation's unit
    data["round-closes_on"] = "2026-12-31"
    assert client.post(reverse("surveys:index"), data).status_code == 200
    assert not Round.objects.exists()
    data["round-units"] = [world.unit_a1.pk, world.unit_a2.pk]
    created = client.post(reverse("surveys:index"), data)
    survey_round = Round.objects.get()
    assert created.url == reverse("surveys:round", args=[survey_round.code])
    assert set(survey_round.units.all()) == {world.unit_a1, world.unit_a2}
    assert survey_round.channels == ["kiosk", "link"]


@pytest.mark.django_db
def test_a_valid_instrument_file_loads_through_the_page(world, login):
    client = login(world.users["coordinator"])
    upload = io.BytesIO(STAFF_YAML.replace("key: staff-recovery", "key: var-egen").encode())
    upload.name = "egen.yaml"
    response = client.post(reverse("surveys:instruments"), {"file": upload})
    loaded = Instrument.objects.get(organisation=world.region_a)
    assert response.url == reverse("surveys:instrument", args=[loaded.pk])
    page = client.get(response.url).content.decode()
    assert "Personalens syn på återhämtning" in page and "omvänd poäng" in page
    # Another organisation neither sees nor reaches it.
    outsider = login(world.users["outsider"])
    assert outsider.get(reverse("surveys:instrument", args=[loaded.pk])).status_code == 404


@pytest.mark.django_db
def test_staff_answer_through_the_unit_link_in_english(world, client):
    survey_round = make_round(world)
    url = reverse("surveys:answer_link", args=[survey_round.link_code, world.unit_a2.code])
    client.cookies["django_language"] = "en"
    page = client.get(url)
    assert "People with severe mental illness can recover." in page.content.decode()
    token = page.context["form"]["token"].value()
    client.post(url, {"token": token, "q_rec_possible": "5", "q_rec_hope": "9"})
    stored = Response.objects.get()
    assert (stored.unit, stored.channel, stored.language) == (world.unit_a2, "link", "en")
    assert stored.answers == {"rec_possible": 5, "rec_hope": 9}
    other = reverse("surveys:answer_link", args=[survey_round.link_code, world.unit_b1.code])
    assert client.get(other).status_code == 404


@pytest.mark.django_db
def test_out_of_scale_answer_in_the_form_keeps_nothing(world, client):
    survey_round = make_round(world)
    url = reverse("surveys:answer_link", args=[survey_round.link_code, world.unit_a1.code])
    token = client.get(url).context["form"]["token"].value()
    page = client.post(url, {"token": token, "q_rec_possible": "7", "q_rec_hope": "4"})
    assert page.status_code == 200 and "Inget sparades" in page.content.decode()
    assert not Response.objects.exists()
    forged = client.post(url, {"token": "forged", "q_rec_hope": "4"})
    assert "gått ut" in forged.content.decode() and not Response.objects.exists()


@pytest.mark.django_db
def test_the_coordinator_sets_invited_moderates_and_closes_early(world, login):
    survey_round = make_round(world)
    answer(survey_round, world.unit_a1, staff_answers(4), texts={"comment": "Mer handledning"})
    client = login(world.users["coordinator"])
    url = reverse("surveys:round", args=[survey_round.code])
    client.post(
        url,
        {
            "action": "invited",
            "invited-unit": world.unit_a1.code,
            "invited-channel": "link",
            "invited-invited": 30,
        },
    )
    assert "1 / 30 (3 %)" in client.get(url).content.decode()
    client.post(
        url,
        {
            "action": "invited",
            "invited-unit": world.unit_a1.code,
            "invited-channel": "link",
            "invited-invited": -4,
        },
    )
    assert Invitation.objects.get(unit=world.unit_a1, channel="link").invited == 30
    text = TextAnswer.objects.get()
    moderate = reverse("surveys:moderate", args=[survey_round.code])
    # The text waits with its answer until the unit has a whole group.
    assert "Mer handledning" not in client.get(moderate).content.decode()
    for level in (3, 4, 5, 4):
        answer(survey_round, world.unit_a1, staff_answers(level))
    text = TextAnswer.objects.get()
    assert "Mer handledning" in client.get(moderate).content.decode()
    client.post(moderate, {"answer": text.pk, "approve": "no"})
    text.refresh_from_db()
    assert text.status == "rejected" and text.moderated_by == world.users["coordinator"]
    manager = login(world.users["manager"])
    assert manager.post(moderate, {"answer": text.pk, "approve": "yes"}).status_code == 403
    client = login(world.users["coordinator"])
    client.post(url, {"action": "close"})
    survey_round.refresh_from_db()
    assert survey_round.closed_early_on == timezone.localdate() - timezone.timedelta(days=1)
    assert survey_round.is_closed(timezone.localdate())
    with pytest.raises(ValidationError, match="Enkäten är stängd"):
        answer(survey_round, world.unit_a1, staff_answers(4))


@pytest.mark.django_db
def test_the_overview_points_to_open_rounds_and_finished_results(world, login):
    open_round = make_round(world, title="Höstens personalenkät")
    answer(open_round, world.unit_a1, staff_answers(4), texts={"comment": "Bra"})
    finished = make_round(world, number=2, title="Vårens personalenkät")
    close(finished)
    coordinator = login(world.users["coordinator"])
    page = coordinator.get(reverse("home:dashboard")).content.decode()
    assert "Enkäten Höstens personalenkät är öppen" in page and "1 svar hittills" in page
    # The text waits with its answer for a whole group: nothing to moderate yet.
    assert "väntar på granskning" not in page
    for level in (3, 4, 5, 3):
        answer(open_round, world.unit_a1, staff_answers(level))
    page = coordinator.get(reverse("home:dashboard")).content.decode()
    assert "1 fritextsvar i Höstens personalenkät väntar på granskning" in page
    evaluator = login(world.users["evaluator"]).get(reverse("home:dashboard")).content.decode()
    assert "Resultat: Vårens personalenkät" in evaluator
    assert "Höstens personalenkät" not in evaluator
