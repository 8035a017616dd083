"""One headline per analysis (analysis.summarise): which estimate is trusted – the
interrupted time series when there are enough months before and after, else before/after
with its confidence interval, else none – one sentence on why, and the other estimates
as detail that never says a change happened or did not. Then the analysis page as a
query (GET, defaults, "Rätta fälten") and the start-page sections on figures due."""

import itertools
from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from peerstod.accounts.scope import scope_for
from peerstod.outcomes import analysis, selectors, services
from peerstod.outcomes.its import RateRatio
from tests.test_outcomes import csv_file, months, run_import, synthetic

RATIOS = {
    "fall": RateRatio(0.6, 0.45, 0.8),
    "rise": RateRatio(1.5, 1.2, 1.9),
    "unclear": RateRatio(0.9, 0.6, 1.3),
    None: None,
}
# What only a headline may say: that something changed, or that we cannot say so.
VERDICTS = {
    "sv": ("minskade", "ökade", "Vi kan inte säga", "för kort", "för få händelser"),
    "en": ("fell by", "rose by", "We cannot say", "too short", "too few events"),
}
COMBINATIONS = list(
    itertools.product(RATIOS, RATIOS, RATIOS, [(18, 18), (6, 6), (8, 3), (0, 12)], ["sv", "en"])
)


def summary_of(its, before_after, did, months_each, language="sv"):
    before, after = months_each
    with translation.override(language):
        return analysis.summarise(
            indicator="Bältesläggningar",
            # The report fits the time series only with enough months on each side.
            its_level=RATIOS[its] if min(before, after) >= 8 else None,
            before_after=RATIOS[before_after] if before and after else None,
            did=RATIOS[did] if min(before, after) >= 8 else None,
            comparison="Avdelning A2",
            months_before=before,
            months_after=after,
        )


@pytest.mark.parametrize("its,before_after,did,months_each,language", COMBINATIONS)
def test_every_combination_has_exactly_one_verdict_and_it_is_in_the_headline(
    its, before_after, did, months_each, language
):
    summary = summary_of(its, before_after, did, months_each, language)
    verdicts = VERDICTS[language]
    assert summary.headline and isinstance(summary.headline, str)
    assert sum(v in summary.headline for v in verdicts) == 1, summary.headline
    for line in (summary.basis, *summary.details):
        assert not any(v in line for v in verdicts), line


@pytest.mark.parametrize("its,before_after,did,months_each,language", COMBINATIONS)
def test_the_headline_rests_on_the_time_series_else_before_after_else_nothing(
    its, before_after, did, months_each, language
):
    summary = summary_of(its, before_after, did, months_each, language)
    long_enough = min(months_each) >= 8
    if long_enough and its is not None:
        assert summary.method == analysis.ITS
        assert summary.direction == analysis.direction(RATIOS[its])
    elif all(months_each) and before_after is not None:
        assert summary.method == analysis.BEFORE_AFTER
        assert summary.direction == analysis.direction(RATIOS[before_after])
    else:
        assert summary.method == analysis.NONE and summary.details == []
    assert bool(summary.basis) == (summary.method != analysis.NONE)


@pytest.mark.parametrize("its,before_after,did", list(itertools.product(RATIOS, RATIOS, RATIOS)))
def test_a_secondary_estimate_says_it_agrees_only_when_it_points_the_same_way(
    its, before_after, did
):
    summary = summary_of(its, before_after, did, (18, 18))
    if its is None:
        return  # the before/after headline has no secondary estimates at 18 + 18 here
    details = {"ba": summary.details[0] if before_after else None}
    details["did"] = summary.details[-1] if did else None
    for key, name in (("ba", before_after), ("did", did)):
        if name is None:
            continue
        same = name == its
        assert ("pekar åt samma håll" in details[key]) == (same and its != "unclear")
        assert ("också osäker" in details[key]) == (same and its == "unclear")
        assert ("väger lättare" in details[key]) == (not same)


