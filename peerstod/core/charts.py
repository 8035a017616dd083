"""Server-rendered SVG charts (matplotlib). Each chart has a data table beside it in
the page, for screen readers and print; the chart itself is decorative to them.

The SVG is drawn with presentation attributes instead of inline styles, so the pages
keep a Content-Security-Policy without 'unsafe-inline'.

Sized for a phone: a page shows a chart at most at its own width (`.chart svg {
max-width: 100% }`), so on a 360 px phone it is shrunk to the column (about 328 px).
Charts are therefore drawn narrow (WIDTH inches, 480 px at their own size) with text
of at least TEXT points, so that the smallest text is still about 11 px on the phone
(and about 17 px, like the page's own text, on a desktop). Numbers on the axes and on
the bars are written as the tables write them: `django.utils.formats.number_format`
in the active language (a decimal comma in Swedish)."""

from __future__ import annotations

import functools
import hashlib
import html
import io
import json
import logging
import re
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from django.core.cache import caches
from django.utils import translation
from django.utils.formats import number_format

logger = logging.getLogger(__name__)

#: Raise when a change here draws a different picture from the same data: every
#: cached chart is then drawn again.
CHART_CODE_VERSION = "2"  # 2: text as SVG text, not glyph outlines
#: How long a drawn chart is kept (seconds); the cache (`CACHES["charts"]`) also bounds
#: how many are kept.
CACHE_SECONDS = 24 * 3600

WIDTH = 5.0  # inches at 72 pt each: the SVG's viewBox is 360 units (pt) wide
TEXT = 12.5  # points: the smallest text in a chart
TITLE = 14.0
PHONE_COLUMN = 328  # px: the width a chart gets on a 360 px phone

_STYLE = re.compile(r'style="([^"]*)"')
_STYLE_BLOCK = re.compile(r"<style[^>]*>.*?</style>", re.DOTALL)


def _attributes(match: re.Match) -> str:
    pairs = (part.split(":", 1) for part in match.group(1).split(";") if ":" in part)
    return " ".join(f'{k.strip()}="{html.escape(v.strip(), quote=True)}"' for k, v in pairs)


@functools.cache
def _pyplot():
    """matplotlib, loaded the first time a chart is drawn, not when the URLconf or a
    worker is imported (it costs a new process a second or more)."""
    import matplotlib  # here, not at the top: see the docstring

    matplotlib.use("Agg")
    # Labels are names people typed ("Avd 3 $ 4"): never read them as TeX.
    matplotlib.rcParams["text.parse_math"] = False
    # Text as SVG text, not each glyph as an outline: a tenth of the size, readable and
    # selectable, and WeasyPrint draws a report's charts in a fifth of the time (a survey
    # round's PDF: 3–6 s → 0.8–1.1 s on the national set). matplotlib lays the text out
    # with DejaVu Sans, the widest of the fonts it names, so another sans fits.
    matplotlib.rcParams["svg.fonttype"] = "none"
    import matplotlib.pyplot as plt  # after the backend is chosen

    return plt


def load() -> None:
    """Import matplotlib now (the web server's master does, before it forks)."""
    _pyplot()


def _svg(figure, *, tight: bool = False) -> str:
    plt = _pyplot()
    buffer = io.StringIO()
    options = {"bbox_inches": "tight"} if tight else {}
    figure.savefig(buffer, format="svg", metadata={"Date": None}, **options)
    plt.close(figure)
    svg = buffer.getvalue()
    svg = _STYLE_BLOCK.sub("", svg[svg.index("<svg") :])
    svg = svg.replace("<svg ", '<svg stroke-linejoin="round" stroke-linecap="butt" ', 1)
    return _STYLE.sub(_attributes, svg)


def number(value: float | int) -> str:
    """A number as the tables write it in the active language: 2,5 in Swedish, with as
    few decimals as it needs (at most three)."""
    for places in range(4):
        if abs(round(value, places) - value) < 1e-9:
            return number_format(round(value, places), places)
    return number_format(round(value, 3), 3)


