"""Outcomes: indicator imports that check every row first, periods and comparison units,
before/after, interrupted time series and difference-in-differences, reports."""

import io
import math
from datetime import date
from urllib.parse import urlencode

import numpy as np
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from peerstod.accounts.scope import scope_for
from peerstod.core.models import AuditEvent
from peerstod.jobs.models import Job, Status
from peerstod.outcomes import analysis, reports, services
from peerstod.outcomes.imports import ImportFailed
from peerstod.outcomes.models import ComparisonUnit, Indicator, IndicatorValue, PeerSupportPeriod
from tests.jobs_worker import run_queued_jobs

HEADER = "enhet;månad;vårddygn;bältesläggningar;vidbehovsdoser\n"


def months(n, first=(2022, 1)):
    year, month = first
    found = []
    for _ in range(n):
        found.append(date(year, month, 1))
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return found


def csv_file(lines, header=HEADER):
    return (header + "".join(line + "\n" for line in lines)).encode()


def run_import(world, data, name="indikatorer.csv", persona="coordinator"):
    user = world.users[persona]
    return services.import_file(scope=scope_for(user), actor=user, name=name, data=data)


def problems_of(world, data, name="indikatorer.csv"):
    with pytest.raises(ImportFailed) as caught:
        run_import(world, data, name)
    assert not IndicatorValue.objects.exists()  # nothing saved
    return caught.value.problems


def synthetic(
    world,
    *,
    effect=0.6,
    comparison_effect=1.0,
    n=36,
    start_index=18,
    seed=3,
    bed_days=900,
    identical=False,
):
    """Unit A1 gets peer support from month `start_index`; A2 is the comparison."""
    rng = np.random.default_rng(seed)
    lines = []
    for index, month in enumerate(months(n)):
        for unit, change in ((world.unit_a1, effect), (world.unit_a2, comparison_effect)):
            rate = 12 * math.exp(-0.003 * index) * (change if index >= start_index else 1)
            if not identical or unit == world.unit_a1:
                count = rng.poisson(rate * bed_days / 1000)
            else:  # the same month give or take one event, evenly before and after
                count += 1 if index % 2 else -1
            lines.append(f"{unit.name};{month:%Y-%m};{bed_days};{count};{rng.poisson(100)}")
    run_import(world, csv_file(lines))
    coordinator = world.users["coordinator"]
    services.period_set(
        scope=scope_for(coordinator),
        actor=coordinator,
        unit=world.unit_a1,
        starts_on=months(n)[start_index],
        ends_on=None,
    )
    services.comparison_set(
        scope=scope_for(coordinator), actor=coordinator, unit=world.unit_a2, comparison=True
    )


# ---------------------------------------------------------------- imports


@pytest.mark.django_db
def test_a_csv_imports_and_the_same_file_again_changes_nothing(world):
    data = csv_file(
        [
            "Avdelning A1;2025-01;812;9;120",
            "Avdelning A1;2025-02;790;7;131",
            f"{world.unit_a2.code};2025-01;640;3;88",
        ]
    )
    first = run_import(world, data)
    assert (first.new, first.changed, first.unchanged, first.rows) == (9, 0, 0, 3)
    again = run_import(world, data)
    assert (again.new, again.changed, again.unchanged) == (0, 0, 9)
    assert IndicatorValue.objects.count() == 9
    changed = run_import(world, csv_file(["Avdelning A1;2025-01;812;10;120"]))
    assert (changed.new, changed.changed, changed.unchanged) == (0, 1, 2)
    restraint = IndicatorValue.objects.get(
        unit=world.unit_a1, month=date(2025, 1, 1), indicator__key="restraint"
    )
    assert restraint.value == 10
    assert AuditEvent.objects.filter(action="outcomes.import").count() == 3