def test_the_headline_contradiction_from_the_issue_cannot_happen():
    """Issue 18: the box said both "Vi kan inte säga att … förändrades" and "minskade med
    39 procent". An uncertain time series with a clear fall in the comparison now gives
    one uncertain headline and the comparison as a number that weighs less."""
    summary = summary_of("unclear", "fall", "fall", (18, 18))
    text = " ".join(summary.sentences)
    assert "Vi kan inte säga" in summary.headline
    assert "minskade" not in text
    assert "väger lättare" in summary.details[-1] and "0,60" in summary.details[-1]


def test_a_detail_gives_the_rate_ratio_with_a_decimal_comma_in_swedish():
    summary = summary_of("fall", "fall", None, (18, 18))
    assert "kvoten 0,60 (95 % KI 0,45–0,80)" in summary.details[0]


# ---------------------------------------------------------------- the page


@pytest.mark.django_db
def test_the_analysis_opens_on_the_first_unit_with_figures_and_runs_without_a_save_error(
    world, login
):
    synthetic(world)
    page = login(world.users["coordinator"]).get(reverse("outcomes:analysis"))
    text = page.content.decode()
    assert page.status_code == 200
    assert page.context["form"]["units"].value() == [world.unit_a1.code]
    assert page.context["form"]["comparison"].value() == [world.unit_a2.code]
    report = page.context["report"]
    assert report is not None and report.summary.method == analysis.ITS
    assert text.count('class="lead headline"') == 1
    assert "Inget sparades" not in text and "error-summary" not in text
    # The downloads carry the defaults: a link that gives the same analysis again.
    assert f"?units={world.unit_a1.code}&amp;indicator=restraint" in text


@pytest.mark.django_db
def test_the_defaults_prefer_a_unit_with_peer_support_over_the_first_by_name(world, login):
    lines = [
        f"{unit.name};{m:%Y-%m};900;{10 + i % 3};100"
        for i, m in enumerate(months(24))
        for unit in (world.unit_a1, world.unit_a2)
    ]
    run_import(world, csv_file(lines))
    coordinator = world.users["coordinator"]
    services.period_set(
        scope=scope_for(coordinator),
        actor=coordinator,
        unit=world.unit_a2,
        starts_on=months(24)[12],
        ends_on=None,
    )
    page = login(coordinator).get(reverse("outcomes:analysis"))
    assert page.context["form"]["units"].value() == [world.unit_a2.code]


@pytest.mark.django_db
def test_a_query_with_no_unit_says_correct_the_fields_never_nothing_was_saved(world, login):
    synthetic(world)
    page = login(world.users["coordinator"]).get(
        reverse("outcomes:analysis"), {"indicator": "restraint", "harmonics": "0"}
    )
    text = page.content.decode()
    assert page.status_code == 200 and page.context["report"] is None
    assert "Rätta fälten som är markerade nedan för att göra analysen" in text
    assert "Inget sparades" not in text


@pytest.mark.django_db
def test_without_figures_the_analysis_says_so_and_shows_no_errors(world, login):
    page = login(world.users["coordinator"]).get(reverse("outcomes:analysis"))
    text = page.content.decode()
    assert page.context["report"] is None and not page.context["form"].errors
    assert "Ingen av dina enheter har månadssiffror ännu" in text
    assert reverse("outcomes:import") in text
    evaluator = login(world.users["evaluator"]).get(reverse("outcomes:analysis"))
    assert reverse("outcomes:import") not in evaluator.content.decode()


@pytest.mark.django_db
def test_a_unit_manager_gets_their_own_unit_preselected(world, login):
    synthetic(world)
    page = login(world.users["manager"]).get(reverse("outcomes:analysis"))
    assert page.context["form"]["units"].value() == [world.unit_a1.code]
    assert page.context["report"].units == [world.unit_a1]


