"""Excel exports (openpyxl). Callers pass only figures that have already been through
small-number suppression; hidden cells are written as "–" with a note.

Text is always written as text: a value a user typed that begins with =, +, -, @, a tab
or a carriage return would otherwise be a live formula in the evaluator's spreadsheet
(OWASP "CSV injection"). Such cells are stored as strings with Excel's quote prefix,
so no spreadsheet runs them, and editing the cell keeps it text."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from django.http import HttpResponse

if TYPE_CHECKING:
    from openpyxl import Workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _value(value: object) -> object:
    if value is None or isinstance(value, bool):
        return value if value is None else str(value)
    if isinstance(value, int | float):
        return value
    return str(value)


def sheet_title(title: str) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in str(title)).strip("' ")
    return (cleaned or "Blad")[:31]


def safe_text(value: object) -> str:
    """A cell value for a sheet built elsewhere (openpyxl directly): text that cannot
    start a formula. Prefer `workbook_response`, which stores such text as a string."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def workbook_response(
    filename: str,
    sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence[object]]]],
    *,
    decorate: Callable[[Workbook], None] | None = None,
) -> HttpResponse:
    # openpyxl only when a spreadsheet is made, not with the URLconf
    from openpyxl import Workbook
    from openpyxl.styles import Font  # as late

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=sheet_title(title))
        sheet.append(list(header))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([_value(v) for v in row])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                    cell.data_type = "s"
                    cell.quotePrefix = True
        for column in sheet.columns:
            width = max(len(str(c.value or "")) for c in column)
            sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 10), 60)
    if decorate is not None:
        decorate(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