@pytest.mark.django_db
def test_an_excel_file_with_a_decimal_comma_and_dates_imports(world):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Enhet", "Månad", "Vårddygn", "Medelvårdtid", "Bältesläggningar"])
    sheet.append(["avdelning a1", date(2025, 3, 1), 801, "12,5", 4])
    buffer = io.BytesIO()
    workbook.save(buffer)
    outcome = run_import(world, buffer.getvalue(), name="fil.xlsx")
    assert outcome.new == 3
    stay = IndicatorValue.objects.get(indicator__key="length_of_stay")
    assert float(stay.value) == 12.5


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lines", "header", "line", "column", "words"),
    [
        (
            ["Avdelning A1;2025-01;812;9;120"],
            "enhet;vårddygn;bältesläggningar\n",
            1,
            "månad",
            "saknas",
        ),
        (["Avdelning A1;2025-01;812;nio;120"], HEADER, 2, "bältesläggningar", "inte ett tal"),
        (["Avdelning A1;2025-01;812;-3;120"], HEADER, 2, "bältesläggningar", "negativt"),
        (["Avdelning A1;2025-01;812;2.5;120"], HEADER, 2, "bältesläggningar", "heltal"),
        (
            ["Avdelning A1;2025-01;812;9;120", "Avdelning A1;2025-01;800;9;120"],
            HEADER,
            3,
            "månad",
            "rad 3",
        ),
        (["Avdelning A1;2099-01;812;9;120"], HEADER, 2, "månad", "framtiden"),
        (["Avdelning A1;januari;812;9;120"], HEADER, 2, "månad", "ÅÅÅÅ-MM"),
        (["Avdelning A1;2025-01;0;9;120"], HEADER, 2, "vårddygn", "över noll"),
        (["Avdelning B1;2025-01;812;9;120"], HEADER, 2, "enhet", "Okänd enhet"),
        (["Ingen sådan;2025-01;812;9;120"], HEADER, 2, "enhet", "Okänd enhet"),
        (
            ["Avdelning A1;2025-01;812;9;120"],
            "enhet;månad;vårddygn;hästar\n",
            1,
            "hästar",
            "Okänd kolumn",
        ),
    ],
)
def test_bad_rows_are_reported_with_line_and_column_and_nothing_is_saved(
    world, lines, header, line, column, words
):
    problems = problems_of(world, csv_file(["Avdelning A2;2025-01;700;2;50", *lines], header))
    expected_line = line + 1 if line > 1 else 1  # the first data row is the A2 row
    assert any(
        p.line == expected_line and p.column == column and words in p.message for p in problems
    ), problems


@pytest.mark.django_db
def test_another_organisations_unit_gets_the_same_message_as_an_unknown_one(world):
    other = problems_of(world, csv_file([f"{world.unit_b1.name};2025-01;812;9;120"]))
    unknown = problems_of(world, csv_file(["Avdelning Z9;2025-01;812;9;120"]))
    assert other[0].message.replace(world.unit_b1.name, "X") == unknown[0].message.replace(
        "Avdelning Z9", "X"
    )


@pytest.mark.django_db
def test_every_fault_is_listed_not_only_the_first(world):
    problems = problems_of(
        world,
        csv_file(
            [
                "Avdelning A1;2025-01;812;-1;120",
                "Avdelning A1;2025-02;812;x;120",
                "Avdelning A9;2025-03;812;1;120",
            ]
        ),
    )
    assert [p.line for p in problems] == [2, 3, 4]


@pytest.mark.django_db
def test_a_file_over_the_limit_is_refused_before_it_is_read(world, login, settings):
    settings.OUTCOMES_MAX_IMPORT_BYTES = 10_000_000
    # Over the import limit, under the request limit (larger bodies never reach the view).
    big = io.BytesIO(b"x" * 10_000_100)
    big.name = "stor.csv"
    page = login(world.users["coordinator"]).post(reverse("outcomes:import"), {"file": big})
    assert page.status_code == 200
    assert "större än 10 MB" in page.content.decode()
    assert not IndicatorValue.objects.exists()


@pytest.mark.django_db
def test_the_import_page_lists_faults_with_line_and_column(world, login):
    upload = io.BytesIO(csv_file(["Avdelning A1;2025-01;812;nio;120"]))
    upload.name = "fel.csv"
    page = login(world.users["coordinator"]).post(reverse("outcomes:import"), {"file": upload})
    body = page.content.decode()
    assert "Inget sparades" in body and "bältesläggningar" in body and "nio är inte ett tal" in body


@pytest.mark.django_db
def test_only_coordinators_import_and_enter(world):
    for persona in ("evaluator", "manager", "network"):
        with pytest.raises(PermissionDenied):
            run_import(world, csv_file(["Avdelning A1;2025-01;812;9;120"]), persona=persona)


@pytest.mark.django_db
def test_a_month_is_entered_in_the_form(world, login):
    client = login(world.users["coordinator"])
    bed_days = Indicator.objects.get(key="bed_days")
    restraint = Indicator.objects.get(key="restraint")
    response = client.post(
        reverse("outcomes:entry"),
        {
            "unit": world.unit_a1.code,
            "month": "2025-04",
            f"i_{bed_days.pk}": "830",
            f"i_{restraint.pk}": "6",
        },
    )
    assert response.status_code == 302
    assert IndicatorValue.objects.filter(unit=world.unit_a1, month=date(2025, 4, 1)).count() == 2
    bad = client.post(
        reverse("outcomes:entry"),
        {
            "unit": world.unit_a1.code,
            "month": "2099-04",
            f"i_{restraint.pk}": "6",
        },
    )
    assert bad.status_code == 200 and "framtiden" in bad.content.decode()
    other = client.post(
        reverse("outcomes:entry"),
        {
            "unit": world.unit_b1.code,
            "month": "2025-04",
            f"i_{restraint.pk}": "6",
        },
    )
    assert other.status_code == 200
    assert IndicatorValue.objects.count() == 2


