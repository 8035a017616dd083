"""Surveys at national scale (issue 19): results from tallies equal results from the
answers, the tallies move only by sealed groups, the rounds listing does not multiply
answers by units, instruments are parsed once, and a long print run of slips is a
background job that leaves no codes when it fails."""

import importlib
import math
from collections import defaultdict
from unittest import mock

import numpy as np
import pypdfium2
import pytest
import zxingcpp
from django.apps import apps as django_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

from peerstod.accounts.scope import scope_for
from peerstod.core.suppression import suppress_counts
from peerstod.jobs.models import Job, Status
from peerstod.surveys import reports, results, selectors, services
from peerstod.surveys.instrument import reading
from peerstod.surveys.models import (
    AccessCode,
    GroupTally,
    Invitation,
    OptionTally,
    Response,
    Round,
    ScoreTally,
)
from peerstod.surveys.tallies import Stats
from tests.jobs_worker import run_queued_jobs
from tests.survey_world import answer, close, make_round, shipped, staff_answers

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- the reference


def _reference_estimate(values):
    data = DescrStatsW(np.asarray(values, dtype=float))
    low, high = data.tconfint_mean() if len(values) > 1 else (math.nan, math.nan)
    return (len(values), float(data.mean), float(low), float(high), float(data.std))


def _reference(definition, audience, rows, units, *, whole_groups, limit=5):
    """The results computed from the answers themselves, as before the tallies."""
    if whole_groups:
        rows = [row for row in rows if row["group"] is not None]
    subscales = definition.subscales_for(audience)
    scores = {s.key: defaultdict(list) for s in subscales}
    responses = {unit: 0 for unit in units}
    for row in rows:
        responses[row["unit_id"]] += 1
        for key, value in definition.score(row["answers"], set(row["important"])).items():
            if key in scores:
                scores[key][row["unit_id"]].append(value)
    table = suppress_counts(responses, limit=limit)
    found = {"counted": len(rows), "units": {}, "total": {}, "distributions": {}}
    for unit in units:
        found["units"][unit] = {"n": table.cells[(unit, "n")].value}
    for subscale in subscales:
        per_unit = scores[subscale.key]
        sub = suppress_counts({u: len(per_unit.get(u, [])) for u in units}, limit=limit)
        for unit in units:
            shown = (
                not table.cells[(unit, "n")].suppressed and not sub.cells[(unit, "n")].suppressed
            )
            values = per_unit.get(unit, [])
            found["units"][unit][subscale.key] = (
                _reference_estimate(values) if shown and values else None
            )
        values = [v for vs in per_unit.values() for v in vs]
        shown = not table.total.suppressed and not sub.total.suppressed
        found["total"][subscale.key] = _reference_estimate(values) if shown and values else None
    if not table.total.suppressed and table.total.value:
        for subscale in subscales:
            for key in subscale.items:
                scale = definition.item(key).scale
                counts = [0] * (scale.maximum - scale.minimum + 1)
                excluded = 0
                for row in rows:
                    value = row["answers"].get(key)
                    if value is None:
                        continue
                    if value in scale.excluded:
                        excluded += 1
                    else:
                        counts[value - scale.minimum] += 1
                parts = dict(enumerate(counts))
                parts["excluded"] = excluded
                cut = suppress_counts(parts, limit=limit)
                found["distributions"][(subscale.key, key)] = [
                    cut.cells[(i, "n")].value for i in range(len(counts))
                ] + [cut.cells[("excluded", "n")].value, cut.total.value]
    return found


def _same(a, b):
    if a is None or b is None:
        return a is None and b is None
    return all(
        (math.isnan(x) and math.isnan(y)) or math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9)
        for x, y in zip(a, b, strict=True)
    )


def _from_tallies(computed):
    found = {"counted": computed.counted, "units": {}, "total": {}, "distributions": {}}

    def as_tuple(e):
        return None if e is None else (e.n, e.mean, e.low, e.high, e.sd)

    for group in computed.groups:
        found["units"][group.key] = {"n": group.responses.value} | {
            key: as_tuple(e) for key, e in group.subscales.items()
        }
    found["total"] = {key: as_tuple(e) for key, e in computed.total.subscales.items()}
    for key, distributions in computed.distributions.items():
        for d in distributions:
            found["distributions"][(key, d.item)] = [c.value for c in d.cells] + [
                d.excluded.value,
                d.answered.value,
            ]
    return found


def _assert_equal(expected, got):
    assert got["counted"] == expected["counted"]
    assert got["distributions"] == expected["distributions"]
    assert set(got["units"]) == set(expected["units"])
    for unit, figures in expected["units"].items():
        assert got["units"][unit]["n"] == figures["n"]
        for key, estimate in figures.items():
            if key != "n":
                assert _same(got["units"][unit][key], estimate), (unit, key)
    for key, estimate in expected["total"].items():
        assert _same(got["total"][key], estimate), key


