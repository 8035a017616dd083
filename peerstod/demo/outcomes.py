"""Demo for journey 6 (Region Halland): peer support on forensic unit 21 from month 19 of
36, unit 20 as the comparison, and the 36 months of figures for both units (the example
Excel file, `outcomes.examples.workbook_bytes`), all set by the region's coordinator
through the services, as in the journey. The journey's import can still be tried: the
same file again changes nothing."""

from __future__ import annotations

from datetime import date

from peerstod.accounts.models import User
from peerstod.accounts.scope import scope_for
from peerstod.orgs.models import Unit
from peerstod.outcomes import examples, selectors, services

COORDINATOR = "coordinator@example.org"


def load(*, unit_20: Unit, unit_21: Unit, today: date) -> None:
    """Idempotent: each setting is looked up first and made only when missing; the
    figures are imported only when some of the example's values are not stored yet (an
    import of the same file changes no value, but it would leave one more audit row)."""
    coordinator = User.objects.get(email=COORDINATOR)
    scope = scope_for(coordinator, today)
    if not selectors.periods(unit_ids=[unit_21.pk]).exists():
        services.period_set(
            scope=scope,
            actor=coordinator,
            unit=unit_21,
            starts_on=examples.start_month(today),
            ends_on=None,
        )
    if unit_20.pk not in selectors.comparison_ids(unit_ids=[unit_20.pk]):
        services.comparison_set(scope=scope, actor=coordinator, unit=unit_20, comparison=True)
    months = examples.months(today)
    expected = len(examples.rows(today)) * (len(examples.HEADER) - 2)
    stored = selectors.values_count(
        unit_ids=[unit_20.pk, unit_21.pk], first=months[0], last=months[-1]
    )
    if stored < expected:
        services.import_file(
            scope=scope,
            actor=coordinator,
            name=examples.EXAMPLE_FILENAME,
            data=examples.workbook_bytes(today),
        )
