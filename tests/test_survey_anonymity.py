"""Issue 14: survey answers that cannot be tied to their slips, their time or their
order, and results that cannot be differenced.

The attacks of the issue, reproduced: joining answers to codes on PostgreSQL's
transaction id (`xmin`), on key order and on time; one more answer and an early close
after interim results; distribution tables with raw small counts; one device answering
an open staff link many times; a code in an address."""

from __future__ import annotations

import logging
import re
from collections import Counter

import pytest
from django.db import connection, models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from peerstod.accounts.scope import scope_for
from peerstod.core.models import AuditEvent
from peerstod.surveys import reports, services
from peerstod.surveys.models import (
    AccessCode,
    AnswerDay,
    Response,
    TextAnswer,
    UsedForm,
)
from peerstod.surveys.services import answering
from tests.survey_world import answer, close, make_round, staff_answers


def _slips(world, survey_round, count, unit=None):
    coordinator = world.users["coordinator"]
    return services.slips_create(
        scope=scope_for(coordinator),
        actor=coordinator,
        survey_round=survey_round,
        unit=unit or world.unit_a1,
        count=count,
    )


def _answer_slip_over_http(client: Client, code: str, value: int, text: str = "") -> None:
    entry = reverse("surveys:code")
    page = client.post(entry, {"code": code})
    assert page.status_code == 200, page.content.decode()[:500]
    token = page.context["form"]["token"].value()
    data = {"code": page.context["code"], "token": token, "q_hope_future": str(value)}
    if text:
        data["t_comment"] = text
    sent = client.post(entry, data)
    assert sent.status_code == 200 and "Tack" in sent.content.decode()


def _patient_round(world):
    return make_round(
        world, key="peer-support-experience", audience="patient", channels=["slip", "paper"]
    )


# ---------------------------------------------------------------- unlinkable by construction


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_six_answered_slips_cannot_be_joined_to_their_codes_on_xmin_keys_order_or_time(world):
    survey_round = _patient_round(world)
    codes = _slips(world, survey_round, 6)
    client = Client()
    for value, code in zip([1, 2, 3, 4, 5, 1], codes, strict=True):
        _answer_slip_over_http(client, code, value)
    assert AccessCode.objects.filter(used=True).count() == 6 and Response.objects.count() == 6

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT xmin::text, id FROM surveys_accesscode WHERE round_id = %s ORDER BY ctid",
            [survey_round.pk],
        )
        code_rows = cursor.fetchall()
        cursor.execute(
            'SELECT xmin::text, id::text, ctid::text, "group" FROM surveys_response '
            "WHERE round_id = %s",
            [survey_round.pk],
        )
        answer_rows = cursor.fetchall()
    # Every code of the round carries the same transaction id: none tells when it was used.
    assert len({xmin for xmin, _id in code_rows}) == 1
    # No answer shares a transaction with any code.
    assert {xmin for xmin, *_ in answer_rows}.isdisjoint({xmin for xmin, _id in code_rows})
    # The first five answers were written again as one group: one transaction, so their
    # transaction ids say nothing of the order they came in; the sixth waits alone.
    grouped = [row for row in answer_rows if row[3] is not None]
    assert len(grouped) == 5 and len({xmin for xmin, *_ in grouped}) == 1
    # Keys are random (version 4 UUIDs), not a sequence.
    assert all(key[14] == "4" for _xmin, key, *_ in answer_rows)
    # Nothing in the answer tables names a code, a person or a time.
    for model in (Response, TextAnswer):
        for field in model._meta.get_fields():
            assert not isinstance(field, models.DateField | models.DateTimeField | models.TimeField)
            assert getattr(field, "related_model", None) not in (AccessCode, UsedForm)
    timed = (models.DateField, models.DateTimeField)
    assert not any(isinstance(f, timed) for f in AccessCode._meta.get_fields())


@pytest.mark.django_db
def test_the_codes_of_a_round_are_stored_in_shuffled_order(world):
    survey_round = _patient_round(world)
    codes = _slips(world, survey_round, 60)
    stored = list(AccessCode.objects.order_by("pk").values_list("digest", flat=True))
    assert sorted(stored) == sorted(services.code_digest(c) for c in codes)
    assert stored != [services.code_digest(c) for c in codes]