# ---------------------------------------------------------------- periods


def set_period(world, unit, starts_on: date):
    coordinator = world.users["coordinator"]
    return services.period_set(
        scope=scope_for(coordinator),
        actor=coordinator,
        unit=unit,
        starts_on=starts_on,
        ends_on=None,
    )


@pytest.mark.django_db
def test_periods_do_not_overlap_and_comparison_units_have_none(world):
    coordinator = world.users["coordinator"]
    scope = scope_for(coordinator)
    set_period(world, world.unit_a1, date(2024, 5, 17))
    assert PeerSupportPeriod.objects.get().starts_on == date(2024, 5, 1)
    with pytest.raises(ValidationError):
        set_period(world, world.unit_a1, date(2025, 1, 1))
    with pytest.raises(ValidationError):
        services.comparison_set(scope=scope, actor=coordinator, unit=world.unit_a1, comparison=True)
    services.comparison_set(scope=scope, actor=coordinator, unit=world.unit_a2, comparison=True)
    with pytest.raises(ValidationError):
        set_period(world, world.unit_a2, date(2024, 1, 1))
    with pytest.raises(PermissionDenied):
        set_period(world, world.unit_b1, date(2024, 1, 1))
    assert ComparisonUnit.objects.count() == 1


# ---------------------------------------------------------------- analysis


@pytest.mark.parametrize("true_effect", [0.7, 1.0, 1.3])
def test_difference_in_differences_recovers_a_known_effect(true_effect):
    rng = np.random.default_rng(11)
    treated, comparison = analysis.Series(), analysis.Series()
    start = date(2023, 7, 1)
    for index, month in enumerate(months(36)):
        common = math.exp(0.3 * math.sin(index / 3))  # a shock both groups share
        for series, effect in ((treated, true_effect), (comparison, 1.0)):
            days = 2000.0
            rate = 10 * common * (effect if month >= start else 1)
            series.months.append(month)
            series.counts.append(float(rng.poisson(rate * days / 1000)))
            series.bed_days.append(days)
    found = analysis.difference_in_differences(treated, comparison, start)
    assert found.low < true_effect < found.high
    assert abs(found.estimate - true_effect) < 0.1
    assert (found.high < 1) == (true_effect < 1) and (found.low > 1) == (true_effect > 1)


def test_before_after_rates_per_thousand_bed_days():
    series = analysis.Series(months(4), [10.0, 12.0, 6.0, 4.0], [1000.0, 1000.0, 1000.0, 1000.0])
    result = analysis.before_after(series, date(2022, 3, 1))
    assert result.rate_before == pytest.approx(11.0)
    assert result.rate_after == pytest.approx(5.0)
    assert result.ratio.estimate == pytest.approx(5 / 11)
    assert result.ratio.low < result.ratio.estimate < result.ratio.high


@pytest.mark.django_db
def test_the_analysis_finds_the_drop_and_says_so(world):
    synthetic(world, effect=0.55, bed_days=2500)
    report = reports.build(
        units=[world.unit_a1],
        comparison=[world.unit_a2],
        indicator=Indicator.objects.get(key="restraint"),
    )
    assert report.problems == []
    assert report.its.level.high < 1 and report.did.high < 1
    assert report.did.low < 0.55 < report.did.high
    # One headline, from the time series; the comparison is detail pointing the same way.
    assert report.summary.method == analysis.ITS
    assert "minskade" in report.summary.headline
    assert "när peer support började" in report.summary.headline
    assert any("pekar åt samma håll" in d and "Avdelning A2" in d for d in report.summary.details)
    assert sum("minskade" in s for s in report.sentences) == 1
    assert report.chart.startswith("<svg")
    for legend in ("Modell", "Väntat utan peer support", "Peer support börjar", "vårddygn"):
        assert legend in report.chart
    counter = [r.counterfactual for r in report.rows]
    assert counter[:18] == [None] * 18 and all(c is not None for c in counter[18:])


@pytest.mark.django_db
def test_no_effect_gives_the_cannot_say_sentence(world):
    synthetic(world, effect=1.0, identical=True)  # the comparison moves with it
    report = reports.build(
        units=[world.unit_a1],
        comparison=[world.unit_a2],
        indicator=Indicator.objects.get(key="restraint"),
    )
    assert report.did.low < 1 < report.did.high
    assert report.summary.method == analysis.ITS
    detail = next(d for d in report.summary.details if "Avdelning A2" in d)
    assert "minskade" not in detail and "ökade" not in detail and "Vi kan inte" not in detail


