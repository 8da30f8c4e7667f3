"""CSV and XLSX writers with constant memory, and the cell rules both follow.

Row builders hand plain Python values (str, int, float, Decimal, bool, date, aware datetime,
None); the writers turn them into cells:

* text that a spreadsheet would read as a formula (starting with ``= + - @``, a tab or a carriage
  return) gets a leading apostrophe, so a subject such as ``=HYPERLINK(…)`` stays text
  (CSV/formula injection); numbers are never touched, so a negative NPS stays a number;
* aware datetimes are shown in the export's timezone (the column title names it), without offset,
  as spreadsheets expect; dates stay dates;
* booleans become «Sí» / «No»; None an empty cell.

XLSX uses openpyxl's write-only mode (rows are streamed to the file, never kept), starts a new
sheet every 1,048,575 rows (Excel's limit) and may add a notes sheet; CSV is UTF-8 with a BOM so
that Excel reads the accents, and has one table.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import IO, Any, Protocol
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAX_ROWS = 1_048_576  # per sheet, header included
XLSX_MAX_CELL_CHARS = 32_767
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def neutralised(text: str) -> str:
    """Text that cannot run as a formula in a spreadsheet."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


Converter = Callable[[Any], Any]


def converters(tz: ZoneInfo, fmt: str) -> dict[type, Converter]:
    """Cell converters by the value's exact type, for one export (the hot loop: one dict look-up
    per cell instead of a chain of isinstance checks and a gettext per boolean)."""
    yes, no = _("Sí"), _("No")

    def local(value: dt.datetime) -> dt.datetime:
        if value.tzinfo is None:
            return value.replace(microsecond=0)
        return value.astimezone(tz).replace(tzinfo=None, microsecond=0)

    def same(value: Any) -> Any:
        return value

    if fmt == "csv":

        def csv_text(value: str) -> str:
            return "'" + value if value.startswith(FORMULA_TRIGGERS) else value

        return {
            str: csv_text,
            type(None): lambda value: "",
            bool: lambda value: yes if value else no,
            int: str,
            float: str,
            Decimal: str,
            dt.datetime: lambda value: local(value).isoformat(" ", "minutes"),
            dt.date: lambda value: value.isoformat(),
        }

    def xlsx_text(value: str) -> str:
        if value.startswith(FORMULA_TRIGGERS):
            value = "'" + value
        if ILLEGAL_CHARACTERS_RE.search(value):  # openpyxl refuses control characters
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        return value[:XLSX_MAX_CELL_CHARS]  # Excel's longest cell

    return {
        str: xlsx_text,
        type(None): same,
        bool: lambda value: yes if value else no,
        int: same,
        float: same,
        Decimal: float,
        dt.datetime: local,
        dt.date: same,
    }


def convert(value: Any, table: dict[type, Converter]) -> Any:
    """One cell; a type the table does not know (a lazy translation…) is written as text."""
    converter = table.get(type(value))
    return converter(value) if converter is not None else table[str](str(value))


def csv_cell(value: Any, tz: ZoneInfo) -> str:
    return convert(value, converters(tz, "csv"))


def xlsx_cell(value: Any, tz: ZoneInfo) -> Any:
    return convert(value, converters(tz, "xlsx"))


class TableWriter(Protocol):
    def table(self, title: str, headers: Sequence[str], widths: Sequence[int] = ()) -> None: ...

    def row(self, values: Sequence[Any]) -> None: ...

    def notes(self, title: str, lines: Sequence[tuple[str, Any]]) -> None: ...

    def finish(self) -> None: ...


class CsvTableWriter:
    """Rows to a text stream opened with ``newline=""`` (see :func:`open_csv`)."""

    def __init__(self, stream: IO[str], tz: ZoneInfo) -> None:
        self.writer = csv.writer(stream)
        self.tz = tz
        self.cells = converters(tz, "csv")
        self.tables = 0

    def table(self, title: str, headers: Sequence[str], widths: Sequence[int] = ()) -> None:
        if self.tables:
            self.writer.writerow([])
        self.tables += 1
        self.writer.writerow([neutralised(str(h)) for h in headers])

    def row(self, values: Sequence[Any]) -> None:
        cells, text = self.cells, self.cells[str]
        self.writer.writerow(
            [c(v) if (c := cells.get(type(v))) is not None else text(str(v)) for v in values]
        )

    def notes(self, title: str, lines: Sequence[tuple[str, Any]]) -> None:
        """A CSV holds one table: the notes go only into workbooks."""

    def finish(self) -> None:
        pass