def _wrap(label: str, width: int = 22) -> str:
    """A long label on two or more lines, so that the plot keeps its width on a phone."""
    return textwrap.fill(str(label), width=width, break_long_words=False) or str(label)


def _lines(labels: Sequence[str]) -> int:
    return sum(_wrap(label).count("\n") + 1 for label in labels)


def _numbers(axis, *, integer: bool = False) -> None:
    """Tick labels of a value axis in the active language, and not too many of them."""
    # matplotlib only when a chart is drawn (_pyplot)
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    axis.set_major_locator(MaxNLocator(nbins=4, integer=integer))
    axis.set_major_formatter(FuncFormatter(lambda value, _position: number(value)))


def _open_frame(axes) -> None:
    """No box around the plot: only the axes at the left and the bottom."""
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


TOKENS_CSS = Path(__file__).resolve().parent / "static" / "peerstod" / "css" / "tokens.css"


def design_tokens() -> dict[str, str]:
    """The colours of `tokens.css` (`--brand: #00507a;` → {"brand": "#00507a"}): the charts
    use the same colours as the pages and the PDFs."""
    found = re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{3,8})\s*;", TOKENS_CSS.read_text())
    return dict(found)


TOKENS = design_tokens()
INK = TOKENS["ink"]
BRAND = TOKENS["brand"]

F = TypeVar("F", bound=Callable[..., str])


