"""Server-rendered SVG charts (matplotlib). Each chart has a data table beside it in
the page, for screen readers and print; the chart itself is decorative to them.

The SVG is drawn with presentation attributes instead of inline styles, so the pages
keep a Content-Security-Policy without 'unsafe-inline'."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
# Labels are names people typed ("Avd 3 $ 4"): never read them as TeX.
matplotlib.rcParams["text.parse_math"] = False
import matplotlib.pyplot as plt  # noqa: E402

_STYLE = re.compile(r'style="([^"]*)"')
_STYLE_BLOCK = re.compile(r"<style[^>]*>.*?</style>", re.DOTALL)


def _attributes(match: re.Match) -> str:
    pairs = (part.split(":", 1) for part in match.group(1).split(";") if ":" in part)
    return " ".join(f'{k.strip()}="{html.escape(v.strip(), quote=True)}"' for k, v in pairs)


def _svg(figure, *, tight: bool = False) -> str:
    buffer = io.StringIO()
    options = {"bbox_inches": "tight"} if tight else {}
    figure.savefig(buffer, format="svg", metadata={"Date": None}, **options)
    plt.close(figure)
    svg = buffer.getvalue()
    svg = _STYLE_BLOCK.sub("", svg[svg.index("<svg") :])
    svg = svg.replace("<svg ", '<svg stroke-linejoin="round" stroke-linecap="butt" ', 1)
    return _STYLE.sub(_attributes, svg)


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


def horizontal_bars(labels: Sequence[str], values: Sequence[int | None], *, title: str = "") -> str:
    """A horizontal bar chart as an SVG string. Hidden values (None) draw no bar."""
    height = 0.45 * len(labels) + 0.9
    figure, axes = plt.subplots(figsize=(7.5, height), dpi=100)
    shown = [v if v is not None else 0 for v in values]
    positions = list(range(len(labels)))[::-1]
    axes.barh(positions, shown, color=BRAND)
    axes.set_yticks(positions, labels=list(labels), fontsize=10, color=INK)
    axes.tick_params(axis="x", colors=INK, labelsize=9)
    for position, value in zip(positions, values, strict=True):
        text = "–" if value is None else str(value)
        axes.text(
            (value or 0) + max(shown + [1]) * 0.01,
            position,
            text,
            va="center",
            fontsize=10,
            color=INK,
        )
    axes.set_xlim(0, max(shown + [1]) * 1.12)
    _open_frame(axes)
    if title:
        axes.set_title(title, fontsize=11, color=INK, loc="left")
    figure.tight_layout()
    return _svg(figure)


def grouped_bars(labels: Sequence[str], series: dict[str, Sequence[int | None]]) -> str:
    """Vertical bars, one group per label and one bar per series, as an SVG string."""
    colours = [BRAND, TOKENS["chart-accent"], TOKENS["ok"], TOKENS["chart-violet"]]
    figure, axes = plt.subplots(figsize=(7.5, 3.6), dpi=100)
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
        for bar, value in zip(bars, values, strict=True):
            axes.text(
                bar.get_x() + bar.get_width() / 2,
                (value or 0) + top * 0.02,
                "–" if value is None else str(value),
                ha="center",
                fontsize=9,
                color=INK,
            )
    axes.set_xticks(range(len(labels)), labels=list(labels), fontsize=10, color=INK)
    axes.set_ylim(0, top * 1.18)
    axes.tick_params(axis="y", colors=INK, labelsize=9)
    _open_frame(axes)
    axes.legend(frameon=False, fontsize=9)
    figure.tight_layout()
    return _svg(figure)


def stacked_shares(
    labels: Sequence[str], shares: Sequence[Sequence[float]], legend: Sequence[str]
) -> str:
    """Horizontal 100 % bars, one per label, split by answer option (a Likert chart)."""
    palette = [TOKENS[f"scale-{i}"] for i in range(1, 8)]
    colours = [palette[i % len(palette)] for i in range(len(legend))]
    height = 0.5 * len(labels) + 1.4
    figure, axes = plt.subplots(figsize=(7.5, height), dpi=100)
    positions = list(range(len(labels)))[::-1]
    left = [0.0] * len(labels)
    for index, name in enumerate(legend):
        widths = [row[index] for row in shares]
        axes.barh(positions, widths, left=left, color=colours[index], label=str(name), height=0.6)
        left = [a + b for a, b in zip(left, widths, strict=True)]
    axes.set_yticks(positions, labels=list(labels), fontsize=9, color=INK)
    axes.set_xlim(0, 100)
    axes.tick_params(axis="x", colors=INK, labelsize=9)
    axes.set_xlabel("%", color=INK, fontsize=9)
    _open_frame(axes)
    axes.legend(
        frameon=False,
        fontsize=8,
        ncol=min(len(legend), 3),
        loc="upper center",
        bbox_to_anchor=(0.4, -0.25 if len(labels) < 4 else -0.12),
    )
    figure.tight_layout()
    return _svg(figure, tight=True)


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
    figure, axes = plt.subplots(figsize=(7.5, 3.8), dpi=100)
    x = list(months)

    def points(values):
        return [m for m, v in zip(x, values, strict=True) if v is not None], [
            v for v in values if v is not None
        ]

    if comparison is not None:
        cx, cy = points(comparison)
        axes.plot(cx, cy, "s", color=TOKENS["chart-grey"], markersize=4, label=labels["comparison"])
    ox, oy = points(observed)
    axes.plot(ox, oy, "o", color=BRAND, markersize=4.5, label=labels["observed"])
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
        axes.axvline(start, color=TOKENS["chart-violet"], linewidth=1, linestyle=":")
        axes.text(
            start,
            axes.get_ylim()[1],
            " " + labels["start"],
            color=TOKENS["chart-violet"],
            fontsize=8,
            va="top",
        )
    axes.set_ylabel(labels["y"], color=INK, fontsize=9)
    axes.tick_params(colors=INK, labelsize=8)
    axes.set_ylim(bottom=0)
    _open_frame(axes)
    axes.legend(frameon=False, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2)
    figure.autofmt_xdate()
    return _svg(figure, tight=True)
