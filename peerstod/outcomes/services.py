"""Every change to outcomes: indicator values entered or imported (all rows checked
first, saved together or not at all, idempotent), peer-support periods and comparison
units. Each public function is a use case (core.usecase): one transaction, one audit
row, validation before the first write."""

from __future__ import annotations

import io
import re
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import IO

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from peerstod.accounts.roles import Role
from peerstod.accounts.scope import Scope
from peerstod.core import audit, dates, idempotency
from peerstod.core.periods import overlaps
from peerstod.core.privacy import no_personal_data
from peerstod.core.usecase import use_case
from peerstod.jobs.models import Job
from peerstod.jobs.services import job_start
from peerstod.orgs.models import Organisation, Unit
from peerstod.outcomes import actions, imports, selectors
from peerstod.outcomes.imports import ImportFailed, Problem
from peerstod.outcomes.models import (
    BUILTIN_MEASURE,
    FIRST_MONTH,
    HEADERS,
    Builtin,
    ComparisonUnit,
    ImportUpload,
    Indicator,
    IndicatorValue,
    Measure,
    PeerSupportPeriod,
)

UNIT_COLUMNS = ("enhet", "unit")
MONTH_COLUMNS = ("manad", "month")
MAX_VALUE = Decimal("9999999999")
# What a form's one-time key (`once`) is claimed for.
INDICATOR_ONCE = "outcomes.indicator"
PERIOD_ONCE = "outcomes.period"


@use_case
def install_builtin() -> int:
    """The built-in indicators (after every migrate); idempotent."""
    present = set(Indicator.objects.filter(organisation=None).values_list("key", flat=True))
    missing = [
        Indicator(
            organisation=None,
            key=key,
            name=str(label),
            measure=BUILTIN_MEASURE.get(key, Measure.COUNT),
        )
        for key, label in Builtin.choices
        if key not in present
    ]
    if missing:
        Indicator.objects.bulk_create(missing)
        audit.record(actor=None, action=actions.BUILTIN_INSTALLED, keys=[i.key for i in missing])
    return len(missing)


def _require_unit(scope: Scope, unit: Unit) -> None:
    if unit.organisation_id not in scope.organisation_ids(Role.PROGRAMME_COORDINATOR):
        raise PermissionDenied


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def month_problem(month: date | None) -> str | None:
    """Why a month cannot hold figures (None when it can): from 1990-01 to this month."""
    if month is None:
        return _("Write the month as YYYY-MM.")
    if month < FIRST_MONTH:
        return _("Give a month from %(first)s to this month.") % {
            "first": FIRST_MONTH.strftime("%Y-%m")
        }
    if month > first_of_month(date.today()):
        return _("The month is in the future.")
    return None


def _sent_before(model, once: str, purpose: str):
    """What the first sending of the same form made, when this is a repeat (else None)."""
    fresh, earlier = idempotency.claim(once, purpose=purpose)
    return None if fresh else idempotency.earlier(model.objects.all(), earlier)


def _repeated(actor, action, obj, organisation) -> None:
    """A form sent again changes nothing; the repeat is noted in the audit log, so a
    double submission can be told from a second real one."""
    audit.record(actor=actor, action=action, obj=obj, organisation=organisation, repeat=True)


@use_case
def indicator_add(
    *,
    scope: Scope,
    actor,
    organisation: Organisation,
    name: str,
    measure: str,
    once: str = "",
):
    """An organisation's own indicator, e.g. "Fasthållningar" or "Läkarbesök". The same
    form sent twice (`once`) adds it once and returns it."""
    if organisation.pk not in scope.organisation_ids(Role.PROGRAMME_COORDINATOR):
        raise PermissionDenied
    found = _sent_before(Indicator, once, INDICATOR_ONCE)
    if found is not None:
        _repeated(actor, actions.INDICATOR_ADDED, found, organisation)
        return found
    key = imports.fold(name)
    key = re.sub(r"[^a-z0-9_]", "", key)[:60]
    if not key:
        raise ValidationError({"name": _("Give the indicator a name.")})
    known = {k for keys in HEADERS.values() for k in keys} | set(Builtin.values)
    if key in known or Indicator.objects.filter(organisation=organisation, key=key).exists():
        raise ValidationError({"name": _("There is already an indicator with that name.")})
    indicator = Indicator(organisation=organisation, key=key, name=name.strip(), measure=measure)
    indicator.full_clean()
    indicator.save()
    audit.record(
        actor=actor, action=actions.INDICATOR_ADDED, obj=indicator, organisation=organisation
    )
    idempotency.remember(once, purpose=INDICATOR_ONCE, result=str(indicator.pk))
    return indicator


