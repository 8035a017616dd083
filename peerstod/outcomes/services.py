"""Every change to outcomes: indicator values entered or imported (all rows checked
first, saved together or not at all, idempotent), peer-support periods and comparison
units. Each public function is a use case (core.usecase): one transaction, one audit
row, validation before the first write."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import IO

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from peerstod.accounts.roles import Role
from peerstod.accounts.scope import Scope
from peerstod.core import audit, dates, idempotency
from peerstod.core.periods import overlaps
from peerstod.core.privacy import no_personal_data
from peerstod.core.usecase import use_case
from peerstod.orgs.models import Organisation, Unit
from peerstod.outcomes import actions, imports, selectors
from peerstod.outcomes.imports import ImportFailed, Problem
from peerstod.outcomes.models import (
    BUILTIN_MEASURE,
    FIRST_MONTH,
    HEADERS,
    Builtin,
    ComparisonUnit,
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


def _save(actor, values: dict[tuple[int, date, int], Decimal]) -> Outcome:
    """Create and update the checked values; only ever called from a use case, which
    is the transaction. The units' rows are locked first, so two imports of the same
    unit-months at once run one after the other instead of colliding on insert."""
    outcome = Outcome()
    unit_ids = sorted({k[0] for k in values})
    list(Unit.objects.select_for_update().filter(pk__in=unit_ids).order_by("pk").values("pk"))
    existing = {
        (v.unit_id, v.month, v.indicator_id): v
        for v in IndicatorValue.objects.filter(
            unit_id__in=unit_ids, month__in={k[1] for k in values}
        )
    }
    create, update = [], []
    for (unit_id, month, indicator_id), number in values.items():
        found = existing.get((unit_id, month, indicator_id))
        if found is None:
            create.append(
                IndicatorValue(
                    unit_id=unit_id,
                    month=month,
                    indicator_id=indicator_id,
                    value=number,
                    entered_by=actor,
                )
            )
        elif found.value != number:
            found.value, found.entered_by = number, actor
            update.append(found)
        else:
            outcome.unchanged += 1
    IndicatorValue.objects.bulk_create(create, batch_size=1000)
    IndicatorValue.objects.bulk_update(update, ["value", "entered_by"], batch_size=1000)
    outcome.new, outcome.changed = len(create), len(update)
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


@use_case
def import_file(*, scope: Scope, actor, name: str, data: bytes | IO[bytes]) -> Outcome:
    """Import a wide file (bytes or the upload itself): one row per unit and month, one
    column per indicator. Every row is checked first; nothing is saved if any row fails
    (ImportFailed with every problem). Importing the same file again changes nothing."""
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
    sheet = imports.read(name, data)
    units = {u.pk: u for u in selectors.writable_units(scope=scope)}
    by_name = {imports.fold(u.name): u for u in units.values()}
    by_name.update({u.code: u for u in units.values()})
    organisation_ids = scope.organisation_ids(Role.PROGRAMME_COORDINATOR)
    indicators = {}
    for indicator in Indicator.objects.filter(organisation__isnull=True) | Indicator.objects.filter(
        organisation_id__in=organisation_ids
    ):
        names = HEADERS.get(indicator.key, ()) if indicator.organisation_id is None else ()
        for alias in (*names, indicator.key, imports.fold(indicator.name)):
            indicators[alias] = indicator

    problems: list[Problem] = []
    header = [imports.fold(h) for h in sheet.header]
    columns: dict[int, Indicator] = {}
    unit_col = month_col = None
    for index, (raw, folded) in enumerate(zip(sheet.header, header, strict=True)):
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

    seen: dict[tuple[int, date], int] = {}
    values: dict[tuple[int, date, int], Decimal] = {}
    for line, cells in sheet.rows:
        cells = cells + [None] * (len(header) - len(cells))
        unit_name = str(cells[unit_col] or "").strip()
        unit = by_name.get(imports.fold(unit_name)) or by_name.get(unit_name)
        if unit is None:
            problems.append(
                Problem(
                    line,
                    sheet.header[unit_col],
                    _("Unknown unit %(name)s: use the name of one of your own units.")
                    % {"name": unit_name or "–"},
                )
            )
        month = imports.parse_month(cells[month_col])
        problem = month_problem(month)
        if problem:
            problems.append(Problem(line, sheet.header[month_col], problem))
            month = None
        if unit is not None and month is not None:
            if (unit.pk, month) in seen:
                problems.append(
                    Problem(
                        line,
                        sheet.header[month_col],
                        _("The same unit and month as on line %(line)s.")
                        % {"line": seen[(unit.pk, month)]},
                    )
                )
            seen.setdefault((unit.pk, month), line)
        for index, indicator in columns.items():
            try:
                number = imports.parse_number(cells[index])
            except ValueError:
                problems.append(
                    Problem(
                        line,
                        sheet.header[index],
                        _("%(value)s is not a number.") % {"value": str(cells[index])[:40]},
                    )
                )
                continue
            if number is None:
                continue
            problem = _check_value(indicator, number)
            if problem:
                problems.append(Problem(line, sheet.header[index], problem))
            elif unit is not None and month is not None:
                values[(unit.pk, month, indicator.pk)] = number
    if problems:
        raise ImportFailed(problems)
    outcome = _save(actor, values)
    outcome.rows = len(sheet.rows)
    audit.record(
        actor=actor,
        action=actions.IMPORTED,
        file=_file_label(name),
        rows=outcome.rows,
        new=outcome.new,
        changed=outcome.changed,
    )
    return outcome


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
