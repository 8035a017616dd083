"""Reading indicator files: CSV (semicolon, comma or tab; UTF-8 or Windows-1252) and
Excel (.xlsx, first sheet). Every row is checked before anything is saved; each fault is
reported with its line and column. No database here: the service resolves units and
indicators and saves.

A file cannot take the server down: at most MAX_ROWS rows and MAX_COLUMNS columns, no
cell longer than settings.MAX_CELL_CHARS, and an Excel package is checked before it is
unpacked (declared sizes against settings.MAX_UNPACKED_BYTES, packing ratio, the sheet's
declared dimension). Rows are streamed, and reading stops at the first limit passed."""

from __future__ import annotations

import codecs
import csv
import io
import posixpath
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import IO, NoReturn

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

MAX_ROWS = 100_000  # data rows, after the header
MAX_PROBLEMS = 1_000  # problems kept to show; the rest are counted
MAX_COLUMNS = 50
EXCEL_COLUMNS = 16_384  # XFD
# An .xlsx is a zip package: its parts are checked before anything is unpacked.
MAX_PARTS = 1_000
MAX_RATIO = 100  # unpacked size / packed size of one part
RATIO_FROM_BYTES = 1_000_000  # small parts may pack hard; they cannot grow large
BYTES_PER_CHAR = 6  # the most bytes one character of cell text takes in the XML (&quot;)


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
    """`problems` are the first ones found (at most MAX_PROBLEMS); `total` counts all."""

    def __init__(self, problems: list[Problem], total: int | None = None):
        super().__init__("; ".join(map(str, problems[:3])))
        self.problems = problems
        self.total = max(total or 0, len(problems))


@dataclass
class Sheet:
    header: list[str]
    # (line, cells): a list from `read`, an iterator from `stream` (read as it goes)
    rows: list[tuple[int, list[object]]] | Iterator[tuple[int, list[object]]] = field(
        default_factory=list
    )


def fold(text: str) -> str:
    """A header as compared: lower case, å/ä/ö folded, spaces and hyphens as _."""
    text = unicodedata.normalize("NFKD", str(text).strip().lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    for ch in " -/.":
        text = text.replace(ch, "_")
    while "__" in text:
        text = text.replace("__", "_")
    return text.strip("_")


def read(name: str, data: bytes | IO[bytes]) -> Sheet:
    """The header and all the rows of an upload as a list, within the limits above;
    ImportFailed with a clear message (and nothing read further) when the file is over
    one of them. The import itself reads with `stream`, one row at a time."""
    with stream(name, data) as sheet:
        return Sheet(header=sheet.header, rows=list(sheet.rows))


@contextmanager
def stream(name: str, data: bytes | IO[bytes]) -> Iterator[Sheet]:
    """The header of an upload, and its rows as an iterator read from the file as they
    are asked for: memory does not grow with the number of rows. The limits are checked
    as the rows are read; a limit passed raises ImportFailed from the iterator."""
    source = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    source.seek(0)
    if name.lower().endswith(".xlsx"):
        with _stream_xlsx(source) as sheet:
            yield sheet
    elif name.lower().endswith((".csv", ".txt")):
        with _stream_csv(source) as sheet:
            yield sheet
    else:
        raise ImportFailed([Problem(1, "-", _("Use a CSV file or an Excel file (.xlsx)."))])


def precheck(name: str, data: bytes | IO[bytes]) -> None:
    """What can be refused without reading a cell, before a background job is started
    for the file: its kind, an Excel package's sizes and declared dimension, a CSV's
    number of lines. ImportFailed, as `stream` would raise it."""
    source = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    source.seek(0)
    try:
        if name.lower().endswith(".xlsx"):
            try:
                with zipfile.ZipFile(source) as archive:
                    _check_package(archive)
            except ImportFailed:
                raise
            except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError) as e:
                _unreadable(e)
        elif name.lower().endswith((".csv", ".txt")):
            rows = estimate_rows(name, source)
            if rows is not None and rows > MAX_ROWS:
                _too_many_rows()
        else:
            raise ImportFailed([Problem(1, "-", _("Use a CSV file or an Excel file (.xlsx)."))])
    finally:
        source.seek(0)