# ---------------------------------------------------------------- values


@dataclass
class Outcome:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    rows: int = 0


def _check_value(indicator: Indicator, number: Decimal) -> str | None:
    if number < 0:
        return _("A value cannot be negative.")
    if number > MAX_VALUE:
        return _("The value is too large.")
    if indicator.measure != Measure.AVERAGE and number != number.to_integral_value():
        return _("Give a whole number.")
    if indicator.key == Builtin.BED_DAYS and number == 0:
        return _(
            "Bed-days must be above zero: rates are per 1,000 bed-days. Leave out a month "
            "when the unit was closed."
        )
    return None


BATCH_ROWS = 1_000  # rows of a file written at a time
CENTS = Decimal("0.01")  # values are stored with two decimals


def _lock_units(unit_ids) -> None:
    """The units' rows are locked first, so two imports of the same unit-months at once
    run one after the other instead of colliding on insert."""
    list(
        Unit.objects.select_for_update().filter(pk__in=sorted(unit_ids)).order_by("pk").values("pk")
    )


def _write(actor, batch: list[tuple[int, date, int, Decimal]], outcome: Outcome) -> None:
    """Create and update one batch of checked values (unit, month, indicator, value),
    counting what is new, changed and unchanged; only ever called from a use case, which
    is the transaction. One read of what is stored for the batch, one upsert."""
    if not batch:
        return
    units = {u for u, _m, _i, _v in batch}
    months = [m for _u, m, _i, _v in batch]
    wanted = {(u, m, i): v for u, m, i, v in batch}
    stored = {
        (u, m, i): v
        for u, m, i, v in IndicatorValue.objects.filter(
            unit_id__in=units,
            month__range=(min(months), max(months)),
            indicator_id__in={i for _u, _m, i, _v in batch},
        )
        .values_list("unit_id", "month", "indicator_id", "value")
        .iterator(chunk_size=5_000)
        if (u, m, i) in wanted
    }
    upserts = []
    for key, number in wanted.items():
        found = stored.get(key)
        if found is not None and found == number:
            outcome.unchanged += 1
            continue
        if found is None:
            outcome.new += 1
        else:
            outcome.changed += 1
        upserts.append((*key, number))
    if upserts and connection.vendor == "postgresql":
        _upsert_postgresql(upserts, actor)
    elif upserts:
        IndicatorValue.objects.bulk_create(
            [
                IndicatorValue(
                    unit_id=unit_id,
                    month=month,
                    indicator_id=indicator_id,
                    value=number,
                    entered_by=actor,
                )
                for unit_id, month, indicator_id, number in upserts
            ],
            batch_size=BATCH_ROWS,
            update_conflicts=True,
            unique_fields=["unit", "month", "indicator"],
            update_fields=["value", "entered_by", "changed_at"],
        )


