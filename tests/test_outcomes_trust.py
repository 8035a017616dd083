"""Outcomes, issue 13: uploads that cannot take the server down, months that exist,
query strings that never give a 500, names that are never formulas or TeX, every change
a use case with its audit row, a POST sent twice changes state once, and another
organisation's codes are answered as if they did not exist."""

import csv
import io
import re
import zipfile
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from peerstod.accounts.scope import scope_for
from peerstod.core import audit
from peerstod.core.models import AuditEvent
from peerstod.orgs.models import Unit
from peerstod.outcomes import imports, services
from peerstod.outcomes.examples import HEADER, MONTHS, workbook_bytes
from peerstod.outcomes.imports import ImportFailed
from peerstod.outcomes.models import (
    ComparisonUnit,
    Indicator,
    IndicatorValue,
    PeerSupportPeriod,
)
from tests.test_outcomes import csv_file, months, problems_of, run_import, synthetic

ROW = "Avdelning A1;2025-01;812;9;120"


def upload(data: bytes, name: str) -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def xlsx(rows, *, dimension: str | None = None) -> bytes:
    """A real workbook from openpyxl; `dimension` rewrites the size the sheet declares."""
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    if dimension is None:
        return buffer.getvalue()
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = source.read(member.filename)
            if member.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(
                    rb'<dimension ref="[^"]*"', f'<dimension ref="{dimension}"'.encode(), data
                )
                assert dimension.encode() in data
            target.writestr(member.filename, data)
    return out.getvalue()


