"""Survey results for pages and exports: results and comparisons built from scoped
reads, the distribution chart, the Excel workbook and the PDF of printed slips."""

from __future__ import annotations

import base64
import struct
import zlib
from dataclasses import dataclass

import qrcode
import qrcode.image.svg
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from peerstod.core import charts
from peerstod.core.exports import workbook_response
from peerstod.core.links import absolute
from peerstod.core.pdf import render_pdf, render_pdf_parts
from peerstod.core.suppression import suppress_table
from peerstod.surveys import results, selectors, services, tallies
from peerstod.surveys.models import Channel, Round


def language_for(definition) -> str:
    language = (get_language() or "sv")[:2]
    return language if language in definition.languages else definition.languages[0]


def round_results(*, survey_round: Round, unit_ids: set[int] | None = None) -> results.Results:
    """Results of a round, from its tallies and its few waiting answers. An open round
    gives interim results of whole groups; once those have been shown, the closed
    round's results count whole groups too."""
    definition = survey_round.instrument.definition
    units = [(u.pk, u.name) for u in selectors.round_units(survey_round=survey_round)]
    interim = not survey_round.is_closed(timezone.localdate())
    sealed = selectors.sealed_counts(survey_round=survey_round)
    waiting = tallies.count(definition, selectors.waiting_rows(survey_round=survey_round))
    whole_groups = interim or survey_round.interim_shown
    computed = results.compute(
        instrument=definition,
        audience=survey_round.audience,
        language=language_for(definition),
        counts=sealed if whole_groups else sealed + waiting,
        units=units,
        interim=interim,
        received=sum(sealed.answers.values()) + sum(waiting.answers.values()),
        total_label=_("All units"),
    )
    if unit_ids is not None:
        computed.groups = [g for g in computed.groups if g.key in unit_ids]
    return computed


@dataclass
class ComparisonRow:
    label: str
    subscale: str
    difference: results.Difference | None


def comparison(*, first: Round, second: Round, unit_ids: set[int] | None) -> list[ComparisonRow]:
    """Second round minus first, for the whole rounds and for each unit in both, where
    each side is shown in its own round's results (so nothing hidden there is revealed
    by the comparison)."""
    definition = first.instrument.definition
    a, b = (round_results(survey_round=r) for r in (first, second))
    language = language_for(definition)
    labels = {s.key: definition.localised(s.title, language) for s in a.subscales}
    found: list[ComparisonRow] = []

    def add(label: str, groups: tuple[results.Group, results.Group], unit_id) -> None:
        for key, title in labels.items():
            both_shown = all(g.subscales.get(key) is not None for g in groups)
            difference = (
                results.compare(a.pooled(key, unit_id), b.pooled(key, unit_id), limit=a.limit)
                if both_shown
                else None
            )
            found.append(ComparisonRow(label, title, difference))

    add(_("All units"), (a.total, b.total), None)
    second_groups = {g.key: g for g in b.groups}
    for group in a.groups:
        if group.key in second_groups and (unit_ids is None or group.key in unit_ids):
            add(group.label, (group, second_groups[group.key]), group.key)
    return found


@dataclass
class LinkDays:
    units: list
    rows: list  # (day, [Cell per unit], Cell for the day)
    totals: list  # Cell per unit
    total: object
    threshold: int


def link_days(*, survey_round: Round, units: list) -> LinkDays | None:
    """Answers through the open link per day and unit, through suppression with the
    day, unit and grand totals."""
    counts = selectors.answer_days(survey_round=survey_round, channel="link", units=units)
    if not counts:
        return None
    days = sorted({day for day, _unit in counts})
    table = suppress_table(
        {(day, unit.pk): counts.get((day, unit.pk), 0) for day in days for unit in units}
    )
    return LinkDays(
        units=units,
        rows=[
            (day, [table.cells[(day, unit.pk)] for unit in units], table.row_totals[day])
            for day in days
        ],
        totals=[table.column_totals[unit.pk] for unit in units],
        total=table.total,
        threshold=table.threshold,
    )