@pytest.mark.django_db
def test_using_a_code_rewrites_every_code_of_the_round_and_leaves_the_answer_untied(world):
    survey_round = _patient_round(world)
    codes = _slips(world, survey_round, 3)
    answer(survey_round, world.unit_a1, {"hope_future": 4}, channel="slip", code=codes[1])
    used = AccessCode.objects.get(used=True)
    assert used.digest == services.code_digest(codes[1])
    # The answer's audit rows name the round only.
    rows = AuditEvent.objects.filter(action__in=["survey.slip.use", "survey.answer.submit"])
    assert sorted(r.action for r in rows) == ["survey.answer.submit", "survey.slip.use"]
    for row in rows:
        assert row.actor is None
        assert codes[1] not in str(row.detail) and world.unit_a1.code not in str(row.detail)


@pytest.mark.django_db
def test_an_answer_that_cannot_be_stored_gives_its_code_back(world, monkeypatch):
    survey_round = _patient_round(world)
    (code,) = _slips(world, survey_round, 1)

    def broken(**kwargs):
        raise RuntimeError("the database went away")

    # `submit` stores through the answering module's own name for the service.
    monkeypatch.setattr(answering, "answer_store", broken)
    with pytest.raises(RuntimeError):
        answer(survey_round, world.unit_a1, {"hope_future": 4}, channel="slip", code=code)
    assert not AccessCode.objects.filter(used=True).exists()
    assert not Response.objects.exists() and not UsedForm.objects.exists()
    monkeypatch.undo()
    answer(survey_round, world.unit_a1, {"hope_future": 4}, channel="slip", code=code)
    assert Response.objects.count() == 1


def test_submit_is_two_transactions_not_one():
    # `submit` and `paper_enter` are not use cases themselves: each calls the claim and
    # the store as two outermost use cases, so they commit apart.
    assert not getattr(services.submit, "is_use_case", False)
    assert not getattr(services.paper_enter, "is_use_case", False)
    assert services.answer_claim.is_use_case and services.answer_store.is_use_case


@pytest.mark.django_db
def test_answers_wait_until_the_unit_has_a_whole_group_and_then_get_new_keys(world):
    survey_round = make_round(world)
    for level in (1, 2, 3, 4):
        answer(survey_round, world.unit_a1, staff_answers(level), texts={"comment": "Bra"})
    waiting = set(Response.objects.values_list("pk", flat=True))
    assert Response.objects.filter(group__isnull=True).count() == 4
    answer(survey_round, world.unit_a2, staff_answers(5))  # another unit: its own group
    answer(survey_round, world.unit_a1, staff_answers(5))
    sealed = Response.objects.filter(unit=world.unit_a1)
    assert {r.group for r in sealed} == {1} and sealed.count() == 5
    assert waiting.isdisjoint(set(sealed.values_list("pk", flat=True)))
    assert set(TextAnswer.objects.values_list("group", flat=True)) == {1}
    assert Response.objects.get(unit=world.unit_a2).group is None


@pytest.mark.django_db
def test_a_slip_code_never_travels_in_an_address_or_a_log_line(world, caplog):
    survey_round = _patient_round(world)
    (code,) = _slips(world, survey_round, 1)
    url = reverse("surveys:code")
    slip = reports.slip_url(code)
    assert slip.split("#")[0].endswith(url) and code not in slip.split("#")[0]
    from peerstod.surveys.urls import urlpatterns

    public = [str(p.pattern) for p in urlpatterns if str(p.pattern).startswith("enkat/")]
    assert public == ["enkat/", "enkat/lank/<str:code>/<str:unit>/", "enkat/kiosk/<str:code>/"]
    with caplog.at_level(logging.INFO, logger="peerstod.request"):
        _answer_slip_over_http(Client(), code, 3)
    logged = " ".join(r.getMessage() for r in caplog.records) + " ".join(
        str(r.__dict__) for r in caplog.records
    )
    assert caplog.records and code not in logged and services.format_code(code) not in logged


@pytest.mark.django_db
@pytest.mark.parametrize(
    "disguise", ["850101 - 1236", "850101\u20131236", "070.123.45.67", "lina (at) region.se"]
)
def test_a_disguised_identifier_in_a_slip_answer_is_refused_at_its_field_and_the_code_kept(
    world, disguise
):
    survey_round = _patient_round(world)
    (code,) = _slips(world, survey_round, 1)
    client = Client()
    entry = reverse("surveys:code")
    page = client.post(entry, {"code": code})
    token = page.context["form"]["token"].value()
    sent = client.post(
        entry,
        {"code": page.context["code"], "token": token, "q_hope_future": "4", "q_comment": disguise},
    )
    assert sent.status_code == 200 and sent.context["form"].errors["q_comment"]
    assert not Response.objects.exists() and not AccessCode.objects.filter(used=True).exists()