@pytest.mark.django_db
def test_a_short_series_says_it_is_too_short(world):
    synthetic(world, n=12, start_index=6)
    report = reports.build(
        units=[world.unit_a1],
        comparison=[],
        indicator=Indicator.objects.get(key="restraint"),
    )
    assert report.its is None
    # Too short for a time series: the headline is the before/after ratio, and the
    # sentence under it says why (6 months on each side, 8 needed).
    assert report.summary.method == analysis.BEFORE_AFTER
    assert "efter att peer support började, jämfört med före" in report.summary.headline
    assert "minst 8 månader" in report.summary.basis and "här 6 och 6" in report.summary.basis


@pytest.mark.django_db
def test_small_monthly_counts_are_hidden_in_tables_and_the_chart(world, settings):
    settings.SUPPRESSION_THRESHOLD = 5
    lines = [
        f"Avdelning A1;{m:%Y-%m};900;{3 if i % 2 else 8};100" for i, m in enumerate(months(20))
    ]
    run_import(world, csv_file(lines))
    coordinator = world.users["coordinator"]
    services.period_set(
        scope=scope_for(coordinator),
        actor=coordinator,
        unit=world.unit_a1,
        starts_on=months(20)[10],
        ends_on=None,
    )
    report = reports.build(
        units=[world.unit_a1], comparison=[], indicator=Indicator.objects.get(key="restraint")
    )
    hidden = [r for r in report.rows if r.count.suppressed]
    assert len(hidden) == 10 and all(r.rate is None for r in hidden)
    assert all(r.rate is not None for r in report.rows if not r.count.suppressed)


@pytest.mark.django_db
def test_a_unit_without_a_start_is_explained(world):
    report = reports.build(
        units=[world.unit_a1], comparison=[], indicator=Indicator.objects.get(key="restraint")
    )
    assert report.problems and "Avdelning A1" in report.problems[0]


# ---------------------------------------------------------------- pages


@pytest.mark.django_db
def test_the_analysis_page_pdf_and_excel_and_only_the_files_are_audited(
    world, login, monkeypatch, django_capture_on_commit_callbacks
):
    synthetic(world)
    printed = []  # what each PDF holds: the context it is rendered from
    render_pdf = reports.render_pdf
    monkeypatch.setattr(
        reports,
        "render_pdf",
        lambda template, context: printed.append(context) or render_pdf(template, context),
    )
    client = login(world.users["evaluator"])
    query = {
        "units": [world.unit_a1.code],
        "comparison": [world.unit_a2.code],
        "indicator": "restraint",
        "harmonics": "0",
    }
    page = client.get(reverse("outcomes:analysis"), query)
    assert page.status_code == 200 and page.context["report"].did is not None
    assert "Skillnad i skillnader" in page.content.decode()
    pdf = client.get(reverse("outcomes:analysis"), {**query, "format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content[:5] == b"%PDF-"
    # The regional report is made by the background job: a form starts it.
    url = reverse("outcomes:analysis") + "?" + urlencode({**query, "format": "regional"}, True)
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(url)
    job = Job.objects.get(kind="outcomes.regional_pdf")
    assert started.status_code == 302 and started["Location"] == job.get_absolute_url()
    run_queued_jobs()
    job.refresh_from_db()
    assert job.status == Status.DONE and bytes(job.output)[:5] == b"%PDF-"
    chosen, follow_up = printed
    assert [r.indicator.key for r in chosen["reports"]] == ["restraint"]
    # The regional follow-up: restraint first, then PRN doses, both in the summary.
    assert [r.indicator.key for r in follow_up["reports"]] == ["restraint", "prn_doses"]
    assert [r.indicator.key for r in follow_up["summary"]] == ["restraint", "prn_doses"]
    xlsx = client.get(reverse("outcomes:analysis"), {**query, "format": "xlsx"})
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book["Månader"].max_row == 37
    assert len(book["Månader"]._charts) == 1
    # The page shows aggregates only (no read row); each of the three files is noted.
    exports = AuditEvent.objects.filter(action="outcomes.analysis.read")
    assert sorted(e.detail["export"] for e in exports) == ["pdf", "regional", "xlsx"]


@pytest.mark.django_db
def test_another_organisation_sees_none_of_it(world, login):
    synthetic(world)
    client = login(world.users["outsider"])
    page = client.get(
        reverse("outcomes:analysis"), {"units": [world.unit_a1.code], "indicator": "restraint"}
    )
    assert page.status_code == 200 and page.context["report"] is None
    index = client.get(reverse("outcomes:index")).content.decode()
    assert "Avdelning A1" not in index