@st.composite
def answer_sets(draw):
    """An instrument and 0–23 answers to it over two units, with skipped items, "don't
    know" and (on the patient instrument) items marked important."""
    key, audience = draw(
        st.sampled_from([("staff-recovery", "staff"), ("peer-support-experience", "patient")])
    )
    definition = shipped(key).definition
    items = [i for i in definition.items_for(audience) if i.scale is not None]
    answers = []
    for _ in range(draw(st.integers(0, 23))):
        values = {}
        for item in items:
            options = [*item.scale.values(), *item.scale.excluded, None]
            value = draw(st.sampled_from(options))
            if value is not None:
                values[item.key] = value
        if not values:
            values[items[0].key] = items[0].scale.minimum
        important = [i.key for i in items if i.importance and draw(st.booleans())]
        answers.append((draw(st.integers(0, 1)), values, important))
    return key, audience, answers, draw(st.sampled_from(["open", "closed", "closed_after_interim"]))


NUMBERS = iter(range(100, 100_000))


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=answer_sets())
def test_results_from_the_tallies_equal_results_from_the_answers_on_random_rounds(world, case):
    key, audience, answers, state = case
    units = [world.unit_a1, world.unit_a2]
    channels = ("link", "paper") if audience == "staff" else ("paper", "slip")
    survey_round = make_round(
        world, key=key, audience=audience, number=next(NUMBERS), units=units, channels=channels
    )
    for unit_index, values, important in answers:
        answer(
            survey_round,
            units[unit_index],
            values,
            channel=channels[0],
            important=important,
        )
    if state != "open":
        close(survey_round)
    if state == "closed_after_interim":
        Round.objects.filter(pk=survey_round.pk).update(interim_shown=True)
        survey_round.refresh_from_db()
    computed = reports.round_results(survey_round=survey_round)
    expected = _reference(
        survey_round.instrument.definition,
        audience,
        selectors.answer_rows(survey_round=survey_round),
        [u.pk for u in sorted(units, key=lambda u: u.name)],
        whole_groups=state != "closed",
    )
    _assert_equal(expected, _from_tallies(computed))
    assert computed.received == len(answers)


@settings(max_examples=200, deadline=None)
@given(
    first=st.lists(st.integers(1, 5).map(float), min_size=0, max_size=40),
    second=st.lists(st.floats(1, 5, allow_nan=False), min_size=0, max_size=40),
)
def test_the_comparison_from_sums_equals_welch_and_hedges_from_the_scores(first, second):
    found = results.compare(Stats.of(first), Stats.of(second), limit=5)
    if len(first) < 5 or len(second) < 5:
        assert found is None
        return
    a, b = np.asarray(first), np.asarray(second)
    assert math.isclose(found.difference, b.mean() - a.mean(), rel_tol=1e-9, abs_tol=1e-9)
    if a.var() > 1e-9 or b.var() > 1e-9:
        low, high = CompareMeans(DescrStatsW(b), DescrStatsW(a)).tconfint_diff(usevar="unequal")
        assert math.isclose(found.low, low, rel_tol=1e-6, abs_tol=1e-6)
        assert math.isclose(found.high, high, rel_tol=1e-6, abs_tol=1e-6)
    # The lists themselves give the same as their sums.
    assert results.compare(first, second, limit=5) == found


# ---------------------------------------------------------------- the tallies


def test_tallies_move_only_when_a_group_is_sealed_and_by_the_whole_group(world):
    survey_round = make_round(world, units=[world.unit_a1])
    for level in (2, 3, 4, 5):
        answer(survey_round, world.unit_a1, staff_answers(level))
    assert not GroupTally.objects.exists() and not ScoreTally.objects.exists()
    assert not OptionTally.objects.exists()
    answer(survey_round, world.unit_a1, staff_answers(1))
    tally = GroupTally.objects.get()
    assert tally.answers == 5
    recovery = ScoreTally.objects.get(subscale="recovery")
    assert (recovery.n, recovery.total, recovery.squares) == (5, 15.0, 55.0)
    answer(survey_round, world.unit_a1, staff_answers(3))
    assert GroupTally.objects.get().answers == 5  # the sixth waits, outside the tallies
    # No tally names a time.
    for model in (GroupTally, ScoreTally, OptionTally):
        assert not any(
            f.get_internal_type() in ("DateField", "DateTimeField", "TimeField")
            for f in model._meta.concrete_fields
        )


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_tally_carries_the_transaction_of_its_sealed_group_and_no_other(world):
    survey_round = make_round(world, units=[world.unit_a1])
    for level in (2, 3, 4, 5, 1, 2):
        answer(survey_round, world.unit_a1, staff_answers(level))
    with connection.cursor() as cursor:
        cursor.execute('SELECT DISTINCT xmin::text FROM surveys_response WHERE "group" IS NOT NULL')
        sealed = {row[0] for row in cursor.fetchall()}
        tallied = set()
        for table in ("surveys_grouptally", "surveys_scoretally", "surveys_optiontally"):
            cursor.execute(f"SELECT DISTINCT xmin::text FROM {table}")  # noqa: S608
            tallied |= {row[0] for row in cursor.fetchall()}
    assert len(sealed) == 1 and tallied == sealed