def _plain(value: Any) -> Any:
    """The inputs as JSON can hold them, the same every time: lazy and translated
    strings as text, dates and decimals by their `str`, mappings in their order."""
    if isinstance(value, dict):
        return [[_plain(k), _plain(v)] for k, v in value.items()]
    if isinstance(value, list | tuple | range):
        return [_plain(item) for item in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return f"{type(value).__name__}:{value}"


def cache_key(name: str, args: tuple, kwargs: dict[str, Any]) -> str:
    """A key for everything the drawing depends on: the data and its words, the
    language (numbers are written in it), the design tokens and this code's version."""
    inputs = [
        CHART_CODE_VERSION,
        name,
        translation.get_language(),
        sorted(TOKENS.items()),
        _plain(args),
        _plain(sorted(kwargs.items())),
    ]
    digest = hashlib.sha256(json.dumps(inputs, ensure_ascii=False).encode()).hexdigest()
    return f"chart:{name}:{digest}"


def _cached(draw: F) -> F:
    """Draw once per data version: a page shown again with the same data takes the SVG
    from the cache and costs no matplotlib work. A cache that does not answer only
    costs the drawing."""

    @functools.wraps(draw)
    def chart(*args: Any, **kwargs: Any) -> str:
        key = cache_key(draw.__name__, args, kwargs)
        store = caches["charts"]
        try:
            svg = store.get(key)
        except Exception:  # a cache that is down is no reason to show no chart
            logger.warning("chart cache unavailable", exc_info=True)
            return draw(*args, **kwargs)
        if svg is None:
            svg = draw(*args, **kwargs)
            try:
                store.set(key, svg, CACHE_SECONDS)
            except Exception:
                logger.warning("chart cache unavailable", exc_info=True)
        return svg

    return chart  # type: ignore[return-value]


@_cached
def horizontal_bars(labels: Sequence[str], values: Sequence[int | None], *, title: str = "") -> str:
    """A horizontal bar chart as an SVG string. Hidden values (None) draw no bar."""
    height = 0.3 * _lines(labels) + 0.25 * len(labels) + 1.1
    figure, axes = _pyplot().subplots(figsize=(WIDTH, height), dpi=100)
    shown = [v if v is not None else 0 for v in values]
    positions = list(range(len(labels)))[::-1]
    axes.barh(positions, shown, color=BRAND)
    axes.set_yticks(positions, labels=[_wrap(label) for label in labels], fontsize=TEXT, color=INK)
    axes.tick_params(axis="x", colors=INK, labelsize=TEXT)
    _numbers(axes.xaxis, integer=True)
    for position, value in zip(positions, values, strict=True):
        text = "–" if value is None else number(value)
        axes.text(
            (value or 0) + max(shown + [1]) * 0.01,
            position,
            text,
            va="center",
            fontsize=TEXT,
            color=INK,
        )
    axes.set_xlim(0, max(shown + [1]) * 1.18)
    _open_frame(axes)
    if title:
        axes.set_title(title, fontsize=TITLE, color=INK, loc="left")
    figure.tight_layout()
    return _svg(figure)


@_cached
def grouped_bars(labels: Sequence[str], series: dict[str, Sequence[int | None]]) -> str:
    """Vertical bars, one group per label and one bar per series, as an SVG string."""
    colours = [BRAND, TOKENS["chart-accent"], TOKENS["ok"], TOKENS["chart-violet"]]
    figure, axes = _pyplot().subplots(figsize=(WIDTH, 3.4), dpi=100)
    width = 0.8 / max(len(series), 1)
    top = max([v or 0 for values in series.values() for v in values] + [1])
    for index, (name, values) in enumerate(series.items()):
        positions = [x + (index - (len(series) - 1) / 2) * width for x in range(len(labels))]
        bars = axes.bar(
            positions,
            [v or 0 for v in values],
            width,
            label=str(name),
            color=colours[index % len(colours)],
        )
        if len(labels) * len(series) <= 12:
            # Figures on the bars only while they fit side by side at this size.
            for bar, value in zip(bars, values, strict=True):
                axes.text(
                    bar.get_x() + bar.get_width() / 2,
                    (value or 0) + top * 0.02,
                    "–" if value is None else number(value),
                    ha="center",
                    fontsize=TEXT,
                    color=INK,
                )
    axes.set_xticks(range(len(labels)), labels=list(labels), fontsize=TEXT, color=INK)
    if len(labels) > 4:
        axes.tick_params(axis="x", labelrotation=35)
        for tick in axes.get_xticklabels():
            tick.set_horizontalalignment("right")
    axes.set_ylim(0, top * 1.2)
    axes.tick_params(axis="y", colors=INK, labelsize=TEXT)
    _numbers(axes.yaxis, integer=True)
    _open_frame(axes)
    axes.legend(
        frameon=False,
        fontsize=TEXT,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.18 if len(labels) <= 4 else -0.4),
        ncol=1,
    )
    figure.tight_layout()
    return _svg(figure, tight=True)


@_cached
def stacked_shares(
    labels: Sequence[str], shares: Sequence[Sequence[float]], legend: Sequence[str]
) -> str:
    """Horizontal 100 % bars, one per label, split by answer option (a Likert chart)."""
    palette = [TOKENS[f"scale-{i}"] for i in range(1, 8)]
    colours = [palette[i % len(palette)] for i in range(len(legend))]
    columns = 2 if max((len(str(name)) for name in legend), default=0) <= 16 else 1
    height = 0.3 * _lines(labels) + 0.3 * len(labels) + 0.3 * len(legend) / columns + 1.2
    figure, axes = _pyplot().subplots(figsize=(WIDTH, height), dpi=100)
    positions = list(range(len(labels)))[::-1]
    left = [0.0] * len(labels)
    for index, name in enumerate(legend):
        widths = [row[index] for row in shares]
        axes.barh(positions, widths, left=left, color=colours[index], label=str(name), height=0.6)
        left = [a + b for a, b in zip(left, widths, strict=True)]
    axes.set_yticks(positions, labels=[_wrap(label) for label in labels], fontsize=TEXT, color=INK)
    axes.set_xlim(0, 100)
    axes.tick_params(axis="x", colors=INK, labelsize=TEXT)
    _numbers(axes.xaxis)
    axes.set_xlabel("%", color=INK, fontsize=TEXT)
    _open_frame(axes)
    axes.legend(
        frameon=False,
        fontsize=TEXT,
        ncol=columns,
        loc="upper center",
        bbox_to_anchor=(0.4, -0.3 if len(labels) < 4 else -0.15),
    )
    figure.tight_layout()
    return _svg(figure, tight=True)