def estimate_rows(name: str, data: bytes | IO[bytes]) -> int | None:
    """About how many data rows an upload has, without reading its cells: the lines of
    a CSV, the size an Excel sheet declares (None when it declares none or cannot be
    read). Decides whether the import runs in the request or as a background job."""
    source = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    source.seek(0)
    try:
        if name.lower().endswith((".csv", ".txt")):
            lines, last = 0, b"\n"
            while chunk := source.read(1 << 20):
                lines += chunk.count(b"\n")
                last = chunk[-1:]
            return max(lines - (last == b"\n"), 0)
        if name.lower().endswith(".xlsx"):
            with zipfile.ZipFile(source) as archive:
                names = set(archive.namelist())
                part = _first_sheet_part(archive, names)
                if part is None:
                    return None
                found = _DIMENSION.search(_head(archive, part, 16_384))
            if found is None:
                return None
            from openpyxl.utils.cell import range_boundaries  # openpyxl only when a sheet is read

            _min_col, _min_row, _max_col, max_row = range_boundaries(found.group(1).decode("ascii"))
            return max((max_row or 1) - 1, 0)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError):
        return None
    except (ValueError, TypeError, UnicodeDecodeError):
        return None
    finally:
        source.seek(0)
    return None


def _refuse(message: str, line: int = 1, column: str = "-") -> NoReturn:
    raise ImportFailed([Problem(line, column, message)])


def grouped(number: int) -> str:
    """A count as the user reads it: 100 000 (sv), 100,000 (en)."""
    return number_format(number, force_grouping=True)


def _too_many_rows() -> NoReturn:
    _refuse(
        _("The file has more than %(n)s rows. Split it by year or by unit.")
        % {"n": grouped(MAX_ROWS)}
    )


def _too_many_columns() -> NoReturn:
    _refuse(
        _("The file has more than %(n)s columns. Keep only enhet, månad and the indicators.")
        % {"n": MAX_COLUMNS}
    )


def _cell_too_long(line: int = 1, column: str = "-") -> NoReturn:
    _refuse(
        _(
            "A cell has more than %(n)s characters. An indicator file has short cells: "
            "unit, month and numbers."
        )
        % {"n": grouped(settings.MAX_CELL_CHARS)},
        line,
        column,
    )


def _unreadable(error: BaseException | None = None) -> NoReturn:
    raise ImportFailed([Problem(1, "-", _("The Excel file cannot be read."))]) from error


# ---------------------------------------------------------------- CSV


def _encoding(source: IO[bytes]) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes as UTF-8, else
    Windows-1252: decided before the first row is given out, in pieces of 1 MB."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := source.read(1 << 20):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    finally:
        source.seek(0)
    return "utf-8-sig"


@contextmanager
def _stream_csv(source: IO[bytes]) -> Iterator[Sheet]:
    """Rows streamed from the upload, never the whole file as one list: reading stops
    at the first row over the limit. UTF-8 (with or without BOM), else Windows-1252."""
    sample = source.read(8192)
    source.seek(0)
    try:
        dialect = csv.Sniffer().sniff(
            sample.decode("utf-8-sig", errors="ignore")[:4096], delimiters=";,\t"
        )
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ";"
    encoding = _encoding(source)
    errors = "strict" if encoding.startswith("utf-8") else "replace"
    previous = csv.field_size_limit(settings.MAX_CELL_CHARS)
    try:
        reader = csv.reader(codecs.iterdecode(source, encoding, errors), delimiter=delimiter)
        records = enumerate(reader, start=1)
        with _csv_errors(reader):
            _line, first = next(records, (1, None))
        if first is None:
            _refuse(_("The file is empty."))
        if len(first) > MAX_COLUMNS:
            _too_many_columns()
        header = [h.strip() for h in first]
        yield Sheet(header=header, rows=_csv_rows(reader, records, len(header)))
    finally:
        csv.field_size_limit(previous)


