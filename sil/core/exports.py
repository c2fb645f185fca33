"""CSV and XLSX files safe to open in a spreadsheet: every table the system writes for people
goes through here (campaign dashboards and convocation lists, sanctionable events, …).

Spreadsheets run a text cell that starts with `=`, `+`, `-` or `@` as a formula (some also after
a leading tab or carriage return): a surname such as `=HYPERLINK("http://…"&A1;"Clicca")` in a
list would become a live link that sends the neighbouring cells away. Following the OWASP
CSV-injection rule, such a text cell is prefixed with a single quote, which spreadsheets show as
text. Only text is touched: numbers (negative ones too) stay numbers. In XLSX every text cell is
also written as a string, never as a formula or an error value.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

# The first characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CSV_DELIMITER = ";"  # what spreadsheets set up for Italian open without asking
# Control characters XML (hence XLSX) cannot hold; openpyxl refuses the whole file for one.
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_XLSX_MAX_TEXT = 32_767  # Excel's limit of a cell
_PLAIN = (bool, int, float, Decimal, dt.date, dt.time, dt.timedelta)


def safe_cell(value: Any) -> Any:
    """The value as a cell that no spreadsheet evaluates: numbers, dates and None as they are,
    anything else as text, quoted when it starts like a formula."""
    if value is None or isinstance(value, _PLAIN):
        return value
    text = str(value)  # lazy translations, choices
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in row]


class CsvWriter:
    """csv.writer whose every cell goes through `safe_cell`."""

    def __init__(
        self, handle: Any, *, delimiter: str = CSV_DELIMITER, lineterminator: str = "\r\n"
    ) -> None:
        self._writer = csv.writer(handle, delimiter=delimiter, lineterminator=lineterminator)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class _Echo:
    """A file-like object whose write returns the line (a csv writer into a generator)."""

    def write(self, value: str) -> str:
        return value


def csv_lines(
    header: Sequence[Any],
    rows: Iterable[Iterable[Any]],
    *,
    delimiter: str = CSV_DELIMITER,
    bom: bool = True,
) -> Iterator[str]:
    """The file line by line, for a streamed response. The byte order mark makes spreadsheets
    read the file as UTF-8."""
    writer = CsvWriter(_Echo(), delimiter=delimiter)
    yield ("\ufeff" if bom else "") + writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)


def csv_text(
    header: Sequence[Any],
    rows: Iterable[Iterable[Any]],
    *,
    delimiter: str = CSV_DELIMITER,
    bom: bool = False,
) -> str:
    """The whole file as one string."""
    return "".join(csv_lines(header, rows, delimiter=delimiter, bom=bom))


def _xlsx_cell(sheet: WriteOnlyWorksheet, value: Any) -> Any:
    value = safe_cell(value)
    if not isinstance(value, str):
        return value
    text = _XLSX_ILLEGAL.sub("\ufffd", value)[:_XLSX_MAX_TEXT]
    if text in ERROR_CODES or text.startswith("="):
        # openpyxl would write "#N/A" as an error value (and "=…", which safe_cell has
        # already quoted, as a formula): a string is a string.
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"
        return cell
    # Any other text openpyxl writes as a string ("s"); a cell object for every text would
    # make a 50,000-row list half as slow again.
    return text


def write_xlsx(
    handle: IO[bytes] | Any,
    title: str,
    header: Sequence[Any],
    rows: Iterable[Iterable[Any]],
) -> None:
    """One sheet, header first, through openpyxl's write-only workbook (rows never all in
    memory); every cell a value."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(title)[:31])
    sheet.append([_xlsx_cell(sheet, value) for value in header])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    workbook.save(handle)
