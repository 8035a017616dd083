"""Surveys under issue 13: every change a use case with its audit row, anonymous answers
audited without a link to anyone, limits on code guessing, safe instrument files and
Excel exports, and bad input that answers 4xx and changes nothing."""

import ast
import io
import time
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from peerstod.accounts.scope import scope_for
from peerstod.core.models import AuditEvent
from peerstod.orgs.models import Unit
from peerstod.surveys import actions, services
from peerstod.surveys import instrument as definition
from peerstod.surveys.models import (
    AccessCode,
    Instrument,
    Invitation,
    Kiosk,
    Response,
    Round,
    TextAnswer,
)
from tests.survey_world import answer, close, make_round, shipped, staff_answers
from tests.test_architecture import unaudited_writers, writes_in

SURVEYS = Path(__file__).resolve().parent.parent / "peerstod/surveys"
STAFF_YAML = (SURVEYS / "instruments/staff-recovery.yaml").read_text()
WRITING_SERVICES = (
    "install_shipped",
    "instrument_import",
    "round_create",
    "round_close",
    "invited_set",
    "slips_create",
    "kiosk_open",
    "answer_claim",
    "answer_unclaim",
    "answer_store",
    "interim_shown",
    "text_moderate",
)


def _slip(world, survey_round, count=1, unit=None):
    coordinator = world.users["coordinator"]
    return services.slips_create(
        scope=scope_for(coordinator),
        actor=coordinator,
        survey_round=survey_round,
        unit=unit or world.unit_a1,
        count=count,
    )


def _upload(text: str | bytes, name="enkat.yaml"):
    upload = io.BytesIO(text.encode() if isinstance(text, str) else text)
    upload.name = name
    return upload


# ---------------------------------------------------------------- use cases and actions


def test_every_writing_survey_service_is_a_use_case():
    assert [
        n for n in WRITING_SERVICES if not getattr(getattr(services, n), "is_use_case", 0)
    ] == []


def test_no_survey_module_names_an_audit_action_with_a_string():
    offenders = []
    for path in SURVEYS.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.keyword)
                and node.arg == "action"
                and isinstance(node.value, ast.Constant | ast.JoinedStr)
            ):
                offenders.append(f"{path.name}:{node.value.lineno}")
    assert offenders == []


def test_every_public_function_of_the_survey_services_that_writes_is_a_use_case():
    # The layout check reads `*/services.py`; the survey services are a package, so each
    # of its modules is read here with the same check.
    offenders = [
        f"{path.name}:{line} {name}()"
        for path in sorted((SURVEYS / "services").glob("*.py"))
        for line, name, _what in unaudited_writers(path.read_text())
    ]
    assert offenders == []


def test_the_survey_views_read_through_selectors_and_write_through_services():
    # The layout checks read `*/views.py`; the survey views are a package.
    offenders = []
    for path in sorted((SURVEYS / "views").glob("*.py")):
        tree = ast.parse(path.read_text())
        offenders += [
            f"{path.name}:{line} {what}"
            for line, what in writes_in(tree, ("audit.record", "audit.read"))
        ]
        offenders += [
            f"{path.name}:{node.lineno} .objects"
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr == "objects"
        ]
    assert offenders == []


def test_no_survey_service_opens_its_own_transaction():
    for path in (SURVEYS / "services").glob("*.py"):
        assert "transaction.atomic" not in path.read_text(), path.name


@pytest.mark.django_db
def test_an_anonymous_answer_is_audited_without_actor_code_or_unit(world):
    survey_round = make_round(world, channels=["slip", "link"])
    (code,) = _slip(world, survey_round)
    answer(survey_round, world.unit_a1, staff_answers(4), channel="slip", code=code)
    event = AuditEvent.objects.get(action=actions.ANSWER_RECEIVED.code)
    assert event.actor is None and event.actor_label == "anonymous"
    assert (event.object_type, event.object_ref) == ("surveys.round", survey_round.code)
    assert event.detail == {}
    digest = AccessCode.objects.get().digest
    row = f"{event.object_ref} {event.detail}"
    assert code not in row and digest not in row and world.unit_a1.code not in row


@pytest.mark.django_db
def test_a_paper_answer_leaves_one_audit_row_naming_the_staff_member(world, login):
    survey_round = make_round(world)
    client = login(world.users["manager"])
    url = reverse("surveys:paper", args=[survey_round.code])
    token = client.get(url).context["form"]["token"].value()
    client.post(url, {"token": token, "unit": world.unit_a1.code, "q_rec_possible": "3"})
    assert Response.objects.filter(channel="paper").count() == 1
    rows = AuditEvent.objects.filter(
        action__in=[actions.PAPER_ENTERED.code, actions.ANSWER_RECEIVED.code]
    )
    assert [(r.action, r.actor) for r in rows] == [
        (actions.PAPER_ENTERED.code, world.users["manager"])
    ]