# ---------------------------------------------------------------- no differencing


@pytest.mark.django_db
def test_one_more_answer_and_an_early_close_reveal_nothing_after_interim_results(world, login):
    survey_round = make_round(world, units=[world.unit_a1])
    for level in (2, 3, 3, 4, 4):
        answer(survey_round, world.unit_a1, staff_answers(level))
    coordinator = login(world.users["coordinator"])
    results_url = reverse("surveys:results", args=[survey_round.code])
    interim = coordinator.get(results_url).context["results"]
    assert interim.interim and interim.counted == 5
    shown = interim.total.subscales["recovery"]
    # One more answer, very different, then an early close.
    answer(survey_round, world.unit_a1, staff_answers(1))
    closed = coordinator.post(
        reverse("surveys:round", args=[survey_round.code]), {"action": "close"}
    )
    assert closed.status_code == 302
    final = coordinator.get(results_url).context["results"]
    assert not final.interim and final.counted == 5 and final.received == 6
    assert final.total.subscales["recovery"] == shown
    assert "räknas inte" in coordinator.get(results_url).content.decode()


@pytest.mark.django_db
def test_a_round_whose_interim_results_were_never_shown_counts_every_answer(world):
    survey_round = make_round(world, units=[world.unit_a1])
    for level in (2, 3, 3, 4, 4, 1):
        answer(survey_round, world.unit_a1, staff_answers(level))
    close(survey_round)
    computed = reports.round_results(survey_round=survey_round)
    assert computed.counted == 6


@pytest.mark.django_db
def test_interim_results_are_frozen_only_once_they_showed_answers(world, login):
    survey_round = make_round(world, units=[world.unit_a1])
    coordinator = login(world.users["coordinator"])
    coordinator.get(reverse("surveys:results", args=[survey_round.code]))
    survey_round.refresh_from_db()
    assert not survey_round.interim_shown
    for level in (2, 3, 3, 4, 4):
        answer(survey_round, world.unit_a1, staff_answers(level))
    coordinator.get(reverse("surveys:results", args=[survey_round.code]), {"format": "xlsx"})
    survey_round.refresh_from_db()
    assert survey_round.interim_shown
    assert AuditEvent.objects.filter(action="survey.interim.show").count() == 1


@pytest.mark.django_db
def test_a_distribution_hides_small_counts_and_a_second_one_and_shows_no_share_for_them(world):
    survey_round = make_round(world, units=[world.unit_a1])
    # 14 answers to one item: 7 agree fully, 6 agree, 1 "don't know".
    values = [5] * 7 + [4] * 6 + [9]
    for value in values:
        answer(survey_round, world.unit_a1, {"rec_hope": value})
    close(survey_round)
    computed = reports.round_results(survey_round=survey_round)
    (found,) = [d for ds in computed.distributions.values() for d in ds if d.item == "rec_hope"]
    assert found.excluded.suppressed and found.excluded_share() is None
    shown = [c.value for c in found.cells if c.value is not None]
    hidden = [c for c in found.cells if c.suppressed]
    assert hidden, "a second count is hidden with the lone 'don't know'"
    assert found.answered.value == 14
    assert all(v == 0 or v >= 5 for v in shown)
    # The shown shares are whole percentages of shown counts only.
    for cell, share in zip(found.cells, found.shares(), strict=True):
        assert (share is None) == cell.suppressed
        if share is not None:
            assert share == round(100 * cell.value / 14)


@pytest.mark.django_db
def test_the_distribution_on_the_page_hides_the_lone_dont_know_and_a_second_share(world, login):
    survey_round = make_round(world, units=[world.unit_a1])
    for value in [5] * 7 + [4] * 6 + [9]:
        answer(survey_round, world.unit_a1, {"rec_hope": value})
    close(survey_round)
    page = login(world.users["coordinator"]).get(
        reverse("surveys:results", args=[survey_round.code])
    )
    assert page.status_code == 200
    row = re.search(
        r'<th scope="row">Att inge hopp är en viktig del av vårt arbete\.</th>(.*?)</tr>',
        page.content.decode(),
    )
    # Shares of the five answers, then answered and "don't know": the lone "don't know"
    # is hidden, and so is "agree" (6 of 14), which could otherwise be worked out.
    assert re.findall(r'<td class="num">(.*?)</td>', row.group(1)) == [
        "0",
        "0",
        "0",
        "–",
        "50",
        "14",
        "–",
    ]