def distribution_chart(distributions: list[results.Distribution], labels: list[str]) -> str:
    """Whole-percent bars per item: the shown options, "don't know", and the hidden
    counts together in one grey part."""
    legend = [*labels, _("Don't know / not applicable"), _("Hidden: too few")]
    return charts.stacked_shares(
        [d.text if len(d.text) <= 60 else d.text[:57] + "…" for d in distributions],
        [
            [share or 0 for share in d.shares()] + [d.excluded_share() or 0, d.hidden_share()]
            for d in distributions
        ],
        legend,
    )


def results_workbook(*, survey_round: Round, computed: results.Results):
    definition = survey_round.instrument.definition
    language = language_for(definition)
    header = [_("Group"), _("Subscale"), _("n"), _("Mean"), _("95 % CI low"), _("95 % CI high")]
    rows = []
    for group in [*computed.groups, computed.total]:
        for subscale in computed.subscales:
            found = group.subscales.get(subscale.key)
            title = definition.localised(subscale.title, language)
            if found is None:
                rows.append([group.label, title, "–", "–", "–", "–"])
            else:
                rows.append(
                    [
                        group.label,
                        title,
                        found.n,
                        round(found.mean, 2),
                        round(found.low, 2),
                        round(found.high, 2),
                    ]
                )
    about = [
        [str(survey_round)],
        [definition.localised(definition.title, language)],
        [
            _(
                "Groups with fewer than %(n)s answers are hidden (–), and so is a second group "
                "where one hidden group could otherwise be worked out from the total."
            )
            % {"n": computed.limit}
        ],
    ]
    if computed.interim:
        about.append([_("Interim results: the round is still open.")])
    citation = definition.licence.get("citation")
    if citation:
        about.append([_("Source: %(citation)s") % {"citation": citation}])
    return workbook_response(
        f"enkat-{survey_round.code}.xlsx",
        [(_("Results"), header, rows), (_("About"), [_("Note")], about)],
    )


def results_context(*, survey_round: Round, computed: results.Results) -> dict:
    """What the results page and its PDF show: tables, distribution charts, and the
    published free text of units with enough answers."""
    definition = survey_round.instrument.definition
    language = language_for(definition)
    charts = []
    for subscale in computed.subscales:
        distributions = computed.distributions.get(subscale.key)
        scale = definition.item(subscale.items[0]).scale
        if not distributions or scale is None:
            continue
        labels = scale.labels[language]
        charts.append(
            (
                definition.localised(subscale.title, language),
                distribution_chart(distributions, labels),
                distributions,
                labels,
            )
        )
    minimum = selectors.text_minimum()
    text_units = [
        g.key
        for g in computed.groups
        if g.responses.value is not None and g.responses.value >= minimum
    ]
    texts = (
        list(selectors.texts_published(survey_round=survey_round, unit_ids=text_units))
        if text_units
        else []
    )
    return {
        "round": survey_round,
        "results": computed,
        "definition": definition,
        "titles": [(definition.localised(s.title, language), s) for s in computed.subscales],
        "charts": charts,
        "texts": texts,
        "text_minimum": minimum,
        "citation": definition.licence.get("citation"),
    }


def qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")


def slip_url(code: str) -> str:
    """The address in a slip's QR code. The code rides in the fragment, which a browser
    never sends: it reaches no server or proxy log. The page's script puts it in the
    form, which posts it."""
    return f"{slip_entry()}#{services.format_code(code)}"


def slip_entry() -> str:
    """The address printed on the slips, where a code is typed in."""
    return absolute(reverse("surveys:code"))


def qr_png(url: str) -> bytes:
    """The QR code as a PNG of one pixel a module (printed sharp with
    `image-rendering: pixelated`). One fixed mask pattern instead of scoring all eight
    (any mask reads alike) and a raster instead of an SVG path that WeasyPrint would
    draw module by module: about 2 ms a code instead of 18, and a page much cheaper
    to lay out and paint (docs/dev/benchmarks.md, #19 surveys)."""
    code = qrcode.QRCode(border=4, box_size=1, mask_pattern=2)
    code.add_data(url)
    code.make(fit=True)
    matrix = code.get_matrix()
    size = len(matrix)
    raw = b"".join(b"\x00" + bytes(0 if dark else 255 for dark in row) for row in matrix)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