def zeros_package(megabytes: int) -> bytes:
    """A zip bomb: an .xlsx whose sheet unpacks to `megabytes` MB of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        with package.open("xl/worksheets/sheet1.xml", "w") as sheet:
            chunk = b"0" * 1_000_000
            for _ in range(megabytes):
                sheet.write(chunk)
    return out.getvalue()


def post_import(client, data: bytes, name: str):
    return client.post(reverse("outcomes:import"), {"file": upload(data, name)})


def coordinator_client(world, login):
    return login(world.users["coordinator"])


# ---------------------------------------------------------------- uploads


@pytest.mark.django_db
def test_an_xlsx_declaring_a_million_rows_and_every_column_is_refused_before_it_is_read(
    world, login
):
    data = xlsx(
        [["enhet", "månad", "vårddygn"], ["Avdelning A1", "2025-01", 812]],
        dimension="A1:XFD1048576",
    )
    assert len(data) < 10_000
    page = post_import(coordinator_client(world, login), data, "stor.xlsx")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Filen har fler än 100\xa0000 rader" in body and "Inget sparades" in body
    assert not IndicatorValue.objects.exists()


@pytest.mark.django_db
def test_an_xlsx_declaring_more_than_fifty_columns_is_refused(world):
    data = xlsx(
        [["enhet", "månad", "vårddygn"], ["Avdelning A1", "2025-01", 812]], dimension="A1:BA3"
    )
    problems = problems_of(world, data, "bred.xlsx")
    assert "fler än 50 kolumner" in problems[0].message


@pytest.mark.django_db
def test_an_xlsx_with_a_heading_beyond_the_fiftieth_column_is_refused_even_undeclared(world):
    header = ["enhet", "månad", "vårddygn"] + [None] * 50 + ["avskiljningar"]
    row = ["Avdelning A1", "2025-01", 812] + [None] * 50 + [7]
    data = xlsx([header, row], dimension="A1:C2")  # the sheet understates its size
    problems = problems_of(world, data, "bred.xlsx")
    assert "fler än 50 kolumner" in problems[0].message


@pytest.mark.django_db
def test_a_zip_bomb_is_refused_by_its_declared_unpacked_size(world, login):
    data = zeros_package(81)
    assert len(data) < 1_000_000  # 81 MB of zeros packs into well under a megabyte
    page = post_import(coordinator_client(world, login), data, "bomb.xlsx")
    body = page.content.decode()
    assert page.status_code == 200
    assert "packas upp till mer än 80 MB" in body
    assert not IndicatorValue.objects.exists()


@pytest.mark.django_db
def test_a_part_packed_more_than_a_hundred_times_is_refused(world):
    data = zeros_package(5)  # 5 MB, well under the unpacked limit, packed ~1000 times
    problems = problems_of(world, data, "tat.xlsx")
    assert "ovanligt hårt packad (mer än 100 gånger)" in problems[0].message


@pytest.mark.django_db
def test_a_cell_of_5000_characters_is_refused_with_its_line_and_column(world, login):
    data = xlsx(
        [
            ["enhet", "månad", "vårddygn"],
            ["Avdelning A1", "2025-01", 812],
            ["x" * 5000, "2025-02", 800],
        ]
    )
    page = post_import(coordinator_client(world, login), data, "lang.xlsx")
    body = page.content.decode()
    assert page.status_code == 200
    assert "En cell har fler än 4\xa0000 tecken" in body
    problems = page.context["problems"]
    assert (problems[0].line, problems[0].column) == (3, "A")
    assert not IndicatorValue.objects.exists()


@pytest.mark.django_db
def test_a_cell_far_over_the_limit_is_refused_before_openpyxl_reads_the_sheet(world):
    data = xlsx([["enhet", "månad"], ["x" * 40_000, "2025-01"]])
    problems = problems_of(world, data, "lang.xlsx")
    # Line 1, no column: found by scanning the package, not while reading the rows.
    assert (problems[0].line, problems[0].column) == (1, "-")
    assert "fler än 4\xa0000 tecken" in problems[0].message


@pytest.mark.django_db
def test_a_broken_xlsx_says_it_cannot_be_read(world):
    problems = problems_of(world, b"PK\x03\x04 not really a zip", "trasig.xlsx")
    assert problems[0].message == "Excelfilen går inte att läsa."


@pytest.mark.django_db
def test_a_csv_with_100001_rows_is_refused_and_nothing_is_saved(world, login):
    data = csv_file([ROW] * 100_001)
    page = post_import(coordinator_client(world, login), data, "lang.csv")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Filen har fler än 100\xa0000 rader" in body
    assert not IndicatorValue.objects.exists()


def test_the_demo_workbook_passes_every_limit_and_reads_whole():
    sheet = imports.read("utfall.xlsx", workbook_bytes(date(2026, 6, 15)))
    assert sheet.header == HEADER
    assert len(sheet.rows) == 2 * MONTHS and sheet.rows[0][0] == 2
    assert all(len(cells) == len(HEADER) for _line, cells in sheet.rows)


def test_100000_csv_rows_are_read_and_the_next_one_is_refused():
    assert len(imports.read("ok.csv", csv_file([ROW] * 100_000)).rows) == 100_000
    with pytest.raises(ImportFailed) as caught:
        imports.read("lang.csv", csv_file([ROW] * 100_001))
    assert "100" in caught.value.problems[0].message


def test_a_long_csv_is_read_as_a_stream_that_stops_at_the_limit():
    source = io.BytesIO(csv_file([ROW] * 300_000))
    with pytest.raises(ImportFailed):
        imports.read("lang.csv", source)
    assert source.tell() < len(source.getvalue()) / 2  # the rest was never read


def test_a_csv_cell_over_the_cell_limit_is_refused_with_its_line(settings):
    settings.MAX_CELL_CHARS = 4000
    with pytest.raises(ImportFailed) as caught:
        imports.read("lang.csv", csv_file([ROW, "y" * 5000 + ";2025-02;812;9;120"]))
    problem = caught.value.problems[0]
    assert problem.line == 3 and "4\xa0000" in problem.message


def test_the_csv_cell_limit_is_given_back_to_other_readers():
    before = csv.field_size_limit()
    imports.read("ok.csv", csv_file([ROW]))
    assert csv.field_size_limit() == before


def test_a_csv_with_more_than_fifty_columns_is_refused():
    header = ";".join(["enhet", "månad"] + [f"k{i}" for i in range(60)]) + "\n"
    with pytest.raises(ImportFailed) as caught:
        imports.read("bred.csv", csv_file([ROW], header=header))
    assert "50" in caught.value.problems[0].message


@pytest.mark.django_db
def test_a_windows_1252_csv_still_imports(world):
    data = "enhet;månad;vårddygn\nAvdelning A1;2025-01;812\n".encode("cp1252")
    assert b"m\xe5nad" in data
    assert run_import(world, data).new == 1


@pytest.mark.django_db
def test_a_file_name_with_personal_data_is_not_kept_in_the_audit_log(world):
    """The file's name is text a person typed: the import goes through, the name does not."""
    data = "enhet;månad;vårddygn\nAvdelning A1;2025-01;812\n".encode()
    assert run_import(world, data, name="lista 850101\u20131236.csv").new == 1
    assert run_import(world, data, name="vårddygn januari.csv").new == 0
    files = list(
        AuditEvent.objects.filter(action="outcomes.import")
        .order_by("pk")
        .values_list("detail__file", flat=True)
    )
    assert files == [services.NAME_LEFT_OUT, "vårddygn januari.csv"]