# ---------------------------------------------------------------- open staff links


@pytest.mark.django_db
def test_one_device_answers_an_open_link_once(world):
    survey_round = make_round(world)
    url = reverse("surveys:answer_link", args=[survey_round.link_code, world.unit_a1.code])
    device = Client()
    for attempt in range(3):
        page = device.get(url)
        if attempt == 0:
            token = page.context["form"]["token"].value()
            sent = device.post(url, {"token": token, "q_rec_hope": "4"})
            assert sent.status_code == 200 and "Tack" in sent.content.decode()
        else:
            assert 'name="token"' not in page.content.decode()
            sent = device.post(url, {"token": services.form_token(), "q_rec_hope": "1"})
            assert sent.status_code == 200 and "redan" in sent.content.decode()
    assert Response.objects.count() == 1
    # Another device answers.
    other = Client()
    token = other.get(url).context["form"]["token"].value()
    other.post(url, {"token": token, "q_rec_hope": "4"})
    assert Response.objects.count() == 2


@pytest.mark.django_db
def test_a_tampered_device_cookie_is_ignored_not_trusted(world):
    survey_round = make_round(world)
    url = reverse("surveys:answer_link", args=[survey_round.link_code, world.unit_a1.code])
    device = Client()
    device.cookies["peerstod_answered"] = survey_round.link_code
    assert 'name="token"' in device.get(url).content.decode()


@pytest.mark.django_db
def test_answers_per_link_day_are_counted_and_shown_through_suppression(world, login):
    survey_round = make_round(world)
    today = timezone.localdate()
    for _ in range(6):
        answer(survey_round, world.unit_a1, staff_answers(4), day=today)
    answer(survey_round, world.unit_a2, staff_answers(4), day=today)
    counts = Counter(
        {(d.unit_id, d.day): d.answers for d in AnswerDay.objects.filter(round=survey_round)}
    )
    assert counts == {(world.unit_a1.pk, today): 6, (world.unit_a2.pk, today): 1}
    days = reports.link_days(survey_round=survey_round, units=[world.unit_a1, world.unit_a2])
    ((day, cells, total),) = days.rows
    # The lone answer of unit A2 is hidden, and so is A1's (the day's total would give it).
    assert [c.value for c in cells] == [None, None] and total.value == 7
    html = login(world.users["coordinator"]).get(reverse("surveys:round", args=[survey_round.code]))
    assert 'id="h-link-days"' in html.content.decode()


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_answers_sent_at_once_take_each_code_once_and_fill_groups_without_deadlock(world):
    import threading

    from django.core.exceptions import ValidationError

    survey_round = _patient_round(world)
    codes = _slips(world, survey_round, 8)
    # Six senders at once: five with their own codes, one more with the first code again.
    senders = [*codes[:5], codes[0]]
    outcome: list[str] = []
    barrier = threading.Barrier(len(senders))

    def send(code):
        barrier.wait()
        try:
            answer(survey_round, world.unit_a1, {"hope_future": 3}, channel="slip", code=code)
            outcome.append("saved")
        except ValidationError:
            outcome.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(code,)) for code in senders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcome) == ["refused"] + ["saved"] * 5
    assert AccessCode.objects.filter(used=True).count() == 5
    assert list(Response.objects.values_list("group", flat=True)) == [1] * 5


@pytest.mark.django_db
def test_an_instrument_file_with_a_personnummer_in_a_question_is_refused(world):

    from django.core.exceptions import ValidationError

    from peerstod.surveys.models import Instrument

    source = (services.SHIPPED / "staff-recovery.yaml").read_text()
    source = source.replace("key: staff-recovery", "key: own-recovery", 1)
    source = source.replace("version: 1", "version: 7", 1).replace(
        "Människor med allvarlig", "Fråga 850101 - 1236 om människor med allvarlig", 1
    )
    coordinator = world.users["coordinator"]
    with pytest.raises(ValidationError) as caught:
        services.instrument_import(
            scope=scope_for(coordinator),
            actor=coordinator,
            organisation=world.unit_a1.organisation,
            source=source.encode(),
            rights_confirmed=True,
        )
    assert "personnummer" in str(caught.value)
    assert not Instrument.objects.filter(key="own-recovery").exists()
