"""HTML to PDF with WeasyPrint, for certificates, slips and reports.

Every PDF gets the design tokens and the one print stylesheet (`css/tokens.css`,
`css/print.css`); a template's own `<style>` holds only what is particular to it.
"""

from __future__ import annotations

import logging
from functools import cache

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

PRINT_STYLESHEETS = ("peerstod/css/tokens.css", "peerstod/css/print.css")


@cache
def _stylesheets():
    # Imported here, not at the top: WeasyPrint loads Pango, which only PDFs need, and
    # every other process (migrate, the web workers before their first PDF) is spared it.
    from weasyprint import CSS

    return [CSS(filename=finders.find(path)) for path in PRINT_STYLESHEETS]


def render_pdf(template: str, context: dict, *, base_url: str | None = None) -> bytes:
    # Imported here for the same reason as in `_stylesheets`.
    from weasyprint import HTML

    # WeasyPrint warns about every SVG presentation style of our charts it does not use;
    # the charts are drawn right all the same.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    html = HTML(string=render_to_string(template, context), base_url=base_url)
    return html.write_pdf(stylesheets=_stylesheets())


def render_pdf_parts(
    template: str, contexts: list[dict], *, progress=None, base_url: str | None = None
) -> bytes:
    """One PDF of several renderings of a template laid out one after the other (the
    batches of a long document), with `progress(done, parts)` after each part is laid
    out: a background job can show how far it has come."""
    # Imported here for the same reason as in `_stylesheets`.
    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    documents = []
    for done, context in enumerate(contexts, start=1):
        html = HTML(string=render_to_string(template, context), base_url=base_url)
        documents.append(html.render(stylesheets=_stylesheets()))
        if progress is not None:
            progress(done, len(contexts))
    pages = [page for document in documents for page in document.pages]
    return documents[0].copy(pages).write_pdf()