def _upsert_postgresql(upserts: list[tuple[int, date, int, Decimal]], actor) -> None:
    """The same upsert as bulk_create(update_conflicts=True), as one statement over
    arrays (unnest): a tenth of the CPU for a batch of thousands of values."""
    meta = IndicatorValue._meta
    names = ("unit", "month", "indicator", "value", "entered_by", "changed_at")
    column = [connection.ops.quote_name(meta.get_field(name).column) for name in names]  # type: ignore[union-attr,arg-type]
    unit, month, indicator, value, entered_by, changed_at = column
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(meta.db_table)} "  # noqa: S608 - names from the model
            f"({unit}, {month}, {indicator}, {value}, {entered_by}, {changed_at}) "
            "SELECT u, m, i, v, %s, %s FROM unnest(%s::bigint[], %s::date[], %s::bigint[], "
            "%s::numeric[]) AS t(u, m, i, v) "
            f"ON CONFLICT ({unit}, {month}, {indicator}) DO UPDATE SET "
            f"{value} = EXCLUDED.{value}, {entered_by} = EXCLUDED.{entered_by}, "
            f"{changed_at} = EXCLUDED.{changed_at}",
            [
                actor.pk if actor is not None else None,
                timezone.now(),  # not now(): that is the transaction's start
                [u for u, _m, _i, _v in upserts],
                [m for _u, m, _i, _v in upserts],
                [i for _u, _m, i, _v in upserts],
                [v for _u, _m, _i, v in upserts],
            ],
        )


def _save(actor, values: dict[tuple[int, date, int], Decimal]) -> Outcome:
    """Create and update a few checked values (one form); the import writes in batches."""
    outcome = Outcome()
    _lock_units({k[0] for k in values})
    _write(actor, [(u, m, i, v.quantize(CENTS)) for (u, m, i), v in values.items()], outcome)
    return outcome


@use_case
def values_set(
    *, scope: Scope, actor, unit: Unit, month: date, values: dict[Indicator, Decimal | None]
) -> Outcome:
    """One unit-month typed into the form; empty fields leave what is stored."""
    _require_unit(scope, unit)
    month = first_of_month(month)
    problem = month_problem(month)
    if problem:
        raise ValidationError({"month": problem})
    errors = {}
    clean = {}
    for indicator, number in values.items():
        if number is None:
            continue
        problem = _check_value(indicator, number)
        if problem:
            errors[f"i_{indicator.pk}"] = problem
        else:
            clean[(unit.pk, month, indicator.pk)] = number
    if errors:
        raise ValidationError(errors)
    if not clean:
        raise ValidationError(_("Fill in at least one value."))
    outcome = _save(actor, clean)
    audit.record(
        actor=actor,
        action=actions.VALUES_SET,
        obj=unit,
        organisation=unit.organisation,
        month=month.isoformat(),
    )
    return outcome


# What the audit log keeps instead of a file name that holds personal data.
NAME_LEFT_OUT = "(name left out: it held personal data)"


def _file_label(name: str) -> str:
    """The uploaded file's name, for the audit log. A name is text a person typed, so the
    personal-data guard reads it too ("listor 850101-1236.xlsx"); the import itself is
    not refused for its name, the name is just not kept."""
    name = name[:100]
    try:
        no_personal_data(name)
    except ValidationError:
        return NAME_LEFT_OUT
    return name


NO_VALUE = -1  # an empty cell, among the stored cents (values are never negative)


class _Problems:
    """The problems found, kept up to imports.MAX_PROBLEMS, all counted."""

    def __init__(self) -> None:
        self.kept: list[Problem] = []
        self.total = 0

    def add(self, problem: Problem) -> None:
        self.total += 1
        if len(self.kept) < imports.MAX_PROBLEMS:
            self.kept.append(problem)

    def raise_any(self) -> None:
        if self.total:
            raise ImportFailed(self.kept, total=self.total)


def _no_progress(percent: int, step: str = "") -> None:
    pass


def _indicator_aliases(scope: Scope) -> dict[str, Indicator]:
    organisation_ids = scope.organisation_ids(Role.PROGRAMME_COORDINATOR)
    indicators = {}
    for indicator in Indicator.objects.filter(organisation__isnull=True) | Indicator.objects.filter(
        organisation_id__in=organisation_ids
    ):
        names = HEADERS.get(indicator.key, ()) if indicator.organisation_id is None else ()
        for alias in (*names, indicator.key, imports.fold(indicator.name)):
            indicators[alias] = indicator
    return indicators


