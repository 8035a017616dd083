"""Outcomes at national scale: imports read as a stream and written in batches (every
row still checked first, nothing saved unless all are good, idempotent), large imports
run by the background worker with progress and their faults in words, the regional PDF
as a job, and the analysis fitted once per data version."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from peerstod.accounts.scope import scope_for
from peerstod.core.models import AuditEvent
from peerstod.jobs.models import Job, Status
from peerstod.outcomes import imports, services
from peerstod.outcomes.imports import ImportFailed
from peerstod.outcomes.models import ImportUpload, IndicatorValue
from tests.jobs_worker import run_queued_jobs
from tests.test_outcomes import csv_file, months, run_import

pytestmark = pytest.mark.django_db


def rows_for(units, count, first=(1995, 1)):
    """`count` good rows: unit-months of the given unit names, three indicators each."""
    found = []
    for index, month in enumerate(months(count, first=first)):
        unit = units[index % len(units)]
        found.append(f"{unit};{month:%Y-%m};{800 + index % 50};{index % 7};{index % 11}")
    return found


def distinct_rows(count):
    """`count` rows, each its own unit-month (A1 and A2 over the months from 1990)."""
    per_unit = -(-count // 2)
    lines = [
        f"Avdelning {unit};{month:%Y-%m};{800 + i % 50};{i % 7};{i % 11}"
        for unit in ("A1", "A2")
        for i, month in enumerate(months(per_unit, first=(1990, 1)))
    ]
    return lines[:count]


work = run_queued_jobs


def post(client, data, name="stor.csv"):
    from tests.test_outcomes_trust import upload

    return client.post(reverse("outcomes:import"), {"file": upload(data, name)})


# ---------------------------------------------------------------- streaming and batches


def test_the_sheet_is_streamed_row_by_row_not_read_whole(world):
    data = csv_file(distinct_rows(50))
    with imports.stream("fil.csv", data) as sheet:
        assert not isinstance(sheet.rows, list)
        first = next(iter(sheet.rows))
    assert first == (2, ["Avdelning A1", "1990-01", "800", "0", "0"])


def test_values_over_several_batches_are_all_saved_and_the_same_file_again_changes_nothing(
    world, monkeypatch
):
    monkeypatch.setattr(services, "BATCH_ROWS", 7)
    data = csv_file(distinct_rows(40))
    first = run_import(world, data)
    assert (first.rows, first.new, first.changed, first.unchanged) == (40, 120, 0, 0)
    assert IndicatorValue.objects.count() == 120
    again = run_import(world, data)
    assert (again.new, again.changed, again.unchanged) == (0, 0, 120)


def test_a_changed_value_in_a_later_batch_is_counted_changed_and_saved(world, monkeypatch):
    monkeypatch.setattr(services, "BATCH_ROWS", 5)
    lines = distinct_rows(20)
    run_import(world, csv_file(lines))
    unit, month, _days, restraint, prn = lines[17].split(";")
    lines[17] = f"{unit};{month};999;{restraint};{prn}"
    outcome = run_import(world, csv_file(lines))
    assert (outcome.new, outcome.changed, outcome.unchanged) == (0, 1, 59)
    stored = IndicatorValue.objects.get(
        indicator__key="bed_days", month=date.fromisoformat(month + "-01"), unit__name=unit
    )
    assert stored.value == Decimal("999")


def test_an_average_with_three_decimals_is_stored_rounded_and_imports_again_unchanged(world):
    data = "enhet;månad;medelvårdtid\nAvdelning A1;2025-01;12,345\n".encode()
    assert run_import(world, data).new == 1
    assert IndicatorValue.objects.get().value == Decimal("12.34")  # half to even, as Django
    assert run_import(world, data).unchanged == 1


def test_one_bad_row_among_many_saves_nothing_and_names_its_line_and_column(world, monkeypatch):
    monkeypatch.setattr(services, "BATCH_ROWS", 3)
    lines = distinct_rows(30)
    lines[24] = lines[24].rsplit(";", 1)[0] + ";tolv"
    with pytest.raises(ImportFailed) as caught:
        run_import(world, csv_file(lines))
    assert [(p.line, p.column) for p in caught.value.problems] == [(26, "vidbehovsdoser")]
    assert not IndicatorValue.objects.exists()


def test_the_first_thousand_problems_are_kept_and_every_one_counted(world):
    bad = [f"Avdelning A1;2025-01;x;y;{n}" for n in range(600)]  # 2 faults a row + repeats
    with pytest.raises(ImportFailed) as caught:
        run_import(world, csv_file(bad))
    assert len(caught.value.problems) == imports.MAX_PROBLEMS
    assert caught.value.total == 600 * 2 + 599  # two numbers a row, and the repeated month


def test_the_page_says_how_many_faults_there_are_beyond_those_it_lists(world, login):
    client = login(world.users["coordinator"])
    bad = [f"Avdelning A1;2025-01;x;y;{n}" for n in range(300)]
    body = post(client, csv_file(bad), "fel.csv").content.decode()
    assert "Filen har 899 fel" in body
    assert "Och 699 till" in body


def test_progress_is_told_in_words_every_5000_rows_checked(world):
    user = world.users["coordinator"]
    told = []
    lines = ["Avdelning A1;2025-01;800;1;1"] * 12_000
    with translation.override("sv"), pytest.raises(ImportFailed):
        services.import_check(
            scope=scope_for(user),
            name="stor.csv",
            data=csv_file(lines),
            progress=lambda percent, step="": told.append((percent, step)),
        )
    assert told == [
        (33, "Rad 5\xa0000 av 12\xa0000 kontrollerad"),
        (66, "Rad 10\xa0000 av 12\xa0000 kontrollerad"),
    ]


# ---------------------------------------------------------------- background import


def test_a_large_import_runs_as_a_job_that_saves_every_row_and_deletes_the_upload(
    world, login, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "BACKGROUND_ROWS", 10)
    client = login(world.users["coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, csv_file(distinct_rows(30)))
    job = Job.objects.get(kind="outcomes.import")
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert ImportUpload.objects.count() == 1 and not IndicatorValue.objects.exists()
    work()
    job.refresh_from_db()
    assert job.status == Status.DONE, job.problem
    assert IndicatorValue.objects.count() == 90
    assert not ImportUpload.objects.exists()
    assert bytes(job.output).decode() == (
        "Importerade 30 rader: 90 nya värden, 0 ändrade, 0 oförändrade."
    )
    assert AuditEvent.objects.filter(action="outcomes.import").count() == 1
    assert AuditEvent.objects.filter(action="outcomes.import.upload_discarded").count() == 1


def test_a_large_import_with_faults_fails_in_words_naming_the_first_faults_and_saves_nothing(
    world, login, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "BACKGROUND_ROWS", 10)
    lines = distinct_rows(30)
    for index in (3, 20):
        lines[index] = lines[index].rsplit(";", 1)[0] + ";många"
    client = login(world.users["coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        post(client, csv_file(lines))
    work()
    job = Job.objects.get(kind="outcomes.import")
    assert job.status == Status.FAILED
    assert job.problem.startswith("Inget sparades: filen har 2 fel.")
    assert "Rad 5, kolumn vidbehovsdoser: många är inte ett tal." in job.problem
    assert "Rad 22, kolumn vidbehovsdoser" in job.problem
    assert not IndicatorValue.objects.exists() and not ImportUpload.objects.exists()
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Rad 5, kolumn vidbehovsdoser" in page


def test_an_import_no_worker_took_is_stopped_after_a_day_in_words_and_its_upload_deleted(
    world, login, monkeypatch, settings, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from peerstod.core.retention import purge_all

    monkeypatch.setattr(services, "BACKGROUND_ROWS", 10)
    client = login(world.users["coordinator"])
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            post(client, csv_file(distinct_rows(30)))
    old, recent = Job.objects.order_by("pk")
    old_upload, recent_upload = ImportUpload.objects.order_by("pk")
    long_ago = timezone.now() - timedelta(hours=settings.JOBS_QUEUED_LIMIT_HOURS, minutes=31)
    Job.objects.filter(pk=old.pk).update(created_at=long_ago)
    ImportUpload.objects.filter(pk=old_upload.pk).update(created_at=long_ago)
    removed = purge_all(timezone.now())
    assert removed["import_uploads_deleted"] == 1 and removed["jobs_lost_marked_failed"] == 1
    assert list(ImportUpload.objects.values_list("pk", flat=True)) == [recent_upload.pk]
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.status, recent.status) == (Status.FAILED, Status.QUEUED)
    assert "Be er IT-avdelning starta bakgrundsarbetaren" in old.problem
    again = purge_all(timezone.now())
    assert again["import_uploads_deleted"] == 0 and again["jobs_lost_marked_failed"] == 0
    run_queued_jobs()  # the worker started at last: the stopped job is not run
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.status, recent.status) == (Status.FAILED, Status.DONE)
    assert IndicatorValue.objects.count() == 90 and not ImportUpload.objects.exists()


def test_a_file_over_the_row_limit_is_refused_in_the_request_without_a_job(world, login):
    client = login(world.users["coordinator"])
    page = post(client, csv_file(["Avdelning A1;2025-01;812;9;120"] * 100_001), "lang.csv")
    assert page.status_code == 200
    assert "Filen har fler än 100\xa0000 rader" in page.content.decode()
    assert not Job.objects.exists() and not ImportUpload.objects.exists()


def test_another_users_upload_is_not_read_by_a_job_that_names_it(world):
    from peerstod.jobs.registry import JobProblem
    from peerstod.outcomes.jobs import import_values

    coordinator = world.users["coordinator"]
    upload = ImportUpload.objects.create(owner=coordinator, name="x.csv", data=b"enhet;manad\n")
    with pytest.raises(JobProblem):
        import_values(lambda *a: None, upload=upload.pk, owner_id=world.users["outsider"].pk)
    assert ImportUpload.objects.filter(pk=upload.pk).exists()  # nor deleted by it


# ---------------------------------------------------------------- the models


def _full_fixed_effects_did(treated, comparison, start):
    """The two-way fixed effects Poisson GLM with one parameter a month (statsmodels),
    as the analysis fitted it before: the reference the 2-parameter fit must equal."""
    import math

    import numpy as np
    import statsmodels.api as sm

    months_ = sorted(set(treated.months) & set(comparison.months))
    rows = []
    for group, series in ((1, treated), (0, comparison)):
        lookup = dict(
            zip(series.months, zip(series.counts, series.bed_days, strict=True), strict=True)
        )
        for index, month in enumerate(months_):
            rows.append((group, index, int(month >= start), *lookup[month]))
    design = np.zeros((len(rows), len(months_) + 2))
    for r, (group, index, after, _c, _d) in enumerate(rows):
        design[r, index], design[r, -2], design[r, -1] = 1.0, group, group * after
    y = np.array([r[3] for r in rows])
    offset = np.log([r[4] for r in rows])
    model = sm.GLM(y, design, family=sm.families.Poisson(), offset=offset).fit(scale="X2")
    b, se = float(model.params[-1]), float(model.bse[-1])
    return math.exp(b), math.exp(b - 1.959963984540054 * se), math.exp(b + 1.959963984540054 * se)


@pytest.mark.parametrize(("seed", "effect", "n"), [(1, 0.7, 36), (2, 1.2, 120), (3, 1.0, 24)])
def test_difference_in_differences_equals_the_fixed_effects_poisson_model(seed, effect, n):
    import numpy as np

    from peerstod.outcomes import analysis

    rng = np.random.default_rng(seed)
    start = months(n)[n // 2]
    treated, comparison = analysis.Series(), analysis.Series()
    for index, month in enumerate(months(n)):
        for series, factor in ((treated, effect), (comparison, 1.0)):
            days = float(rng.integers(600, 2400))
            rate = 6 * (1 + 0.3 * np.sin(index / 4)) * (factor if month >= start else 1)
            series.months.append(month)
            series.counts.append(float(rng.poisson(rate * days / 1000)))
            series.bed_days.append(days)
    treated.counts[3] = comparison.counts[3] = 0.0  # a month with no events at all
    found = analysis.difference_in_differences(treated, comparison, start)
    estimate, low, high = _full_fixed_effects_did(treated, comparison, start)
    assert found.estimate == pytest.approx(estimate, rel=1e-6)
    assert (found.low, found.high) == (pytest.approx(low, rel=1e-5), pytest.approx(high, rel=1e-5))


# ---------------------------------------------------------------- the regional PDF


def test_the_regional_pdf_builds_each_indicator_once_and_tells_its_progress(world, monkeypatch):
    from peerstod.outcomes import reports
    from tests.test_outcomes import synthetic

    synthetic(world)
    built, told = [], []
    build = reports.build
    monkeypatch.setattr(
        reports, "build", lambda **kw: built.append(kw["indicator"].key) or build(**kw)
    )
    from peerstod.outcomes.jobs import regional_pdf
    from peerstod.outcomes.models import Indicator

    restraint = Indicator.objects.get(key="restraint")
    output = regional_pdf(
        lambda percent, step="": told.append((percent, step)),
        units=[world.unit_a1.pk],
        comparison=[world.unit_a2.pk],
        indicator=restraint.pk,
        harmonics=0,
        slope_change=False,
        owner_id=world.users["evaluator"].pk,
    )
    assert output.data[:5] == b"%PDF-"
    assert len(built) == len(set(built)) and built[0] == "restraint"
    steps = [step for _p, step in told]
    assert steps[0].startswith(f"Indikator 1 av {len(built)}: ")
    assert steps[-1] == "Gör PDF-filen"


def test_the_regional_pdf_job_refuses_units_its_owner_can_no_longer_see(world):
    from peerstod.jobs.registry import JobProblem
    from peerstod.outcomes.jobs import regional_pdf
    from peerstod.outcomes.models import Indicator

    with pytest.raises(JobProblem) as caught:
        regional_pdf(
            lambda *a: None,
            units=[world.unit_b1.pk],
            comparison=[],
            indicator=Indicator.objects.get(key="restraint").pk,
            harmonics=0,
            slope_change=False,
            owner_id=world.users["evaluator"].pk,
        )
    assert "inte längre" in str(caught.value)


def test_a_link_asking_for_the_regional_pdf_starts_no_job(world, login):
    client = login(world.users["evaluator"])
    page = client.get(reverse("outcomes:analysis"), {"format": "regional"})
    assert page.status_code == 200 and not Job.objects.exists()


# ---------------------------------------------------------------- the analysis, cached


def test_the_analysis_seen_again_fits_no_model_until_a_value_or_a_period_changes(
    world, login, monkeypatch
):
    from peerstod.outcomes import analysis, reports
    from peerstod.outcomes.models import Indicator, PeerSupportPeriod
    from tests.test_outcomes import synthetic

    synthetic(world)
    fits = []
    interrupted = analysis.interrupted
    monkeypatch.setattr(
        analysis, "interrupted", lambda *a, **k: fits.append(1) or interrupted(*a, **k)
    )
    client = login(world.users["evaluator"])
    query = {
        "units": [world.unit_a1.code],
        "comparison": [world.unit_a2.code],
        "indicator": "restraint",
        "harmonics": "0",
    }

    def seen():
        page = client.get(reverse("outcomes:analysis"), query)
        report = page.context["report"]
        assert page.status_code == 200 and report.its is not None
        assert report.chart in page.content.decode()
        return report.sentences, report.chart

    first = seen()
    assert (len(fits), seen(), len(fits)) == (1, first, 1)  # the same page, no new fit
    coordinator = world.users["coordinator"]
    restraint = Indicator.objects.get(key="restraint")
    month = IndicatorValue.objects.filter(unit=world.unit_a1, indicator=restraint).first().month
    services.values_set(
        scope=scope_for(coordinator),
        actor=coordinator,
        unit=world.unit_a1,
        month=month,
        values={restraint: Decimal(99)},
    )
    seen()
    assert len(fits) == 2  # a changed value: fitted again
    seen()
    assert len(fits) == 2
    period = PeerSupportPeriod.objects.get(unit=world.unit_a1)
    services.period_remove(scope=scope_for(coordinator), actor=coordinator, period=period)
    services.period_set(
        scope=scope_for(coordinator),
        actor=coordinator,
        unit=world.unit_a1,
        starts_on=date(period.starts_on.year, period.starts_on.month, 1).replace(
            month=period.starts_on.month % 12 + 1,
            year=period.starts_on.year + (period.starts_on.month == 12),
        ),
        ends_on=None,
    )
    seen()
    assert len(fits) == 3  # a moved start: fitted again
    with translation.override("en"):
        key_parts = reports.selectors.data_version(unit_ids={world.unit_a1.pk}, indicator=restraint)
    assert (
        key_parts[0]
        == IndicatorValue.objects.filter(
            unit=world.unit_a1, indicator__key__in=["restraint", "bed_days"]
        ).count()
    )