def test_the_migration_fills_the_tallies_of_answers_already_stored(world):
    survey_round = make_round(world)
    for index in range(12):
        answer(
            survey_round, [world.unit_a1, world.unit_a2][index % 2], staff_answers(1 + index % 5)
        )
    before = selectors.sealed_counts(survey_round=survey_round)
    assert sum(before.answers.values()) == 10
    for model in (GroupTally, ScoreTally, OptionTally):
        model.objects.all().delete()
    migration = importlib.import_module("peerstod.surveys.migrations.0003_result_tallies")
    migration.fill(django_apps, None)
    assert selectors.sealed_counts(survey_round=survey_round) == before


def test_rebuilding_the_tallies_after_a_bulk_load_counts_the_sealed_answers_only(world):
    survey_round = make_round(world, units=[world.unit_a1])
    Response.objects.bulk_create(
        Response(
            round=survey_round,
            unit=world.unit_a1,
            channel="link",
            group=None if index >= 20 else 1 + index // 5,
            answers=staff_answers(1 + index % 5),
        )
        for index in range(23)
    )
    coordinator = world.users["coordinator"]
    services.tallies_rebuild(survey_round=survey_round, actor=coordinator)
    assert GroupTally.objects.get().answers == 20
    close(survey_round)
    computed = reports.round_results(survey_round=survey_round)
    assert (computed.counted, computed.received) == (23, 23)
    assert computed.total.subscales["recovery"].n == 23


def test_the_results_page_reads_the_same_queries_at_twenty_and_at_two_thousand_answers(
    world, login
):
    survey_round = make_round(world)
    coordinator = world.users["coordinator"]
    client = login(coordinator)
    url = reverse("surveys:results", args=[survey_round.code])

    def grow(n):
        Response.objects.bulk_create(
            Response(
                round=survey_round,
                unit=unit,
                channel="link",
                group=1,
                answers=staff_answers(1 + index % 5),
            )
            for index in range(n)
            for unit in (world.unit_a1, world.unit_a2)
        )
        services.tallies_rebuild(survey_round=survey_round, actor=coordinator)

    def measured():
        with CaptureQueriesContext(connection) as captured:
            page = client.get(url)
        assert page.status_code == 200
        return len(captured), page.context["results"]

    close(survey_round)
    grow(10)  # ten a unit: enough for the free text too, so the same reads happen
    few, small = measured()
    grow(1000)
    many, large = measured()
    assert (small.counted, large.counted) == (20, 2020)
    assert many == few


# ---------------------------------------------------------------- the rounds listing


def test_the_rounds_listing_asks_for_units_with_exists_and_counts_without_a_join(world):
    survey_round = make_round(world)
    for index in range(7):
        answer(survey_round, [world.unit_a1, world.unit_a2][index % 2], staff_answers(3))
    manager = world.users["manager"]
    coordinator = world.users["coordinator"]
    listed = selectors.rounds(scope=scope_for(coordinator))
    sql = str(listed.query).upper()
    assert "DISTINCT" not in sql and "EXISTS" in sql
    assert "JOIN" not in sql.replace('INNER JOIN "SURVEYS_INSTRUMENT"', "").replace(
        'INNER JOIN "ORGS_ORGANISATION"', ""
    )
    # A1 and A2 have five and two answers: four sealed (none: groups are per unit) …
    (found,) = listed
    assert found.answers == 7
    managed = list(selectors.rounds(scope=scope_for(manager)))
    assert [r.pk for r in managed] == [survey_round.pk] and managed[0].answers == 7
    assert not list(selectors.rounds(scope=scope_for(world.users["outsider"])))


# ---------------------------------------------------------------- instruments


def test_an_instrument_is_parsed_once_per_process_not_on_every_request(world, login):
    survey_round = make_round(world)
    client = login(world.users["coordinator"])
    reading.load_once.cache_clear()
    with mock.patch.object(reading, "load", wraps=reading.load) as parsed:
        for _ in range(3):
            assert client.get(reverse("surveys:round", args=[survey_round.code])).status_code == 200
            assert (
                client.get(reverse("surveys:results", args=[survey_round.code])).status_code == 200
            )
    assert parsed.call_count == 1
    one, two = (Round.objects.select_related("instrument").get(pk=survey_round.pk) for _ in "12")
    assert one.instrument is not two.instrument
    assert one.instrument.definition is two.instrument.definition