def _columns(sheet_header: list[str], indicators: dict[str, Indicator]):
    """The unit column, the month column and the indicator columns of a header."""
    problems: list[Problem] = []
    header = [imports.fold(h) for h in sheet_header]
    columns: dict[int, Indicator] = {}
    unit_col = month_col = None
    for index, (raw, folded) in enumerate(zip(sheet_header, header, strict=True)):
        if folded in UNIT_COLUMNS:
            unit_col = index
        elif folded in MONTH_COLUMNS:
            month_col = index
        elif folded in indicators:
            if indicators[folded] in columns.values():
                problems.append(Problem(1, raw, _("The column appears twice.")))
            columns[index] = indicators[folded]
        elif folded:
            problems.append(
                Problem(
                    1,
                    raw,
                    _("Unknown column. Use the names in the template, or add the indicator first."),
                )
            )
    if unit_col is None:
        problems.append(Problem(1, "enhet", _("The column is missing.")))
    if month_col is None:
        problems.append(Problem(1, "månad", _("The column is missing.")))
    if not columns:
        problems.append(Problem(1, "-", _("No indicator columns.")))
    if problems:
        raise ImportFailed(problems)
    assert unit_col is not None and month_col is not None
    return unit_col, month_col, columns


@dataclass
class _Checked:
    """The checked rows, kept compact while the rest of the file is read: a unit id and
    a month (its ordinal) per row, and per indicator column the value in hundredths
    (NO_VALUE for an empty cell). 100,000 rows of nine indicators take about 9 MB."""

    units: array
    months: array
    values: list[array]


def _check_rows(sheet, units, unit_col, month_col, columns, problems, progress, total):
    """Check every row (line and column of each problem), keeping only compact values."""
    by_name = {imports.fold(u.name): u for u in units.values()}
    by_name.update({u.code: u for u in units.values()})
    width = len(sheet.header)
    indicators = list(columns.items())
    checked = _Checked(array("q"), array("q"), [array("q") for _c in indicators])
    unit_of: dict[str, Unit | None] = {}
    month_of: dict[object, tuple[date | None, str | None]] = {}
    seen: dict[int, int] = {}  # unit id × 1,000,000 + month ordinal → line
    unit_header, month_header = sheet.header[unit_col], sheet.header[month_col]
    count = 0
    for line, cells in sheet.rows:
        count += 1
        if count % 5_000 == 0:
            progress(
                80 * count // max(total, count, 1),
                _("Row %(n)s of %(total)s checked")
                % {"n": imports.grouped(count), "total": imports.grouped(max(total, count))},
            )
        if len(cells) < width:
            cells = cells + [None] * (width - len(cells))
        unit_name = str(cells[unit_col] or "").strip()
        if unit_name not in unit_of:
            unit_of[unit_name] = by_name.get(imports.fold(unit_name)) or by_name.get(unit_name)
        unit = unit_of[unit_name]
        if unit is None:
            problems.add(
                Problem(
                    line,
                    unit_header,
                    _("Unknown unit %(name)s: use the name of one of your own units.")
                    % {"name": unit_name or "–"},
                )
            )
        raw_month = cells[month_col]
        try:
            month, problem = month_of[raw_month]
        except KeyError:
            month = imports.parse_month(raw_month)
            problem = month_problem(month)
            month_of[raw_month] = month, problem
        except TypeError:  # a value that cannot be a key
            month = imports.parse_month(raw_month)
            problem = month_problem(month)
        if problem:
            problems.add(Problem(line, month_header, problem))
            month = None
        if unit is not None and month is not None:
            key = unit.pk * 1_000_000 + month.toordinal()
            if key in seen:
                problems.add(
                    Problem(
                        line,
                        month_header,
                        _("The same unit and month as on line %(line)s.") % {"line": seen[key]},
                    )
                )
            else:
                seen[key] = line
        row = []
        for index, indicator in indicators:
            try:
                number = imports.parse_number(cells[index])
            except ValueError:
                problems.add(
                    Problem(
                        line,
                        sheet.header[index],
                        _("%(value)s is not a number.") % {"value": str(cells[index])[:40]},
                    )
                )
                row.append(NO_VALUE)
                continue
            if number is None:
                row.append(NO_VALUE)
                continue
            problem = _check_value(indicator, number)
            if problem:
                problems.add(Problem(line, sheet.header[index], problem))
                row.append(NO_VALUE)
            else:
                row.append(int(number.quantize(CENTS) * 100))
        if problems.total or unit is None or month is None:
            continue  # nothing will be saved: keep nothing more
        checked.units.append(unit.pk)
        checked.months.append(month.toordinal())
        for column, value in zip(checked.values, row, strict=True):
            column.append(value)
    return checked, count