@_cached
def time_series(
    months: Sequence,
    *,
    observed: Sequence[float | None],
    fitted: Sequence[float | None],
    counterfactual: Sequence[float | None],
    comparison: Sequence[float | None] | None,
    start,
    labels: dict[str, str],
) -> str:
    """Observed monthly rates (points), the model's fitted line, the counterfactual
    (dashed) after the start, and a comparison series (grey points)."""
    import matplotlib.dates as mdates  # matplotlib only when drawn (_pyplot)

    figure, axes = _pyplot().subplots(figsize=(WIDTH, 3.4), dpi=100)
    x = list(months)

    def points(values):
        return [m for m, v in zip(x, values, strict=True) if v is not None], [
            v for v in values if v is not None
        ]

    if comparison is not None:
        cx, cy = points(comparison)
        axes.plot(
            cx, cy, "s", color=TOKENS["chart-grey"], markersize=4.5, label=labels["comparison"]
        )
    ox, oy = points(observed)
    axes.plot(ox, oy, "o", color=BRAND, markersize=5, label=labels["observed"])
    fx, fy = points(fitted)
    if fy:
        # Drawn in two pieces, so the line does not pretend to fall smoothly at the start.
        before = [(m, v) for m, v in zip(fx, fy, strict=True) if start is None or m < start]
        after = [(m, v) for m, v in zip(fx, fy, strict=True) if start is not None and m >= start]
        for index, piece in enumerate((before, after)):
            if piece:
                axes.plot(
                    [m for m, _ in piece],
                    [v for _, v in piece],
                    "-",
                    color=INK,
                    linewidth=1.6,
                    label=labels["fitted"] if index == 0 or not before else None,
                )
    kx, ky = points(counterfactual)
    if ky:
        axes.plot(
            kx,
            ky,
            "--",
            color=TOKENS["chart-accent"],
            linewidth=1.6,
            label=labels["counterfactual"],
        )
    if start is not None:
        axes.axvline(start, color=TOKENS["chart-violet"], linewidth=1.2, linestyle=":")
        axes.set_ylim(bottom=0, top=axes.get_ylim()[1] * 1.15)  # room for the start's label
        # The label goes on the side of the line with more room.
        left = not x or start <= x[len(x) // 2]
        axes.text(
            start,
            axes.get_ylim()[1],
            " " + labels["start"] if left else labels["start"] + " ",
            color=TOKENS["chart-violet"],
            fontsize=TEXT,
            va="top",
            ha="left" if left else "right",
        )
    axes.set_ylabel(labels["y"], color=INK, fontsize=TEXT)
    axes.tick_params(colors=INK, labelsize=TEXT)
    axes.set_ylim(bottom=0)
    _numbers(axes.yaxis)
    if x and hasattr(x[0], "year"):
        # Months as 2024-01, at most five of them (every 1, 2, 3 or 6 months, or whole
        # years): readable on a phone.
        span = (x[-1].year - x[0].year) * 12 + x[-1].month - x[0].month
        step = next((n for n in (1, 2, 3, 6, 12, 24, 60) if span / n <= 4), 120)
        axes.xaxis.set_major_locator(
            mdates.MonthLocator(bymonth=range(1, 13, step))
            if step < 12
            else mdates.YearLocator(base=step // 12)
        )
        axes.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    _open_frame(axes)
    axes.legend(
        frameon=False, fontsize=TEXT, loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=1
    )
    figure.autofmt_xdate()
    return _svg(figure, tight=True)
