"""Excel exports (openpyxl). Callers pass only figures that have already been through
small-number suppression; hidden cells are written as "–" with a note."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook_response(
    filename: str,
    sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence[object]]]],
    *,
    decorate: Callable[[Workbook], None] | None = None,
) -> HttpResponse:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append(list(header))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(
                [str(v) if v is not None and not isinstance(v, int | float) else v for v in row]
            )
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