# ---------------------------------------------------------------- slips as a job


_worker = run_queued_jobs


def _slips_post(client, survey_round, unit, count, once):
    return client.post(
        reverse("surveys:slips", args=[survey_round.code]),
        {
            "slips-unit": unit.code,
            "slips-count": count,
            "slips-once": once,
            "slips-address_confirmed": "on",
        },
    )


def test_many_slips_are_made_by_a_job_with_progress_and_the_pdf_holds_the_stored_codes(
    world, login, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://peerstod.region-a.example/"
    survey_round = make_round(world, key="peer-support-experience", audience="patient")
    client = login(world.users["coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        sent = _slips_post(client, survey_round, world.unit_a1, 40, "en-gang-1")
    job = Job.objects.get(kind="surveys.slips")
    assert sent.status_code == 302 and sent.url == job.get_absolute_url()
    assert job.status == Status.QUEUED and not AccessCode.objects.exists()
    # The same form sent again gives the same job, not a second print run.
    with django_capture_on_commit_callbacks(execute=True):
        again = _slips_post(client, survey_round, world.unit_a1, 40, "en-gang-1")
    assert again.url == job.get_absolute_url() and Job.objects.count() == 1
    steps = []
    real = Job.objects.filter

    def spy(*args, **kwargs):
        found = real(*args, **kwargs)
        original = found.update

        def update(**fields):
            if "percent" in fields and "step" in fields:
                steps.append(fields["percent"])
            return original(**fields)

        found.update = update
        return found

    with mock.patch.object(Job.objects, "filter", side_effect=spy):
        _worker()
    job.refresh_from_db()
    assert job.status == Status.DONE, job.problem
    assert steps and steps == sorted(steps) and 0 < steps[0] < 90
    assert AccessCode.objects.filter(round=survey_round, unit=world.unit_a1).count() == 40
    assert Invitation.objects.get(round=survey_round, unit=world.unit_a1).invited == 40
    download = client.get(reverse("jobs:download", args=[job.code]))
    assert download["Content-Type"] == "application/pdf"
    document = pypdfium2.PdfDocument(download.content)
    try:
        assert len(document) == 7  # 40 slips, six to an A4 page
        decoded = [
            b.text
            for page in document
            for b in zxingcpp.read_barcodes(page.render(scale=3).to_pil())
        ]
    finally:
        document.close()
    assert len(decoded) == 40
    entry = "https://peerstod.region-a.example" + reverse("surveys:code") + "#"
    assert all(text.startswith(entry) for text in decoded)
    stored = set(AccessCode.objects.values_list("digest", flat=True))
    assert {services.code_digest(text.removeprefix(entry)) for text in decoded} == stored


def test_a_slips_job_that_fails_leaves_no_codes_and_says_so(
    world, login, django_capture_on_commit_callbacks
):
    survey_round = make_round(world, key="peer-support-experience", audience="patient")
    client = login(world.users["coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        _slips_post(client, survey_round, world.unit_a1, 31, "en-gang-2")
    with mock.patch.object(reports, "qr_png", side_effect=RuntimeError("printer on fire")):
        _worker()
    job = Job.objects.get(kind="surveys.slips")
    assert job.status == Status.FAILED and "printer" not in job.problem
    assert not AccessCode.objects.exists() and not Invitation.objects.exists()


def test_a_slips_job_checks_again_and_stores_nothing_once_the_round_has_closed(
    world, login, django_capture_on_commit_callbacks
):
    survey_round = make_round(world, key="peer-support-experience", audience="patient")
    client = login(world.users["coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        _slips_post(client, survey_round, world.unit_a1, 35, "en-gang-3")
    close(survey_round)
    _worker()
    job = Job.objects.get(kind="surveys.slips")
    closed = "The round is closed: no more slips can be made for it."
    with translation.override("sv"):
        told = {closed, translation.gettext(closed)}
    assert job.status == Status.FAILED and job.problem in told
    assert not AccessCode.objects.exists()


def test_a_few_slips_are_still_made_in_the_request(world, login):
    survey_round = make_round(world, key="peer-support-experience", audience="patient")
    client = login(world.users["coordinator"])
    sent = _slips_post(client, survey_round, world.unit_a1, services.SLIPS_IN_REQUEST, "en-gang-4")
    assert sent["Content-Type"] == "application/pdf"
    assert AccessCode.objects.count() == services.SLIPS_IN_REQUEST
    assert not Job.objects.exists()
