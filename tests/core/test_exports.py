"""The spreadsheet-safe writers every export goes through (OWASP CSV-injection rule)."""

from __future__ import annotations

import ast
import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from sil.core.exports import (
    FORMULA_TRIGGERS,
    CsvWriter,
    csv_lines,
    csv_text,
    safe_cell,
    write_xlsx,
)

HYPERLINK = '=HYPERLINK("http://127.0.0.1/x"&A1,"Clicca")'
DANGEROUS = [
    HYPERLINK,
    "+39 SUM(A1:A9)",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", DANGEROUS)
def test_text_starting_like_a_formula_is_quoted(text):
    assert safe_cell(text) == "'" + text


def test_every_trigger_of_the_rule_is_covered():
    assert set(FORMULA_TRIGGERS) == {"=", "+", "-", "@", "\t", "\r"}
    assert {text[0] for text in DANGEROUS} == set(FORMULA_TRIGGERS)


@pytest.mark.parametrize(
    "value",
    [
        "Rossi",
        "D'Amico",
        "",
        "a=b",
        "Via Roma, 1 - Napoli",
        -5,
        -1.5,
        Decimal("-2.50"),
        0,
        True,
        None,
        dt.date(2026, 1, 2),
        dt.datetime(2026, 1, 2, 9, 30),
    ],
)
def test_plain_values_and_numbers_are_left_alone(value):
    assert safe_cell(value) == value
    assert type(safe_cell(value)) is type(value)


def test_lazy_text_becomes_text_and_is_checked():
    assert safe_cell(gettext_lazy("Totale")) == "Totale"
    assert safe_cell(gettext_lazy("-%s") % "x") == "'-x"


def test_csv_round_trip_keeps_numbers_and_quotes_formulas():
    text = csv_text(["nome", "saldo"], [[name, -5] for name in DANGEROUS])
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert rows[0] == ["nome", "saldo"]
    assert [row[0] for row in rows[1:]] == ["'" + name for name in DANGEROUS]
    assert {row[1] for row in rows[1:]} == {"-5"}  # a negative number stays a number


def test_streamed_lines_start_with_the_byte_order_mark_and_quote_the_header_too():
    lines = list(csv_lines(["=intestazione"], [["-x"]]))
    assert lines == ["\ufeff'=intestazione\r\n", "'-x\r\n"]


def test_writer_on_a_file_quotes_every_row():
    out = io.StringIO()
    writer = CsvWriter(out, delimiter=",")
    writer.writerow(["@a", 1])
    writer.writerows([["+b", -1], ["c", 2]])
    assert out.getvalue() == "'@a,1\r\n'+b,-1\r\nc,2\r\n"


def _sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "".join(
            archive.read(name).decode()
            for name in archive.namelist()
            if name.startswith("xl/worksheets/")
        )


def test_xlsx_holds_values_only():
    out = io.BytesIO()
    rows = [[name, -5, 2.5] for name in DANGEROUS] + [["#N/A", 0, None], ["bell\x07", 1, 1]]
    write_xlsx(out, "=Foglio", ["=nome", "saldo", "quota"], rows)
    data = out.getvalue()
    assert "<f>" not in _sheet_xml(data) and "<f " not in _sheet_xml(data)
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert all(cell.data_type != "f" for cell in cells)
    assert all(cell.data_type == "s" for cell in cells if isinstance(cell.value, str))
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == ["'=nome", "saldo", "quota"]
    # XML reads a carriage return back as a line feed.
    expected = ["'" + name.replace("\r", "\n") for name in DANGEROUS]
    assert [row[0] for row in values[1:7]] == expected
    assert {row[1] for row in values[1:7]} == {-5}  # numbers stay numbers
    assert values[7][0] == "#N/A"  # a string, not an Excel error value
    assert values[8][0] == "bell\ufffd"  # a character XML cannot hold does not break the file


# -- every file the system writes goes through the helper ------------------------------------

ROOT = Path(__file__).resolve().parents[2] / "sil"
HELPER = ROOT / "core" / "exports.py"
# Writers of *input* files for our own importers (demo and benchmark lists): the importers read
# them back, so their cells must stay exactly as generated; nobody opens them in a spreadsheet.
IMPORT_FIXTURES = {
    ROOT / "campaigns" / "demo.py",
    ROOT / "campaigns" / "bench.py",
    ROOT / "scale" / "bench_load.py",
}


def _writer_calls(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            owner = getattr(func.value, "id", "") if isinstance(func, ast.Attribute) else ""
            if (name in {"writer", "DictWriter"} and owner == "csv") or name == "Workbook":
                found.append(f"{path.relative_to(ROOT.parent)}:{node.lineno}: {name}")
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("openpyxl"):
            names = {alias.name for alias in node.names}
            if names & {"Workbook", "WriteOnlyCell"}:
                found.append(f"{path.relative_to(ROOT.parent)}:{node.lineno}: import {names}")
    return found


def test_no_csv_or_xlsx_is_written_outside_the_helper():
    """A new export that builds its own csv.writer or Workbook would skip the neutralisation."""
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        if path == HELPER or path in IMPORT_FIXTURES or "migrations" in path.parts:
            continue
        found.extend(_writer_calls(path))
    assert found == []


def test_the_scan_sees_a_writer():
    assert _writer_calls(HELPER)  # the helper itself is found, so the scan is not blind
    assert all(path.exists() for path in IMPORT_FIXTURES)
