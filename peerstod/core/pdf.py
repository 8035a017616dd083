"""HTML to PDF with WeasyPrint, for certificates, slips and reports."""

from __future__ import annotations

import logging

from django.template.loader import render_to_string


def render_pdf(template: str, context: dict, *, base_url: str | None = None) -> bytes:
    # Imported here: WeasyPrint loads Pango, which only PDFs need.
    from weasyprint import HTML

    # WeasyPrint warns about every SVG presentation style of our charts it does not use;
    # the charts are drawn right all the same.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    return HTML(string=render_to_string(template, context), base_url=base_url).write_pdf()