@pytest.mark.django_db
def test_the_entry_form_starts_on_the_unit_and_month_a_link_names(world, login):
    client = login(world.users["coordinator"])
    page = client.get(reverse("outcomes:entry"), {"unit": world.unit_a2.code, "month": "2025-10"})
    assert page.context["form"]["unit"].value() == world.unit_a2.code
    assert page.context["form"]["month"].value() == "2025-10"
    other = client.get(reverse("outcomes:entry"), {"unit": world.unit_b1.code, "month": "x"})
    assert other.context["form"]["unit"].value() is None
    assert other.context["form"]["month"].value() is None


# ---------------------------------------------------------------- figures due


@pytest.mark.parametrize(
    "day,due",
    [
        (date(2026, 12, 14), date(2026, 10, 1)),
        (date(2026, 12, 15), date(2026, 11, 1)),
        (date(2026, 1, 3), date(2025, 11, 1)),
        (date(2026, 2, 20), date(2026, 1, 1)),
    ],
)
def test_a_months_figures_are_due_on_the_15th_of_the_next_month(day, due):
    assert selectors.due_month(day) == due


def _home(client):
    return client.get(reverse("home:dashboard")).content.decode()


@pytest.mark.django_db
def test_the_coordinator_is_led_to_enter_each_overdue_month(world, login):
    synthetic(world, n=12, start_index=6)  # 2022-01 to 2022-12: everything since is overdue
    coordinator = world.users["coordinator"]
    rows = selectors.reporting(
        scope=scope_for(coordinator), role="programme_coordinator", day=date.today()
    )
    due = selectors.due_month(date.today())
    a1 = next(r for r in rows if r.unit == world.unit_a1)
    assert a1.last == date(2022, 12, 1) and a1.missing[0] == date(2023, 1, 1)
    assert a1.missing[-1] == due
    text = _home(login(coordinator))
    link = f"{reverse('outcomes:entry')}?unit={world.unit_a1.code}&amp;month={due:%Y-%m}"
    assert link in text
    assert f"siffror för {len(a1.missing)} månader saknas" in text


@pytest.mark.django_db
def test_when_every_figure_is_in_the_section_says_up_to_which_month(world, login):
    due = selectors.due_month(date.today())
    lines = [f"Avdelning A1;{due:%Y-%m};900;4;100"]
    run_import(world, csv_file(lines))
    text = _home(login(world.users["coordinator"]))
    assert "Siffrorna finns till och med" in text and "saknas" not in text
    assert reverse("outcomes:analysis") in text


@pytest.mark.django_db
def test_without_figures_the_coordinator_is_asked_to_import_and_the_evaluator_told_so(world, login):
    text = _home(login(world.users["coordinator"]))
    assert reverse("outcomes:import") in text
    evaluator = _home(login(world.users["evaluator"]))
    assert "Ingen av enheterna du följer rapporterar månadssiffror ännu" in evaluator
    assert reverse("outcomes:import") not in evaluator
    assert reverse("outcomes:analysis") not in evaluator


@pytest.mark.django_db
def test_a_unit_manager_sees_what_is_overdue_but_no_link_they_may_not_follow(world, login):
    synthetic(world, n=12, start_index=6)
    text = _home(login(world.users["manager"]))
    assert "Avdelning A1: siffror för" in text
    assert "Avdelning A2" not in text  # not the manager's unit
    assert reverse("outcomes:entry") not in text
    assert "Programsamordnaren registrerar eller importerar siffrorna" in text


@pytest.mark.django_db
def test_the_evaluator_sees_every_unit_of_the_organisation_and_the_analysis(world, login):
    synthetic(world, n=12, start_index=6)
    text = _home(login(world.users["evaluator"]))
    assert "Avdelning A1: siffror för" in text and "Avdelning A2: siffror för" in text
    assert reverse("outcomes:analysis") in text and reverse("outcomes:entry") not in text
