"""Charts (core.charts) on a phone and in Swedish: a page shows a chart at most at its own
width, so on a 360 px phone every chart is shrunk to the column (about 328 px); its
smallest text must stay legible there. Numbers on the axes and the bars are written as
the tables write them, with a decimal comma in Swedish."""

import html
import re
from datetime import date

import pytest
from django.utils import translation

from peerstod.core import charts

LONG_LABELS = [
    "Utanför rollen: bevakning eller säkerhet",
    "Samtal med patient",
    "Inskriven i en utbildningsomgång",
    "Aktivitet för återhämtning",
]
MONTHS = [date(2024 + (m // 12), m % 12 + 1, 1) for m in range(36)]
SERIES_LABELS = {
    "observed": "Rättspsykiatrisk avdelning 21",
    "fitted": "Modell",
    "counterfactual": "Väntat utan peer support",
    "comparison": "Rättspsykiatrisk avdelning 20",
    "start": "Peer support börjar",
    "y": "per 1 000 vårddygn",
}


def every_chart():
    return {
        "horizontal bars": charts.horizontal_bars(LONG_LABELS, [0, 3, None, 1250], title="Typ"),
        "grouped bars, six months": charts.grouped_bars(
            ["2026-07", "2026-08", "2026-09", "2026-10", "2026-11", "2026-12"],
            {
                "Timmar i peer support-rollen": [1, 2, 3, 4, 5, 6],
                "Timmar utanför rollen": [0, 1, 0, 2, 0, 1],
            },
        ),
        "grouped bars, three groups": charts.grouped_bars(
            ["50 %", "75 %", "100 %"],
            {"Certifierade, tillgängliga": [3, 4, 1], "Lediga tjänster": [2, 5, 0]},
        ),
        "stacked shares": charts.stacked_shares(
            ["Personalen lyssnade på mig och tog mig på allvar", "Jag fick vara med"],
            [[10, 20, 30, 40], [25, 25, 25, 25]],
            ["Instämmer inte alls", "Instämmer delvis", "Instämmer till stor del", "Helt"],
        ),
        "time series": charts.time_series(
            MONTHS,
            observed=[1.5 + i / 10 for i in range(36)],
            fitted=[1.5 + i / 10 for i in range(36)],
            counterfactual=[None] * 18 + [3.0] * 18,
            comparison=[2.0] * 36,
            start=MONTHS[18],
            labels=SERIES_LABELS,
        ),
    }


def smallest_text_on_phone(svg: str) -> float:
    """The height in CSS px of the chart's smallest text when the SVG is shrunk to a
    phone's 328 px column. Matplotlib writes each text with its font size in the
    viewBox's units (SVG text, `svg.fonttype` none)."""
    width = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))
    sizes = [float(s) for s in re.findall(r'<text [^>]*font-size="([\d.]+)px"', svg)]
    assert sizes, "the chart has text"
    shown = min(width, float(re.search(r'width="([\d.]+)pt"', svg).group(1)))
    assert shown == width
    return min(sizes) * charts.PHONE_COLUMN / width


def texts(svg: str) -> list[str]:
    """Every text the chart writes, as a reader sees it."""
    return [html.unescape(t) for t in re.findall(r"<text [^>]*>(.*?)</text>", svg, re.S)]


@pytest.mark.parametrize("name", list(every_chart()))
def test_the_smallest_chart_text_is_at_least_11_px_on_a_360_px_phone(name, settings):
    with translation.override("sv"):
        svg = every_chart()[name]
    assert smallest_text_on_phone(svg) >= 11, name


def test_a_chart_is_no_wider_than_it_needs_so_a_desktop_shows_it_at_its_own_size():
    for name, svg in every_chart().items():
        width = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))
        assert width <= 72 * charts.WIDTH * 1.05, name


def test_chart_numbers_have_a_decimal_comma_in_swedish_and_a_point_in_english():
    values = dict(observed=[0.5, 1.0, 1.5, 2.5], fitted=[None] * 4, counterfactual=[None] * 4)
    args = dict(comparison=None, start=None, labels=SERIES_LABELS)
    with translation.override("sv"):
        swedish = texts(charts.time_series(MONTHS[:4], **values, **args))
    with translation.override("en"):
        english = texts(charts.time_series(MONTHS[:4], **values, **args))
    decimals = re.compile(r"^\d+[.,]\d+$")
    swedish = [t for t in swedish if decimals.match(t)]
    english = [t for t in english if decimals.match(t)]
    assert swedish and all("," in t for t in swedish), swedish
    assert english and all("." in t for t in english), english


def test_chart_numbers_are_written_as_the_tables_write_them(settings):
    settings.USE_THOUSAND_SEPARATOR = True
    with translation.override("sv"):
        labels = texts(charts.horizontal_bars(["A", "B"], [12500, 7]))
        assert charts.number(12500) in labels
        assert charts.number(12500) == "12\xa0500"
        assert charts.number(2.25) == "2,25" and charts.number(3.0) == "3"


def test_charts_still_carry_no_inline_style():
    for name, svg in every_chart().items():
        assert "style=" not in svg and "<style" not in svg, name