# Six slips fill an A4 page: a batch of whole pages is laid out at a time.
SLIP_BATCH = 30


def slips_pdf(*, survey_round: Round, unit, codes: list[str], progress=None) -> bytes:
    """The slips as one PDF, laid out in batches of whole pages; `progress(done,
    count)` is called after each batch (a job shows it)."""
    title = survey_round.instrument.definition.localised(
        survey_round.instrument.definition.title, "sv"
    )
    batches = []
    for start in range(0, len(codes), SLIP_BATCH):
        slips = []
        for code in codes[start : start + SLIP_BATCH]:
            png = qr_png(slip_url(code))
            slips.append(
                {
                    "code": services.format_code(code),
                    "qr": "data:image/png;base64," + base64.b64encode(png).decode(),
                }
            )
        batches.append(
            {
                "round": survey_round,
                "unit": unit,
                "slips": slips,
                "entry_url": slip_entry(),
                "title": title,
            }
        )

    def laid_out(done: int, parts: int) -> None:
        if progress is not None:
            progress(min(done * SLIP_BATCH, len(codes)), len(codes))

    return render_pdf_parts("surveys/slips.html", batches, progress=laid_out)


def results_pdf(context: dict) -> bytes:
    """The results page as an A4 report, with the same suppression."""
    return render_pdf("surveys/results_pdf.html", context)


def rate_table(*, survey_round: Round, units: list) -> list[tuple]:
    """(unit, [(answered, invited, share %) per channel], the same for all channels) for
    each unit: the response rates of the round's page."""

    def cell(answered: int, invited: int | None) -> tuple[int, int | None, int | None]:
        return answered, invited, round(100 * answered / invited) if invited else None

    rates = selectors.response_rates(survey_round=survey_round)
    table = []
    for unit in units:
        cells = [cell(*rates.get((unit.pk, c), (0, None))) for c in survey_round.channels]
        answered = sum(c[0] for c in cells)
        invited = sum(c[1] or 0 for c in cells)
        table.append((unit, cells, cell(answered, invited)))
    return table


def round_page(*, scope, survey_round: Round) -> dict:
    """What the round's page shows the user: response rates, the links, kiosks and
    paper entry of the units they see. Every address on it is the site's (SITE_URL):
    it is what goes on the slips, the posters and the mails."""
    coordinator = selectors.is_coordinator(scope=scope, survey_round=survey_round)
    visible = selectors.visible_units(scope=scope, survey_round=survey_round)
    by_link = Channel.LINK in survey_round.channels
    today = timezone.localdate()
    return {
        "round": survey_round,
        "coordinator": coordinator,
        "channels": [Channel(c) for c in survey_round.channels],
        "table": rate_table(survey_round=survey_round, units=visible),
        "links": [
            (
                unit,
                absolute(reverse("surveys:answer_link", args=[survey_round.link_code, unit.code])),
            )
            for unit in visible
        ]
        if by_link
        else [],
        "link_days": link_days(survey_round=survey_round, units=visible) if by_link else None,
        "kiosks": [
            (kiosk, absolute(reverse("surveys:kiosk", args=[kiosk.code])))
            for kiosk in selectors.kiosks(survey_round=survey_round, units=visible)
        ],
        "slip_entry": slip_entry(),
        "visible": visible,
        "paper_units": selectors.paper_units(scope=scope, survey_round=survey_round),
        "is_open": survey_round.is_open(today),
        "is_closed": survey_round.is_closed(today),
        "pending": selectors.texts_pending(survey_round=survey_round).count() if coordinator else 0,
        "others": selectors.comparable_rounds(scope=scope, survey_round=survey_round),
    }