def _csv_rows(reader, records, width: int) -> Iterator[tuple[int, list[object]]]:
    with _csv_errors(reader):
        for line, cells in records:
            if line > MAX_ROWS + 1:
                _too_many_rows()
            if len(cells) > MAX_COLUMNS and any(c.strip() for c in cells[MAX_COLUMNS:]):
                _too_many_columns()
            if any(c.strip() for c in cells):
                yield line, list(cells[:width])


@contextmanager
def _csv_errors(reader) -> Iterator[None]:
    try:
        yield
    except csv.Error as error:
        if "field limit" in str(error):
            _cell_too_long(reader.line_num)
        raise ImportFailed(
            [Problem(reader.line_num, "-", _("The line cannot be read as CSV."))]
        ) from error


# ---------------------------------------------------------------- Excel


@contextmanager
def _stream_xlsx(source: IO[bytes]) -> Iterator[Sheet]:
    """The first sheet, read only after the package has been checked without unpacking
    it: declared sizes, packing ratio, the sheet's declared dimension and no text run
    longer than a cell may be. Then rows are streamed and reading stops at the limit."""
    try:
        with zipfile.ZipFile(source) as archive:
            _check_package(archive)
    except ImportFailed:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError) as error:
        _unreadable(error)
    source.seek(0)
    from openpyxl import load_workbook  # openpyxl only when a sheet is read

    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        _unreadable(error)
    try:
        with _xlsx_errors():
            if not workbook.worksheets:
                _refuse(_("The file is empty."))
            worksheet = workbook.worksheets[0]
            # Explicit bounds: the size a sheet declares may be missing or wrong, and
            # openpyxl pads every row to it.
            rows = enumerate(
                worksheet.iter_rows(
                    min_row=1,
                    max_row=MAX_ROWS + 2,
                    min_col=1,
                    max_col=MAX_COLUMNS + 1,
                    values_only=True,
                ),
                start=1,
            )
            header: list[str] | None = None
            for line, cells in rows:
                _check_cells(line, cells)
                if any(c not in (None, "") for c in cells):
                    # the header is the first row with anything in it
                    _check_header_width(worksheet, line)
                    header = [str(h).strip() if h is not None else "" for h in cells[:MAX_COLUMNS]]
                    while header and not header[-1]:
                        header.pop()
                    break
            if header is None:
                _refuse(_("The file is empty."))
        yield Sheet(header=header, rows=_xlsx_rows(rows, len(header)))
    finally:
        workbook.close()


def _xlsx_rows(rows, width: int) -> Iterator[tuple[int, list[object]]]:
    with _xlsx_errors():
        for line, cells in rows:
            _check_cells(line, cells)
            if line - 1 > MAX_ROWS:
                _too_many_rows()
            if any(c not in (None, "") for c in cells):
                yield line, list(cells[:width])


def _check_cells(line: int, cells) -> None:
    if cells[MAX_COLUMNS:] and any(c not in (None, "") for c in cells[MAX_COLUMNS:]):
        _too_many_columns()
    limit = settings.MAX_CELL_CHARS
    for index, value in enumerate(cells):
        if isinstance(value, str) and len(value) > limit:
            from openpyxl.utils.cell import get_column_letter  # as late, only for the message

            _cell_too_long(line, get_column_letter(index + 1))


@contextmanager
def _xlsx_errors() -> Iterator[None]:
    try:
        yield
    except ImportFailed:
        raise
    except Exception as error:  # noqa: BLE001 - a broken sheet part, found while streaming
        _unreadable(error)


def _check_header_width(worksheet, line: int) -> None:
    """A heading beyond the last column read would be left out without a word: the
    header row alone is read at its full width (one row, at most Excel's 16,384 cells)."""
    full = next(
        worksheet.iter_rows(
            min_row=line, max_row=line, min_col=1, max_col=EXCEL_COLUMNS, values_only=True
        ),
        (),
    )
    if any(c not in (None, "") for c in full[MAX_COLUMNS:]):
        _too_many_columns()