@pytest.mark.django_db
def test_an_upload_is_imported_from_the_file_object_without_reading_it_whole(world):
    outcome = run_import(world, upload(csv_file([ROW]), "fil.csv"))
    assert outcome.new == 3


@pytest.mark.django_db
def test_a_file_object_over_the_import_limit_is_refused_by_its_size(world, settings):
    settings.OUTCOMES_MAX_IMPORT_BYTES = 1_000
    problems = problems_of(world, upload(csv_file([ROW] * 100), "stor.csv"), "stor.csv")
    assert "större än" in problems[0].message


# ---------------------------------------------------------------- months


@pytest.mark.django_db
@pytest.mark.parametrize("month", ["0001-01", "1989-12"])
def test_an_import_for_a_month_before_1990_is_refused_and_nothing_saved(world, month):
    problems = problems_of(world, csv_file([f"Avdelning A1;{month};812;9;120"]))
    assert problems[0].column == "månad" and "från 1990-01 till denna månad" in problems[0].message


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("month", "words"), [("0001-01", "från 1990-01"), ("2999-01", "framtiden")]
)
def test_the_month_form_refuses_months_outside_1990_to_now(world, login, month, words):
    restraint = Indicator.objects.get(key="restraint")
    page = coordinator_client(world, login).post(
        reverse("outcomes:entry"),
        {"unit": world.unit_a1.code, "month": month, f"i_{restraint.pk}": "6"},
    )
    assert page.status_code == 200 and words in page.content.decode()
    assert not IndicatorValue.objects.exists()


@pytest.mark.django_db
def test_the_service_refuses_a_month_before_1990(world):
    coordinator = world.users["coordinator"]
    with pytest.raises(ValidationError) as caught:
        services.values_set(
            scope=scope_for(coordinator),
            actor=coordinator,
            unit=world.unit_a1,
            month=date(1, 1, 1),
            values={Indicator.objects.get(key="restraint"): 6},
        )
    assert "month" in caught.value.error_dict
    assert not IndicatorValue.objects.exists()