@pytest.mark.django_db
def test_setting_invited_and_opening_a_kiosk_are_audited(world):
    survey_round = make_round(world)
    coordinator = world.users["coordinator"]
    services.invited_set(
        scope=scope_for(coordinator),
        actor=coordinator,
        survey_round=survey_round,
        unit=world.unit_a1,
        channel="link",
        invited=25,
    )
    services.kiosk_open(
        scope=scope_for(coordinator),
        actor=coordinator,
        survey_round=survey_round,
        unit=world.unit_a2,
    )
    invited = AuditEvent.objects.get(action=actions.INVITED_SET.code)
    assert invited.actor == coordinator and invited.detail["invited"] == 25
    kiosk = AuditEvent.objects.get(action=actions.KIOSK_OPENED.code)
    assert kiosk.actor == coordinator and kiosk.detail["unit"] == world.unit_a2.code


@pytest.mark.django_db
def test_installing_shipped_instruments_is_audited_only_when_one_is_added(world):
    Instrument.objects.filter(organisation=None, key="peer-work-situation").delete()
    AuditEvent.objects.filter(action=actions.INSTRUMENTS_INSTALLED.code).delete()
    assert services.install_shipped() == 1
    event = AuditEvent.objects.get(action=actions.INSTRUMENTS_INSTALLED.code)
    assert event.actor is None and event.detail["instruments"] == ["peer-work-situation:1"]
    assert services.install_shipped() == 0
    assert AuditEvent.objects.filter(action=actions.INSTRUMENTS_INSTALLED.code).count() == 1


@pytest.mark.django_db
def test_no_survey_page_writes_a_read_row(world, login):
    survey_round = make_round(world)
    for level in (3, 4, 4, 5, 5, 3):
        answer(survey_round, world.unit_a1, staff_answers(level), texts={"comment": "Bra stöd"})
    second = make_round(world, number=2)
    close(survey_round)
    close(second)
    client = login(world.users["coordinator"])
    before = AuditEvent.objects.count()
    pages = [
        reverse("surveys:index"),
        reverse("surveys:round", args=[survey_round.code]),
        reverse("surveys:results", args=[survey_round.code]),
        reverse("surveys:results", args=[survey_round.code]) + "?format=xlsx",
        reverse("surveys:compare", args=[survey_round.code]) + f"?med={second.code}",
        reverse("surveys:moderate", args=[survey_round.code]),
    ]
    for url in pages:
        assert client.get(url).status_code == 200, url
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_a_unit_manager_sees_only_the_kiosks_of_their_own_units(world, login):
    survey_round = make_round(world)
    coordinator = world.users["coordinator"]
    own, other = (
        services.kiosk_open(
            scope=scope_for(coordinator), actor=coordinator, survey_round=survey_round, unit=unit
        )
        for unit in (world.unit_a1, world.unit_a2)
    )
    page = login(world.users["manager"]).get(reverse("surveys:round", args=[survey_round.code]))
    text = page.content.decode()
    assert own.code in text and other.code not in text


# ---------------------------------------------------------------- Excel


@pytest.mark.django_db
def test_the_results_workbook_holds_formula_like_names_as_text(world, login):
    formula = '=HYPERLINK("http://x","y")'
    Unit.objects.filter(pk=world.unit_a1.pk).update(name=formula)
    Unit.objects.filter(pk=world.unit_a2.pk).update(name="-A2")
    own = (
        STAFF_YAML.replace("key: staff-recovery", "key: egen-personal")
        .replace("{sv: Syn på återhämtning,", "{sv: +Syn på återhämtning,", 1)
        .replace(
            "  sv: Personalens syn på återhämtning och peer support\n", "  sv: '@Personalens syn'\n"
        )
    )
    coordinator = world.users["coordinator"]
    instrument = services.instrument_import(
        scope=scope_for(coordinator),
        actor=coordinator,
        organisation=world.region_a,
        source=own.encode(),
        rights_confirmed=True,
    )
    assert instrument.title == "@Personalens syn"
    survey_round = services.round_create(
        scope=scope_for(coordinator),
        actor=coordinator,
        organisation=world.region_a,
        instrument=instrument,
        audience="staff",
        number=1,
        title="=1+1",
        opens_on=timezone.localdate() - timezone.timedelta(days=5),
        closes_on=timezone.localdate() + timezone.timedelta(days=5),
        units=[world.unit_a1, world.unit_a2],
        channels=["link"],
    )
    for unit in (world.unit_a1, world.unit_a2):
        for level in (3, 4, 4, 5, 5, 3):
            answer(survey_round, unit, staff_answers(level))
    close(survey_round)
    response = login(coordinator).get(
        reverse("surveys:results", args=[survey_round.code]), {"format": "xlsx"}
    )
    workbook = load_workbook(io.BytesIO(response.content))
    cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert {formula, "-A2", "+Syn på återhämtning", "@Personalens syn", "=1+1"} <= texts