@dataclass
class CheckedFile:
    """A file whose every row has passed (import_check), ready to be saved."""

    name: str
    rows: int
    indicator_ids: list[int]
    checked: _Checked


def import_check(
    *,
    scope: Scope,
    name: str,
    data: bytes | IO[bytes],
    progress: Callable[[int, str], None] = _no_progress,
) -> CheckedFile:
    """Read and check every row of a wide file (bytes or the upload itself), as a
    stream: one row per unit and month, one column per indicator. ImportFailed with the
    first problems (line and column) and their count; nothing is written here.
    `progress(percent, words)` is told how far it is (the background job shows it)."""
    _may_import(scope, data)
    total = imports.estimate_rows(name, data) or 0
    units = {u.pk: u for u in selectors.writable_units(scope=scope)}
    indicators = _indicator_aliases(scope)
    problems = _Problems()
    with imports.stream(name, data) as sheet:
        unit_col, month_col, columns = _columns(sheet.header, indicators)
        checked, rows = _check_rows(
            sheet, units, unit_col, month_col, columns, problems, progress, total
        )
    problems.raise_any()
    return CheckedFile(name, rows, [i.pk for i in columns.values()], checked)


@use_case
def import_save(
    *,
    scope: Scope,
    actor,
    file: CheckedFile,
    progress: Callable[[int, str], None] = _no_progress,
) -> Outcome:
    """Save a checked file in batches of BATCH_ROWS rows, all or nothing (one
    transaction). Importing the same file again changes nothing."""
    if not scope.has_role(Role.PROGRAMME_COORDINATOR):
        raise PermissionDenied
    checked = file.checked
    unit_ids = set(checked.units)
    writable = set(selectors.writable_units(scope=scope).values_list("pk", flat=True))
    if not unit_ids <= writable:
        raise PermissionDenied  # a unit left the actor's scope since the check
    outcome = Outcome(rows=file.rows)
    _lock_units(unit_ids)
    batch: list[tuple[int, date, int, Decimal]] = []
    count = len(checked.units)
    for row, (unit_id, ordinal) in enumerate(zip(checked.units, checked.months, strict=True)):
        month = date.fromordinal(ordinal)
        for indicator_id, column in zip(file.indicator_ids, checked.values, strict=True):
            cents = column[row]
            if cents != NO_VALUE:
                batch.append((unit_id, month, indicator_id, Decimal(cents).scaleb(-2)))
        if (row + 1) % BATCH_ROWS == 0:
            _write(actor, batch, outcome)
            batch = []
            progress(
                80 + 19 * (row + 1) // count,
                _("Row %(n)s of %(total)s saved")
                % {"n": imports.grouped(row + 1), "total": imports.grouped(count)},
            )
    _write(actor, batch, outcome)
    audit.record(
        actor=actor,
        action=actions.IMPORTED,
        file=_file_label(file.name),
        rows=outcome.rows,
        new=outcome.new,
        changed=outcome.changed,
    )
    return outcome


@use_case
def import_file(*, scope: Scope, actor, name: str, data: bytes | IO[bytes]) -> Outcome:
    """Check every row of a file (import_check), then save it (import_save), in one
    transaction: nothing is saved if any row fails."""
    return import_save(
        scope=scope, actor=actor, file=import_check(scope=scope, name=name, data=data)
    )


# An import of more rows than this runs as a background job (jobs.py), not in the request.
BACKGROUND_ROWS = 5_000
BACKGROUND_BYTES = 1_000_000  # when the rows cannot be told without reading the cells
IMPORT_JOB = "outcomes.import"


