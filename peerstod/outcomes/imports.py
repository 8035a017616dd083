"""Reading indicator files: CSV (semicolon, comma or tab; UTF-8 or Windows-1252) and
Excel (.xlsx, first sheet). Every row is checked before anything is saved; each fault is
reported with its line and column. No database here: the service resolves units and
indicators and saves."""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

MAX_ROWS = 100_000


@dataclass(frozen=True)
class Problem:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("Line %(line)s, column %(column)s: %(message)s") % {
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }


class ImportFailed(ValueError):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(map(str, problems[:3])))
        self.problems = problems


@dataclass
class Sheet:
    header: list[str]
    rows: list[tuple[int, list[object]]] = field(default_factory=list)  # (line, cells)


def fold(text: str) -> str:
    """A header as compared: lower case, å/ä/ö folded, spaces and hyphens as _."""
    text = unicodedata.normalize("NFKD", str(text).strip().lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    for ch in " -/.":
        text = text.replace(ch, "_")
    while "__" in text:
        text = text.replace("__", "_")
    return text.strip("_")


def read(name: str, data: bytes) -> Sheet:
    if name.lower().endswith(".xlsx"):
        return _read_xlsx(data)
    if name.lower().endswith((".csv", ".txt")):
        return _read_csv(data)
    raise ImportFailed([Problem(1, "-", _("Use a CSV file or an Excel file (.xlsx)."))])


def _read_csv(data: bytes) -> Sheet:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=";,\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ";"
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = list(reader)
    if not rows:
        raise ImportFailed([Problem(1, "-", _("The file is empty."))])
    sheet = Sheet(header=[h.strip() for h in rows[0]])
    for line, cells in enumerate(rows[1:], start=2):
        if any(str(c).strip() for c in cells):
            sheet.rows.append((line, list(cells)))
    return sheet


def _read_xlsx(data: bytes) -> Sheet:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise ImportFailed([Problem(1, "-", _("The Excel file cannot be read."))]) from error
    sheet_data = workbook.worksheets[0]
    rows = list(sheet_data.iter_rows(values_only=True))
    workbook.close()
    if not rows:
        raise ImportFailed([Problem(1, "-", _("The file is empty."))])
    sheet = Sheet(header=[str(h).strip() if h is not None else "" for h in rows[0]])
    for line, cells in enumerate(rows[1:], start=2):
        if any(c not in (None, "") for c in cells):
            sheet.rows.append((line, list(cells)))
    return sheet


def parse_month(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date().replace(day=1)
    if isinstance(value, date):
        return value.replace(day=1)
    text = str(value or "").strip()
    for pattern in ("%Y-%m", "%Y-%m-%d", "%Y%m", "%Y/%m"):
        try:
            return datetime.strptime(text, pattern).date().replace(day=1)
        except ValueError:
            continue
    return None


def parse_number(value: object) -> Decimal | None:
    """A number from a cell: Excel numbers, or text with a decimal comma and spaces."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        return Decimal(str(value))
    text = str(value).strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation as error:
        raise ValueError(value) from error
    if not number.is_finite():
        raise ValueError(value)
    return number