# ---------------------------------------------------------------- rate limits


@pytest.mark.django_db
def test_the_fourth_wrong_code_is_refused_and_then_a_right_one_too(world, client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "survey_code": "3/h"}
    survey_round = make_round(world, channels=["slip"])
    (code,) = _slip(world, survey_round)
    guesser = {"REMOTE_ADDR": "198.51.100.7"}
    entry = reverse("surveys:code")
    for guess in ("aaaa-aaaa", "bbbb-bbbb", "cccc-cccc"):
        page = client.post(entry, {"code": guess}, **guesser)
        assert page.status_code == 200 and "Koden fungerar inte" in page.content.decode()
    assert client.post(entry, {"code": "dddd-dddd"}, **guesser).status_code == 429
    assert client.post(entry, {"code": code}, **guesser).status_code == 429
    # Another client is not affected: the right code brings the questions.
    other = client.post(entry, {"code": code}, REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 200 and "token" in other.context["form"].fields
    assert not AccessCode.objects.filter(used=True).exists()


@pytest.mark.django_db
def test_a_right_code_works_again_once_the_window_has_passed(world, client, settings, monkeypatch):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "survey_code": "3/h"}
    survey_round = make_round(world, channels=["slip"])
    (code,) = _slip(world, survey_round)
    guesser = {"REMOTE_ADDR": "198.51.100.7"}
    entry = reverse("surveys:code")
    for guess in ("aaaa-aaaa", "bbbb-bbbb", "cccc-cccc", "dddd-dddd"):
        client.post(entry, {"code": guess}, **guesser)
    assert client.post(entry, {"code": code}, **guesser).status_code == 429
    later = time.time() + 2 * 3600
    monkeypatch.setattr(time, "time", lambda: later)
    assert client.post(entry, {"code": code}, **guesser).status_code == 200


@pytest.mark.django_db
def test_a_slip_code_in_the_address_finds_no_page_and_the_code_is_not_used(world, client):
    survey_round = make_round(world, channels=["slip"])
    (code,) = _slip(world, survey_round)
    for address in (f"/enkat/kod/{code}/", f"/enkat/{code}/"):
        assert client.get(address).status_code == 404
    # In the query string it reaches the entry page, which asks for the code again.
    page = client.get(f"/enkat/?kod={code}")
    assert page.status_code == 200 and list(page.context["form"].fields) == ["code"]
    assert not AccessCode.objects.filter(used=True).exists()


@pytest.mark.django_db
def test_right_codes_do_not_use_up_the_limit(world, client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "survey_code": "3/h"}
    survey_round = make_round(world, channels=["slip"])
    codes = _slip(world, survey_round, count=5)
    ward = {"REMOTE_ADDR": "198.51.100.20"}  # one hospital address, five patients
    for code in codes:
        page = client.post(reverse("surveys:code"), {"code": code}, **ward)
        assert page.status_code == 200 and "token" in page.context["form"].fields


@pytest.mark.django_db
def test_answers_through_the_staff_link_are_rate_limited_per_address(world, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "survey_link_answer": "2/h"}
    survey_round = make_round(world)
    url = reverse("surveys:answer_link", args=[survey_round.link_code, world.unit_a1.code])
    sender = {"REMOTE_ADDR": "198.51.100.30"}
    statuses = []
    for _ in range(3):  # three devices (no shared cookie) behind one address
        device = Client()
        token = device.get(url, **sender).context["form"]["token"].value()
        statuses.append(device.post(url, {"token": token, "q_rec_hope": "4"}, **sender).status_code)
    assert statuses == [200, 200, 429]
    assert Response.objects.count() == 2
    device = Client()
    token = device.get(url).context["form"]["token"].value()
    other = device.post(url, {"token": token, "q_rec_hope": "4"}, REMOTE_ADDR="203.0.113.30")
    assert other.status_code == 200 and Response.objects.count() == 3