def import_in_background(name: str, data: bytes | IO[bytes]) -> bool:
    """Whether a file is large enough to be imported by a background job."""
    rows = imports.estimate_rows(name, data)
    if rows is None:
        return _size(data) > BACKGROUND_BYTES
    return rows > BACKGROUND_ROWS


def _read_all(data: bytes | IO[bytes]) -> bytes:
    if isinstance(data, bytes | bytearray):
        return bytes(data)
    data.seek(0)
    found = data.read()
    data.seek(0)
    return found


def _may_import(scope: Scope, data: bytes | IO[bytes]) -> None:
    """Only a programme coordinator imports, and no file above the size limit is read."""
    if not scope.has_role(Role.PROGRAMME_COORDINATOR):
        raise PermissionDenied
    limit = settings.OUTCOMES_MAX_IMPORT_BYTES
    if _size(data) > limit:
        raise ImportFailed(
            [
                Problem(
                    1,
                    "-",
                    _("The file is larger than %(mb)s MB. Split it by year or by unit.")
                    % {"mb": limit // 1_000_000},
                )
            ]
        )


@use_case
def import_start(*, scope: Scope, actor, name: str, data: bytes | IO[bytes]) -> Job:
    """Keep the upload (ImportUpload) and start the background job that checks and
    saves it (jobs.import_values); the owner follows it on the job's page."""
    _may_import(scope, data)
    imports.precheck(name, data)
    label = _file_label(name)
    kept = (
        label
        if label != NAME_LEFT_OUT
        else "fil" + ("" if "." not in name else "." + name.rsplit(".", 1)[1][:10])
    )
    upload = ImportUpload.objects.create(owner=actor, name=kept, data=_read_all(data))
    audit.record(actor=actor, action=actions.IMPORT_STARTED, file=label, upload=upload.pk)
    title = (
        _("Import of %(file)s") % {"file": label}
        if label != NAME_LEFT_OUT
        else _("Import of indicator figures")
    )
    return job_start(
        actor=actor,
        kind=IMPORT_JOB,
        title=title,
        params={"upload": upload.pk},
        back_url=reverse("outcomes:index"),
    )


@use_case
def import_upload_discard(*, upload_id: int, owner_id: int) -> None:
    """The uploaded file of a background import, deleted when its job ends."""
    found = ImportUpload.objects.filter(pk=upload_id, owner_id=owner_id)
    if found.exists():  # a DELETE of nothing would still count as a change
        found.delete()
        audit.record(actor=None, action=actions.IMPORT_UPLOAD_DISCARDED, upload=upload_id)


@use_case
def import_uploads_purge(*, now: datetime | None = None) -> dict[str, int]:
    """The retention purge of uploads: a file older than any import job can wait and run
    (its job failed, or the worker was never started) is deleted. Twice changes nothing."""
    now = now or timezone.now()
    oldest = now - timedelta(
        hours=settings.JOBS_QUEUED_LIMIT_HOURS, minutes=settings.JOBS_RUNNING_LIMIT_MINUTES
    )
    found = ImportUpload.objects.filter(created_at__lt=oldest)
    if not found.exists():  # a DELETE of nothing would still count as a change
        return {"import_uploads_deleted": 0}
    deleted, _by_model = found.delete()
    audit.record(actor=None, action=actions.IMPORT_UPLOAD_DISCARDED, purged=deleted)
    return {"import_uploads_deleted": deleted}


REGIONAL_PDF_JOB = "outcomes.regional_pdf"


@use_case
def regional_pdf_start(
    *,
    scope: Scope,
    actor,
    units: list[Unit],
    comparison: list[Unit],
    indicator: Indicator,
    harmonics: int,
    slope_change: bool,
) -> Job:
    """Start the background job that builds the regional PDF (jobs.regional_pdf): one
    report per count indicator. The view has checked the units against the actor's
    scope; the job checks again."""
    readable = set(scope.unit_ids(*selectors.READERS))
    if not units or not {u.pk for u in [*units, *comparison]} <= readable:
        raise PermissionDenied
    audit.record(
        actor=actor,
        action=actions.REGIONAL_PDF_STARTED,
        organisation=units[0].organisation,
        indicator=indicator.key,
        units=[u.code for u in units],
    )
    return job_start(
        actor=actor,
        kind=REGIONAL_PDF_JOB,
        title=_("Regional report: %(indicator)s and the other indicators")
        % {"indicator": indicator},
        organisation=units[0].organisation,
        params={
            "units": [u.pk for u in units],
            "comparison": [u.pk for u in comparison],
            "indicator": indicator.pk,
            "harmonics": harmonics,
            "slope_change": slope_change,
        },
        back_url=reverse("outcomes:analysis"),
    )


def _size(data: bytes | IO[bytes]) -> int:
    if isinstance(data, bytes | bytearray):
        return len(data)
    size = data.seek(0, io.SEEK_END)
    data.seek(0)
    return size


# ---------------------------------------------------------------- periods


def _months(starts_on: date, ends_on: date | None) -> dict[str, str]:
    """A period's months, as the audit log keeps them."""
    return {"starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat() if ends_on else ""}


@use_case
def period_set(
    *,
    scope: Scope,
    actor,
    unit: Unit,
    starts_on: date,
    ends_on: date | None,
    once: str = "",
) -> PeerSupportPeriod:
    """When peer support ran on a unit. The same form sent twice (`once`) saves the
    period once and returns it."""
    _require_unit(scope, unit)
    found = _sent_before(PeerSupportPeriod, once, PERIOD_ONCE)
    if found is not None:
        _repeated(actor, actions.PERIOD_SET, unit, unit.organisation)
        return found
    starts_on = first_of_month(starts_on)
    ends_on = first_of_month(ends_on) if ends_on else None
    for field, month in (("starts_on", starts_on), ("ends_on", ends_on)):
        if month is not None and not dates.in_range(month):
            raise ValidationError(
                {
                    field: _("Give a month from %(first)s to %(last)s.")
                    % {"first": f"{dates.FIRST_YEAR}-01", "last": f"{dates.LAST_YEAR}-12"}
                }
            )
    if ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The last month comes before the first.")})
    if PeerSupportPeriod.objects.filter(overlaps(starts_on, ends_on), unit=unit).exists():
        raise ValidationError(
            {"starts_on": _("The unit already has peer support in part of this period.")}
        )
    if ComparisonUnit.objects.filter(unit=unit).exists():
        raise ValidationError(
            {"starts_on": _("The unit is a comparison unit without peer support.")}
        )
    period = PeerSupportPeriod(unit=unit, starts_on=starts_on, ends_on=ends_on)
    period.full_clean()
    period.save()
    audit.record(
        actor=actor,
        action=actions.PERIOD_SET,
        obj=unit,
        organisation=unit.organisation,
        **_months(starts_on, ends_on),
    )
    idempotency.remember(once, purpose=PERIOD_ONCE, result=str(period.pk))
    return period


@use_case
def period_remove(*, scope: Scope, actor, period: PeerSupportPeriod) -> None:
    _require_unit(scope, period.unit)
    months = _months(period.starts_on, period.ends_on)
    period.delete()
    audit.record(
        actor=actor,
        action=actions.PERIOD_REMOVED,
        obj=period.unit,
        organisation=period.unit.organisation,
        **months,
    )


@use_case
def comparison_set(*, scope: Scope, actor, unit: Unit, comparison: bool) -> None:
    _require_unit(scope, unit)
    if comparison:
        if PeerSupportPeriod.objects.filter(unit=unit).exists():
            raise ValidationError(_("A unit with peer support cannot be a comparison unit."))
        ComparisonUnit.objects.get_or_create(unit=unit)
    else:
        ComparisonUnit.objects.filter(unit=unit).delete()
    audit.record(
        actor=actor,
        action=actions.COMPARISON_SET,
        obj=unit,
        organisation=unit.organisation,
        comparison=comparison,
    )
