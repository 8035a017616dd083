"""Issue 14 for outcomes: a hidden monthly count (1 to threshold-1 events) is not given
back by a group of units minus its other units, by the model's month-by-month values,
or by the before/after rate ratio's confidence interval."""

import io

import pytest
from openpyxl import load_workbook

from peerstod.accounts.scope import scope_for
from peerstod.outcomes import reports, services
from peerstod.outcomes.models import Indicator
from tests.test_outcomes import csv_file, months, run_import

N = 24


def start_both(world, start):
    coordinator = world.users["coordinator"]
    for unit in (world.unit_a1, world.unit_a2):
        services.period_set(
            scope=scope_for(coordinator),
            actor=coordinator,
            unit=unit,
            starts_on=start,
            ends_on=None,
        )


def analyse(units):
    return reports.build(
        units=units, comparison=[], indicator=Indicator.objects.get(key="restraint")
    )


@pytest.mark.django_db
def test_a_group_minus_its_other_unit_gives_no_hidden_month_back(world, settings):
    """A1 had 1 to 3 restraints a month, A2 10 to 13: before issue 14 the group showed
    e.g. 12 and A2 10, so A1's hidden 2 was 12 - 10."""
    settings.SUPPRESSION_THRESHOLD = 5
    lines = []
    for i, m in enumerate(months(N)):
        lines += [
            f"Avdelning A1;{m:%Y-%m};900;{1 + i % 3};100",
            f"Avdelning A2;{m:%Y-%m};900;{10 + i % 4};100",
        ]
    run_import(world, csv_file(lines))
    start_both(world, months(N)[12])
    alone = analyse([world.unit_a1])
    other = analyse([world.unit_a2])
    group = analyse([world.unit_a1, world.unit_a2])
    assert all(r.count.suppressed for r in alone.rows)
    assert all(not r.count.suppressed for r in other.rows)
    for row in group.rows:
        assert row.count.suppressed and row.rate is None
    # A1's twelve months before the start add up to 24, shown in its own view too.
    assert alone.before_after_cells["before"].value == 24 == sum(1 + i % 3 for i in range(12))


@pytest.mark.django_db
def test_the_models_fitted_values_would_give_a_hidden_month_back_so_they_are_not_shown(
    world, settings
):
    settings.SUPPRESSION_THRESHOLD = 5
    counts = [9 + (i * 7) % 5 for i in range(N)]
    counts[3] = 2  # one hidden month before the start
    lines = [f"Avdelning A1;{m:%Y-%m};900;{c};100" for m, c in zip(months(N), counts, strict=True)]
    run_import(world, csv_file(lines))
    coordinator = world.users["coordinator"]
    services.period_set(
        scope=scope_for(coordinator),
        actor=coordinator,
        unit=world.unit_a1,
        starts_on=months(N)[12],
        ends_on=None,
    )
    report = analyse([world.unit_a1])
    assert report.rows[3].count.suppressed
    # What the model's values would have told: the fitted counts before the start add
    # up to the observed ones, so their sum minus the shown months is the hidden one.
    fitted_before = sum(report.its.fitted[:12])
    shown_before = sum(r.count.value for r in report.rows[:12] if not r.count.suppressed)
    assert round(fitted_before - shown_before) == 2
    # So none of them is published, on the page, in the chart data or the Excel rows.
    assert report.model_hidden
    assert all(r.fitted is None and r.counterfactual is None for r in report.rows)
    assert report.its.level.estimate > 0  # the rate ratios stay


@pytest.mark.django_db
def test_the_before_after_ratio_is_not_shown_when_one_of_its_sums_is_hidden(world, settings):
    """Its confidence interval is exp(±1.96·√(1/after + 1/before)): with the estimate and
    the bed-days it gives both sums back."""
    settings.SUPPRESSION_THRESHOLD = 10
    counts = [6] * 12 + [1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1]
    lines = [f"Avdelning A1;{m:%Y-%m};900;{c};100" for m, c in zip(months(N), counts, strict=True)]
    run_import(world, csv_file(lines))
    coordinator = world.users["coordinator"]
    services.period_set(
        scope=scope_for(coordinator),
        actor=coordinator,
        unit=world.unit_a1,
        starts_on=months(N)[12],
        ends_on=None,
    )
    report = analyse([world.unit_a1])
    assert report.before_after_cells["after"].suppressed  # 8 events after
    assert report.before_after.ratio is None
    book = load_workbook(io.BytesIO(reports.workbook(report).content))
    ratios = {row[0]: row[1] for row in book["Kvoter"].iter_rows(min_row=2, values_only=True)}
    assert ratios["Före/efter"] == "–"