@pytest.mark.django_db
def test_the_database_refuses_an_indicator_value_before_1990(world):
    value = IndicatorValue(
        unit=world.unit_a1,
        month=date(1, 1, 1),
        indicator=Indicator.objects.get(key="restraint"),
        value=1,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        value.save()
    assert not IndicatorValue.objects.exists()


@pytest.mark.django_db
def test_a_model_check_refuses_a_future_month(world):
    value = IndicatorValue(
        unit=world.unit_a1,
        month=date(2999, 1, 1),
        indicator=Indicator.objects.get(key="restraint"),
        value=1,
    )
    with pytest.raises(ValidationError) as caught:
        value.full_clean()
    assert "month" in caught.value.error_dict


@pytest.mark.django_db
def test_a_period_month_outside_the_working_years_is_a_field_error(world, login):
    page = coordinator_client(world, login).post(
        reverse("outcomes:index"),
        {"action": "period", "period-unit": world.unit_a1.code, "period-starts_on": "0001-01"},
    )
    assert (
        page.status_code == 200
        and "Ange en månad från 1990-01 till 2100-12" in page.content.decode()
    )
    assert not PeerSupportPeriod.objects.exists()


# ---------------------------------------------------------------- the analysis page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        {"till": "0001-01"},
        {"fran": "9999-99"},
        {"units": ["A1"], "indicator": "restraint", "till": "0001-01", "fran": "9999-99"},
        {"indicator": "nope"},
        {"harmonics": "abc"},
        {"harmonics": "9" * 40},
        {"slope_change": "kanske", "format": "xlsx"},
        {"format": "pdf"},
        {"units": ["x" * 5000]},
    ],
)
def test_odd_query_strings_on_the_analysis_page_give_the_page_not_a_500(world, login, query):
    query = {k: ([world.unit_a1.code] if v == ["A1"] else v) for k, v in query.items()}
    page = login(world.users["evaluator"]).get(reverse("outcomes:analysis"), query)
    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_a_nul_byte_in_the_analysis_query_is_refused_with_400(world, login):
    page = login(world.users["evaluator"]).get(reverse("outcomes:analysis") + "?indicator=%00")
    assert page.status_code == 400


@pytest.mark.django_db
def test_a_nul_byte_in_an_outcomes_form_is_refused_and_nothing_saved(world, login):
    page = coordinator_client(world, login).post(
        reverse("outcomes:index"),
        {"action": "indicator", "indicator-name": "Läkar\x00besök", "indicator-measure": "count"},
    )
    assert page.status_code == 400
    assert not Indicator.objects.filter(organisation__isnull=False).exists()


def _name_everything(world, name: str) -> Indicator:
    """Unit A1 and an own count indicator carry `name`; 36 months imported, peer support
    from month 19, unit A2 as comparison."""
    Unit.objects.filter(pk=world.unit_a1.pk).update(name=name)
    world.unit_a1.refresh_from_db()
    coordinator = world.users["coordinator"]
    scope = scope_for(coordinator)
    own = services.indicator_add(
        scope=scope, actor=coordinator, organisation=world.region_a, name=name, measure="count"
    )
    header = f"enhet;månad;vårddygn;{name}\n"
    lines = []
    for index, month in enumerate(months(36)):
        lines.append(f"{world.unit_a1.code};{month:%Y-%m};900;{12 - (index >= 18) * 4 + index % 3}")
        lines.append(f"{world.unit_a2.code};{month:%Y-%m};900;{11 + index % 2}")
    run_import(world, csv_file(lines, header=header))
    services.period_set(
        scope=scope, actor=coordinator, unit=world.unit_a1, starts_on=months(36)[18], ends_on=None
    )
    services.comparison_set(scope=scope, actor=coordinator, unit=world.unit_a2, comparison=True)
    return own


@pytest.mark.django_db
def test_dollar_signs_in_unit_and_indicator_names_render_the_analysis_and_the_pdf(world, login):
    name = "Avd $x^2$ och $"
    own = _name_everything(world, name)
    client = login(world.users["evaluator"])
    query = {
        "units": [world.unit_a1.code],
        "comparison": [world.unit_a2.code],
        "indicator": own.key,
    }
    page = client.get(reverse("outcomes:analysis"), query)
    assert page.status_code == 200 and page.context["report"].rows
    assert "<svg" in page.content.decode() and "$x^2$" in page.content.decode()
    pdf = client.get(reverse("outcomes:analysis"), {**query, "format": "pdf"})
    assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"


def _cells(book):
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