# ---------------------------------------------------------------- instrument files

BOMB = "\n".join(
    ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    + [
        f"{x}: &{x} [{', '.join([f'*{p}'] * 9)}]"
        for p, x in zip("abcdefgh", "bcdefghi", strict=True)
    ]
)


def test_an_alias_bomb_is_refused_before_it_is_built():
    with pytest.raises(definition.DefinitionError) as caught:
        definition.load(BOMB)
    assert "alias" in str(caught.value)


def test_a_few_aliases_that_expand_to_too_much_are_refused():
    wide = "big: &big [" + ", ".join(["1"] * 9000) + "]\n"
    wide += "copies: [" + ", ".join(["*big"] * 10) + "]\n"
    with pytest.raises(definition.DefinitionError) as caught:
        definition.load(wide)
    assert str(definition.MAX_NODES) in str(caught.value)


def test_a_deeply_nested_file_is_refused_without_a_recursion_error():
    deep = "[" * 99_000 + "]" * 99_000
    assert len(deep.encode()) <= definition.MAX_SOURCE_BYTES
    with pytest.raises(definition.DefinitionError) as caught:
        definition.load(deep)
    assert caught.value.line == 1


def test_the_shipped_instruments_pass_the_shape_limits():
    for path in (SURVEYS / "instruments").glob("*.yaml"):
        assert definition.load(path.read_bytes()).key


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (BOMB, "YAML-alias"),
        ("[" * 5000 + "]" * 5000, "nivåer"),
        (b"x" * (definition.MAX_SOURCE_BYTES + 1), "större än 200 kB"),
    ],
)
def test_a_harmful_instrument_file_gets_a_swedish_error_and_saves_nothing(
    world, login, content, message
):
    client = login(world.users["coordinator"])
    before = AuditEvent.objects.count()
    page = client.post(reverse("surveys:instruments"), {"file": _upload(content)})
    assert page.status_code == 200 and message in page.content.decode()
    assert not Instrument.objects.filter(organisation=world.region_a).exists()
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_the_same_instrument_upload_sent_twice_loads_it_once(world, login):
    client = login(world.users["coordinator"])
    form = client.get(reverse("surveys:instruments")).context["form"]
    once = form["once"].value()
    own = STAFF_YAML.replace("key: staff-recovery", "key: var-egen")
    first = client.post(reverse("surveys:instruments"), {"file": _upload(own), "once": once})
    second = client.post(reverse("surveys:instruments"), {"file": _upload(own), "once": once})
    loaded = Instrument.objects.get(organisation=world.region_a)
    assert first.url == second.url == reverse("surveys:instrument", args=[loaded.pk])


# ---------------------------------------------------------------- bad input


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/enkat/kiosk/%00/", "/enkat/kod/%00/", "/enkat/lank/%00/a/"])
def test_a_nul_in_a_public_survey_address_answers_400(client, path):
    assert client.get(path).status_code == 400


@pytest.mark.django_db
def test_a_round_window_outside_the_working_years_is_refused_in_swedish(world, login):
    client = login(world.users["coordinator"])
    data = {
        "round-title": "Personalenkät",
        "round-instrument": shipped("staff-recovery").pk,
        "round-audience": "staff",
        "round-number": 1,
        "round-opens_on": "0001-01-01",
        "round-closes_on": "9999-12-31",
        "round-units": [world.unit_a1.pk],
        "round-channels": ["link"],
    }
    page = client.post(reverse("surveys:index"), data)
    assert page.status_code == 200
    assert "öppnar och stänger mellan 1990 och 2100" in page.content.decode()
    assert not Round.objects.exists()


@pytest.mark.django_db
def test_the_round_form_sent_twice_creates_one_round(world, login):
    client = login(world.users["coordinator"])
    once = client.get(reverse("surveys:index")).context["form"]["once"].value()
    data = {
        "round-once": once,
        "round-title": "Personalenkät",
        "round-instrument": shipped("staff-recovery").pk,
        "round-audience": "staff",
        "round-number": 1,
        "round-opens_on": "2026-12-01",
        "round-closes_on": "2026-12-31",
        "round-units": [world.unit_a1.pk],
        "round-channels": ["link"],
    }
    first = client.post(reverse("surveys:index"), data)
    second = client.post(reverse("surveys:index"), data)
    survey_round = Round.objects.get()
    assert first.url == second.url == reverse("surveys:round", args=[survey_round.code])
    assert AuditEvent.objects.filter(action=actions.ROUND_CREATED.code).count() == 1