def open_csv(target: str | IO[bytes]) -> IO[str]:
    """A text stream for csv.writer: UTF-8 with a BOM (Excel reads the accents). Caller closes."""
    if isinstance(target, str):
        return open(target, "w", encoding="utf-8-sig", newline="")
    return io.TextIOWrapper(target, encoding="utf-8-sig", newline="", write_through=True)


class XlsxTableWriter:
    """Rows streamed into a write-only workbook saved to `target` (a path or a binary file)."""

    def __init__(self, target: str | IO[bytes], tz: ZoneInfo) -> None:
        self.target = target
        self.tz = tz
        self.cells = converters(tz, "xlsx")
        self.workbook = Workbook(write_only=True)
        self.sheet: Any = None
        self.title = ""
        self.headers: list[str] = []
        self.widths: Sequence[int] = ()
        self.rows_in_sheet = 0
        self.sheets_of_table = 0
        self.bold = Font(bold=True)

    def _new_sheet(self) -> None:
        self.sheets_of_table += 1
        suffix = f" ({self.sheets_of_table})" if self.sheets_of_table > 1 else ""
        self.sheet = self.workbook.create_sheet(title=(self.title[: 31 - len(suffix)] + suffix))
        self.sheet.freeze_panes = "A2"
        for index, width in enumerate(self.widths, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = width
        header = []
        for text in self.headers:
            cell = WriteOnlyCell(self.sheet, value=convert(text, self.cells))
            cell.font = self.bold
            header.append(cell)
        self.sheet.append(header)
        self.rows_in_sheet = 1

    def table(self, title: str, headers: Sequence[str], widths: Sequence[int] = ()) -> None:
        self.title = _sheet_title(title)
        self.headers = [str(h) for h in headers]
        self.widths = widths
        self.sheets_of_table = 0
        self._new_sheet()

    def row(self, values: Sequence[Any]) -> None:
        if self.rows_in_sheet >= XLSX_MAX_ROWS:
            self._new_sheet()
        cells, text = self.cells, self.cells[str]
        self.sheet.append(
            [c(v) if (c := cells.get(type(v))) is not None else text(str(v)) for v in values]
        )
        self.rows_in_sheet += 1

    def notes(self, title: str, lines: Sequence[tuple[str, Any]]) -> None:
        sheet = self.workbook.create_sheet(title=_sheet_title(title))
        sheet.column_dimensions["A"].width = 34
        sheet.column_dimensions["B"].width = 80
        for label, value in lines:
            cell = WriteOnlyCell(sheet, value=convert(label, self.cells))
            cell.font = self.bold
            sheet.append([cell, convert(value, self.cells)])

    def finish(self) -> None:
        if not self.workbook.worksheets:
            self.workbook.create_sheet()
        self.workbook.save(self.target)


def _sheet_title(title: str) -> str:
    # Excel: at most 31 characters, none of []:*?/\
    cleaned = "".join(" " if c in "[]:*?/\\" else c for c in str(title)).strip("' ")
    return cleaned[:31] or "Hoja"


class _Line:
    """A file-like that hands back what csv.writer writes (Django's streaming-CSV pattern)."""

    def write(self, value: str) -> str:
        return value


def csv_stream(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], tz: ZoneInfo
) -> Iterator[bytes]:
    """A CSV answer as encoded lines, for StreamingHttpResponse (BOM first)."""
    writer = csv.writer(_Line())
    cells = converters(tz, "csv")
    yield "\ufeff".encode()
    yield writer.writerow([neutralised(str(h)) for h in headers]).encode()
    for values in rows:
        yield writer.writerow([convert(v, cells) for v in values]).encode()