def _check_package(archive: zipfile.ZipFile) -> None:
    members = archive.infolist()
    if len(members) > MAX_PARTS:
        _unreadable()
    unpacked = 0
    for member in members:
        unpacked += member.file_size
        if unpacked > settings.MAX_UNPACKED_BYTES:
            _refuse(
                _(
                    "The Excel file unpacks to more than %(mb)s MB. Save only the sheet with "
                    "the indicators, or use CSV."
                )
                % {"mb": settings.MAX_UNPACKED_BYTES // 1_000_000}
            )
        if member.file_size > RATIO_FROM_BYTES and member.file_size > MAX_RATIO * max(
            member.compress_size, 1
        ):
            _refuse(
                _(
                    "The Excel file is packed unusually hard (more than %(n)s times) and is "
                    "not read. Save it again from Excel, or use CSV."
                )
                % {"n": MAX_RATIO}
            )
    names = {m.filename for m in members}
    first = _first_sheet_part(archive, names)
    sheets = [first] if first else sorted(n for n in names if _WORKSHEET.match(n))
    for part in sheets:
        _check_dimension(archive, part)
    strings = [n for n in names if n.lower().endswith("sharedstrings.xml")]
    for part in [*sheets, *strings]:
        if _longest_text(archive, part) > settings.MAX_CELL_CHARS * BYTES_PER_CHAR:
            _cell_too_long()


_WORKSHEET = re.compile(r"^xl/worksheets/[^/]+\.xml$", re.IGNORECASE)
_SHEET = re.compile(rb"<(?:[\w.-]+:)?sheet\b([^>]*)>")
_RELATION_ID = re.compile(rb"\b[\w.-]+:id\s*=\s*[\"']([^\"']+)[\"']")
_RELATIONSHIP = re.compile(rb"<(?:[\w.-]+:)?Relationship\b([^>]*)>")
_ATTRIBUTE = re.compile(rb"\b(Id|Target)\s*=\s*[\"']([^\"']*)[\"']")
_DIMENSION = re.compile(rb"<(?:[\w.-]+:)?dimension\b[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")


def _head(archive: zipfile.ZipFile, part: str, size: int) -> bytes:
    with archive.open(part) as stream:
        return stream.read(size)


def _first_sheet_part(archive: zipfile.ZipFile, names: set[str]) -> str | None:
    """The part of the workbook's first sheet (as openpyxl reads it), or None when the
    package does not say plainly; then every worksheet part is checked."""
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return None
    found = _SHEET.search(_head(archive, "xl/workbook.xml", 1_000_000))
    relation = _RELATION_ID.search(found.group(1)) if found else None
    if relation is None:
        return None
    for match in _RELATIONSHIP.finditer(_head(archive, "xl/_rels/workbook.xml.rels", 1_000_000)):
        attributes = dict(_ATTRIBUTE.findall(match.group(1)))
        if attributes.get(b"Id") == relation.group(1) and b"Target" in attributes:
            target = attributes[b"Target"].decode("utf-8", "replace")
            part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            part = posixpath.normpath(part)
            return part if part in names and _WORKSHEET.match(part) else None
    return None


def _check_dimension(archive: zipfile.ZipFile, part: str) -> None:
    """The size the sheet declares (`<dimension ref="A1:K37"/>`, near its start)."""
    found = _DIMENSION.search(_head(archive, part, 16_384))
    if found is None:
        return  # not declared: the streamed reading below stops at the limits
    from openpyxl.utils.cell import range_boundaries  # openpyxl only when a sheet is read

    try:
        _min_col, _min_row, max_col, max_row = range_boundaries(found.group(1).decode("ascii"))
    except (ValueError, TypeError, UnicodeDecodeError):
        return
    if max_row is not None and max_row > MAX_ROWS + 1:
        _too_many_rows()
    if max_col is not None and max_col > MAX_COLUMNS:
        _too_many_columns()


def _longest_text(archive: zipfile.ZipFile, part: str) -> int:
    """The longest run of bytes without a tag in a part, read in pieces: a cell's text
    cannot be longer than that."""
    longest = run = 0
    with archive.open(part) as stream:
        while chunk := stream.read(1 << 20):
            pieces = chunk.split(b"<")
            if len(pieces) == 1:
                run += len(chunk)
            else:
                longest = max(longest, run + len(pieces[0]), *map(len, pieces[1:-1]))
                run = len(pieces[-1])
            longest = max(longest, run)
    return longest


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