@pytest.mark.django_db
def test_the_slips_form_sent_twice_makes_the_slips_once_with_the_same_codes(world, login):
    survey_round = make_round(world)
    coordinator = world.users["coordinator"]
    arguments = {
        "scope": scope_for(coordinator),
        "actor": coordinator,
        "survey_round": survey_round,
        "unit": world.unit_a1,
        "count": 4,
        "once": "the-same-form",
    }
    first = services.slips_create(**arguments)
    assert services.slips_create(**arguments) == first
    assert AccessCode.objects.count() == 4
    assert Invitation.objects.get(channel="slip").invited == 4
    client = login(coordinator)
    url = reverse("surveys:slips", args=[survey_round.code])
    data = {"slips-unit": world.unit_a2.code, "slips-count": 3, "slips-once": "page-key"}
    for _ in range(2):
        response = client.post(url, data)
        assert response["Content-Type"] == "application/pdf"
    assert AccessCode.objects.filter(unit=world.unit_a2).count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize("count", ["0", "100000", "-1", "3.5", "many", "9" * 40])
def test_a_wrong_number_of_slips_makes_none(world, login, count):
    survey_round = make_round(world)
    client = login(world.users["coordinator"])
    response = client.post(
        reverse("surveys:slips", args=[survey_round.code]),
        {"slips-unit": world.unit_a1.code, "slips-count": count},
        follow=True,
    )
    assert response.status_code == 200
    assert not AccessCode.objects.exists() and not Invitation.objects.exists()


@pytest.mark.django_db
def test_a_kiosk_for_another_organisations_unit_is_refused(world, login):
    survey_round = make_round(world)
    client = login(world.users["coordinator"])
    response = client.post(
        reverse("surveys:round", args=[survey_round.code]),
        {"action": "kiosk", "unit": world.unit_b1.code},
        follow=True,
    )
    assert response.status_code == 200 and "Välj en av omgångens enheter" in (
        response.content.decode()
    )
    assert not Kiosk.objects.exists()


@pytest.mark.django_db
def test_another_organisation_cannot_change_a_round(world, login):
    survey_round = make_round(world)
    answer(survey_round, world.unit_a1, staff_answers(4), texts={"comment": "Mer stöd"})
    text = TextAnswer.objects.get()
    client = login(world.users["outsider"])
    url = reverse("surveys:round", args=[survey_round.code])
    for data in (
        {"action": "close"},
        {"action": "kiosk", "unit": world.unit_a1.code},
        {"action": "invited", "invited-unit": world.unit_a1.code, "invited-channel": "link"},
    ):
        assert client.post(url, data).status_code == 404
    moderate = reverse("surveys:moderate", args=[survey_round.code])
    assert client.post(moderate, {"answer": text.pk, "approve": "yes"}).status_code == 404
    survey_round.refresh_from_db()
    text.refresh_from_db()
    assert survey_round.closed_early_on is None and text.status == "pending"
    assert not Kiosk.objects.exists() and not Invitation.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["abc", "-1", "9" * 30, ""])
def test_a_malformed_answer_id_in_moderation_is_404(world, login, value):
    survey_round = make_round(world)
    client = login(world.users["coordinator"])
    moderate = reverse("surveys:moderate", args=[survey_round.code])
    assert client.post(moderate, {"answer": value, "approve": "yes"}).status_code == 404


@pytest.mark.django_db
def test_a_huge_instrument_number_in_the_address_is_404(world, login):
    client = login(world.users["coordinator"])
    assert client.get("/enkater/instrument/" + "9" * 30 + "/").status_code == 404


@pytest.mark.django_db
def test_a_code_of_a_closed_round_takes_no_answer(world, client):
    survey_round = make_round(world, key="peer-support-experience", audience="patient")
    (code,) = _slip(world, survey_round)
    close(survey_round)
    url = reverse("surveys:code")
    page = client.post(url, {"code": code})
    assert page.status_code == 200 and "stängd" in page.content.decode()
    token = page.context["form"]["token"].value()
    sent = client.post(url, {"code": code, "token": token, "q_hope_future": "4"})
    assert sent.status_code == 200 and "stängd" in sent.content.decode()
    assert not Response.objects.exists() and not AccessCode.objects.filter(used=True).exists()


@pytest.mark.django_db
def test_slips_are_not_made_for_a_closed_round(world):
    survey_round = make_round(world)
    close(survey_round)
    with pytest.raises(ValidationError):
        _slip(world, survey_round)
    assert not AccessCode.objects.exists()
