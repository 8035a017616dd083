"""Charts are drawn once per data version: the same inputs again cost no matplotlib
work; any change of data, words, language or colours draws anew."""

import datetime

import pytest
from django.core.cache import caches
from django.utils import translation
from django.utils.translation import gettext_lazy

from peerstod.core import charts


@pytest.fixture
def drawings(monkeypatch):
    """How many SVGs matplotlib has written since the test began (a fresh cache)."""
    caches["charts"].clear()
    count = []
    real = charts._svg

    def counted(figure, **options):
        count.append(1)
        return real(figure, **options)

    monkeypatch.setattr(charts, "_svg", counted)
    yield count
    caches["charts"].clear()


def test_the_same_bars_twice_are_drawn_once_and_give_the_same_svg(drawings):
    first = charts.horizontal_bars(["Avd 1", "Avd 2"], [3, 7], title="Samtal")
    again = charts.horizontal_bars(["Avd 1", "Avd 2"], [3, 7], title="Samtal")
    assert len(drawings) == 1
    assert first == again and first.startswith("<svg")


@pytest.mark.parametrize(
    "other",
    [
        {"labels": ["Avd 1", "Avd 2"], "values": [3, 8], "title": "Samtal"},
        {"labels": ["Avd 1", "Avd 3"], "values": [3, 7], "title": "Samtal"},
        {"labels": ["Avd 1", "Avd 2"], "values": [3, 7], "title": "Forum"},
        {"labels": ["Avd 1", "Avd 2"], "values": [3, None], "title": "Samtal"},
    ],
)
def test_other_data_labels_title_or_a_hidden_value_draw_a_new_chart(drawings, other):
    charts.horizontal_bars(["Avd 1", "Avd 2"], [3, 7], title="Samtal")
    charts.horizontal_bars(other["labels"], other["values"], title=other["title"])
    assert len(drawings) == 2


def test_another_language_draws_a_new_chart_with_its_own_numbers(drawings):
    with translation.override("sv"):
        swedish = charts.horizontal_bars(["A"], [12500])
    with translation.override("en"):
        english = charts.horizontal_bars(["A"], [12500])
    with translation.override("sv"):
        swedish_again = charts.horizontal_bars(["A"], [12500])
    assert len(drawings) == 2
    assert swedish == swedish_again and swedish != english


def test_other_design_tokens_or_chart_code_draw_a_new_chart(drawings, monkeypatch):
    charts.grouped_bars(["jan", "feb"], {"Samtal": [1, 2]})
    monkeypatch.setitem(charts.TOKENS, "ok", "#000000")
    charts.grouped_bars(["jan", "feb"], {"Samtal": [1, 2]})
    monkeypatch.setattr(charts, "CHART_CODE_VERSION", "test")
    charts.grouped_bars(["jan", "feb"], {"Samtal": [1, 2]})
    charts.grouped_bars(["jan", "feb"], {"Samtal": [1, 2]})
    assert len(drawings) == 3


def test_every_public_chart_is_cached_with_lazy_words_and_dates_in_its_inputs(drawings):
    months = [datetime.date(2024, m, 1) for m in range(1, 7)]
    series = dict(
        observed=[1.0, 2.0, 1.5, 1.0, 0.5, 0.7],
        fitted=[1.2, 1.4, 1.5, 0.9, 0.8, 0.7],
        counterfactual=[None, None, None, 1.6, 1.7, 1.8],
        comparison=None,
        start=months[3],
        labels={
            k: "Observerat" for k in
            ("observed", "fitted", "counterfactual", "comparison", "start", "y")
        },
    )  # fmt: skip
    for _ in range(2):
        charts.horizontal_bars([gettext_lazy("Observed")], [1])
        charts.grouped_bars(["a"], {gettext_lazy("Observed"): [1]})
        charts.stacked_shares(["Fråga 1"], [[40.0, 60.0]], ["Ja", "Nej"])
        charts.time_series(months, **series)
    assert len(drawings) == 4


def test_the_key_holds_every_input_and_the_language():
    with translation.override("sv"):
        base = charts.cache_key("horizontal_bars", (["A"], [1]), {"title": "t"})
        assert base == charts.cache_key("horizontal_bars", (["A"], [1]), {"title": "t"})
        assert base != charts.cache_key("horizontal_bars", (["A"], [1]), {"title": "u"})
        assert base != charts.cache_key("grouped_bars", (["A"], [1]), {"title": "t"})
        assert base != charts.cache_key("horizontal_bars", (["A"], [1.0001]), {"title": "t"})
    with translation.override("en"):
        assert base != charts.cache_key("horizontal_bars", (["A"], [1]), {"title": "t"})


def test_a_cache_that_does_not_answer_still_gives_the_chart(drawings, monkeypatch):
    class Down:
        def get(self, key):
            raise ConnectionError("cache down")

        def set(self, *args, **kwargs):
            raise ConnectionError("cache down")

    monkeypatch.setattr(charts, "caches", {"charts": Down()})
    svg = charts.horizontal_bars(["A"], [1])
    assert svg.startswith("<svg") and len(drawings) == 1


def test_a_drawn_chart_is_kept_for_a_day_in_a_bounded_cache(settings):
    assert charts.CACHE_SECONDS == 24 * 3600
    chart_cache = settings.CACHES["charts"]
    assert chart_cache["TIMEOUT"] == 24 * 3600
    assert chart_cache.get("OPTIONS", {}).get("MAX_ENTRIES", 300) <= 1000