@pytest.mark.django_db
def test_a_unit_named_like_a_formula_is_text_in_the_analysis_workbook(world, login):
    name = '=HYPERLINK("x")'
    own = _name_everything(world, name)
    client = login(world.users["evaluator"])
    query = {
        "units": [world.unit_a1.code],
        "comparison": [world.unit_a2.code],
        "indicator": own.key,
        "format": "xlsx",
    }
    book = load_workbook(io.BytesIO(client.get(reverse("outcomes:analysis"), query).content))
    cells = _cells(book)
    named = [c for c in cells if c.value == name]
    assert len(named) >= 2  # the indicator and the unit, on the About sheet
    assert all(c.data_type == "s" for c in named)
    assert not [c for c in cells if c.data_type == "f"]


@pytest.mark.django_db
def test_a_unit_named_like_a_formula_is_text_in_the_import_template(world, login):
    name = '=HYPERLINK("x")'
    Unit.objects.filter(pk=world.unit_a1.pk).update(name=name)
    book = load_workbook(
        io.BytesIO(coordinator_client(world, login).get(reverse("outcomes:template")).content)
    )
    cells = _cells(book)
    assert [c.data_type for c in cells if c.value == name] == ["s"]
    assert not [c for c in cells if c.data_type == "f"]


@pytest.mark.django_db
def test_small_monthly_counts_stay_hidden_in_the_exported_workbook(world, login, settings):
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
    query = {"units": [world.unit_a1.code], "indicator": "restraint", "format": "xlsx"}
    book = load_workbook(
        io.BytesIO(login(world.users["evaluator"]).get(reverse("outcomes:analysis"), query).content)
    )
    counts = [row[1] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert counts.count("–") == 10 and counts.count(8) == 10
    assert not [c for c in counts if isinstance(c, int | float) and 0 < c < 5]


# ---------------------------------------------------------------- use cases and audit


def test_every_public_service_that_writes_is_a_use_case():
    for name in (
        "install_builtin",
        "indicator_add",
        "values_set",
        "import_file",
        "period_set",
        "period_remove",
        "comparison_set",
    ):
        assert getattr(getattr(services, name), "is_use_case", False), name


@pytest.mark.django_db
def test_every_outcomes_change_leaves_an_audit_row_with_a_declared_action(world, login):
    client = coordinator_client(world, login)
    restraint = Indicator.objects.get(key="restraint")
    before = AuditEvent.objects.count()
    client.post(
        reverse("outcomes:entry"),
        {"unit": world.unit_a1.code, "month": "2025-04", f"i_{restraint.pk}": "6"},
    )
    post_import(client, csv_file([ROW]), "fil.csv")
    client.post(
        reverse("outcomes:index"),
        {"action": "period", "period-unit": world.unit_a1.code, "period-starts_on": "2024-05"},
    )
    client.post(reverse("outcomes:index"), {"action": "compare", "unit": world.unit_a2.code})
    client.post(
        reverse("outcomes:index"),
        {"action": "indicator", "indicator-name": "Läkarbesök", "indicator-measure": "count"},
    )
    period = PeerSupportPeriod.objects.get()
    client.post(reverse("outcomes:index"), {"action": "remove_period", "period": period.pk})
    events = list(AuditEvent.objects.order_by("pk")[before:])
    assert [e.action for e in events] == [
        "outcomes.values.set",
        "outcomes.import",
        "outcomes.period.set",
        "outcomes.comparison.set",
        "outcomes.indicator.add",
        "outcomes.period.remove",
    ]
    assert all(audit.known(e.action) for e in events)
    assert not PeerSupportPeriod.objects.exists()


@pytest.mark.django_db
def test_removing_a_period_is_audited_with_what_was_removed(world):
    coordinator = world.users["coordinator"]
    scope = scope_for(coordinator)
    period = services.period_set(
        scope=scope,
        actor=coordinator,
        unit=world.unit_a1,
        starts_on=date(2024, 5, 1),
        ends_on=date(2025, 2, 1),
    )
    services.period_remove(scope=scope, actor=coordinator, period=period)
    row = AuditEvent.objects.get(action="outcomes.period.remove")
    assert row.detail == {"starts_on": "2024-05-01", "ends_on": "2025-02-01"}
    assert row.object_ref == world.unit_a1.code


@pytest.mark.django_db
def test_the_builtin_indicators_are_installed_once_with_an_audit_row():
    Indicator.objects.filter(organisation=None, key="prn_doses").delete()
    rows = AuditEvent.objects.filter(action="outcomes.indicator.builtin")
    before = rows.count()
    assert services.install_builtin() == 1
    assert services.install_builtin() == 0
    assert rows.count() == before + 1 and rows.order_by("pk").last().detail == {
        "keys": ["prn_doses"]
    }


@pytest.mark.django_db
def test_looking_at_outcomes_writes_no_read_row(world, login):
    synthetic(world)
    client = login(world.users["evaluator"])
    before = AuditEvent.objects.count()
    client.get(reverse("outcomes:index"))
    client.get(
        reverse("outcomes:analysis"),
        {
            "units": [world.unit_a1.code],
            "comparison": [world.unit_a2.code],
            "indicator": "restraint",
        },
    )
    assert AuditEvent.objects.count() == before


# ---------------------------------------------------------------- twice, and others' codes


@pytest.mark.django_db
def test_the_period_form_sent_twice_saves_one_period(world, login):
    client = coordinator_client(world, login)
    form = {
        "action": "period",
        "period-unit": world.unit_a1.code,
        "period-starts_on": "2024-05",
        "period-once": "same-key-1",
    }
    first = client.post(reverse("outcomes:index"), form)
    again = client.post(reverse("outcomes:index"), form)
    assert first.status_code == again.status_code == 302
    assert PeerSupportPeriod.objects.count() == 1
    rows = AuditEvent.objects.filter(action="outcomes.period.set").order_by("pk")
    assert [row.detail.get("repeat", False) for row in rows] == [False, True]


@pytest.mark.django_db
def test_the_indicator_form_sent_twice_adds_one_indicator(world, login):
    client = coordinator_client(world, login)
    form = {
        "action": "indicator",
        "indicator-name": "Läkarbesök",
        "indicator-measure": "count",
        "indicator-once": "same-key-2",
    }
    first = client.post(reverse("outcomes:index"), form)
    again = client.post(reverse("outcomes:index"), form)
    assert first.status_code == again.status_code == 302
    assert Indicator.objects.filter(organisation=world.region_a).count() == 1


@pytest.mark.django_db
def test_another_organisations_unit_as_comparison_is_404_and_nothing_changes(world, login):
    page = coordinator_client(world, login).post(
        reverse("outcomes:index"), {"action": "compare", "unit": world.unit_b1.code}
    )
    assert page.status_code == 404
    assert not ComparisonUnit.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("which", ["other", "huge", "word"])
def test_removing_another_organisations_or_no_period_is_404_and_nothing_changes(
    world, login, which
):
    outsider = world.users["outsider"]
    theirs = services.period_set(
        scope=scope_for(outsider),
        actor=outsider,
        unit=world.unit_b1,
        starts_on=date(2024, 1, 1),
        ends_on=None,
    )
    pk = {"other": str(theirs.pk), "huge": "9" * 30, "word": "abc"}[which]
    page = coordinator_client(world, login).post(
        reverse("outcomes:index"), {"action": "remove_period", "period": pk}
    )
    assert page.status_code == 404
    assert PeerSupportPeriod.objects.filter(pk=theirs.pk).exists()


@pytest.mark.django_db
def test_a_huge_number_in_the_month_form_is_a_field_error(world, login):
    restraint = Indicator.objects.get(key="restraint")
    page = coordinator_client(world, login).post(
        reverse("outcomes:entry"),
        {"unit": world.unit_a1.code, "month": "2025-04", f"i_{restraint.pk}": "9" * 40},
    )
    assert page.status_code == 200 and "field-error" in page.content.decode()
    assert not IndicatorValue.objects.exists()
