"""The one export-cell sanitiser (CSV/XLSX formula injection)."""

import datetime as dt
import io
from decimal import Decimal
from typing import IO, Any

import pytest
from openpyxl import load_workbook

from verbund.core.exports import (
    restore_cell,
    safe_cell,
    safe_row,
    sheet_name,
    xlsx_file,
    xlsx_file_xlsxwriter,
)


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_text_that_starts_like_a_formula_is_written_as_text(start: str) -> None:
    assert safe_cell(f"{start}SUM(A1)") == f"'{start}SUM(A1)"


def test_ordinary_text_numbers_and_dates_pass_unchanged() -> None:
    assert safe_row(["Müller GmbH", "", None, Decimal("-5.00"), -3, dt.date(2025, 1, 1)]) == [
        "Müller GmbH", "", None, Decimal("-5.00"), -3, dt.date(2025, 1, 1),
    ]  # fmt: skip


@pytest.mark.parametrize("text", ["=1+2", "+49 221 1", "-5", "@home", "\tx", "\rx", "plain", "'"])
def test_restore_gives_back_what_was_sanitised(text: str) -> None:
    assert restore_cell(safe_cell(text)) == text


def _cells(book: IO[bytes]) -> list[tuple[Any, ...]]:
    sheet = load_workbook(io.BytesIO(book.read())).active
    return [tuple((c.value, c.data_type) for c in row) for row in sheet.iter_rows()]


HEADER = ["Level", "Name", "Amount", "Note"]
ROWS = [
    (0, '=HYPERLINK("http://x")', Decimal("12.50"), "+49 221 1"),
    (1, "0123", 7, "\tKöln"),
    (4, "-2+3", 1, "+cmd|' /C calc'!A0"),
    (2, "http://example.org", -3.5, None),
    (3, "true", True, ""),
]


@pytest.mark.parametrize("writer", [xlsx_file, xlsx_file_xlsxwriter])
def test_the_workbook_keeps_texts_as_texts_numbers_as_numbers_and_neutralises_formulas(
    writer: Any,
) -> None:
    cells = _cells(writer("Gruppe", HEADER, iter(ROWS)))
    assert cells[0] == tuple((h, "s") for h in HEADER)
    values = [[v for v, _t in row] for row in cells[1:]]
    assert [row[1] for row in values] == [
        "'=HYPERLINK(\"http://x\")", "0123", "'-2+3", "http://example.org", "true",
    ]  # fmt: skip
    # A phone number keeps its sign without an apostrophe: a text cell is never a formula on
    # opening, and a sign and digits call nothing (decision 0052); what could call stays text.
    assert [row[3] for row in values[:3]] == ["+49 221 1", "'\tKöln", "'+cmd|' /C calc'!A0"]
    assert [row[0] for row in values] == [0, 1, 4, 2, 3]
    assert values[0][2] == 12.5 and values[1][2] == 7 and values[3][2] == -3.5
    assert values[4][2] is True
    # Texts are strings, numbers numbers: nothing became a formula, a link or a number.
    for row in cells[1:]:
        assert row[0][1] == "n" and row[1][1] == "s"
        assert row[2][1] in ("n", "b")
    assert not values[3][3]  # None leaves the cell empty


@pytest.mark.parametrize("writer", [xlsx_file, xlsx_file_xlsxwriter])
def test_an_export_without_rows_is_its_header(writer: Any) -> None:
    assert _cells(writer("Leer", HEADER, iter(()))) == [tuple((h, "s") for h in HEADER)]


def test_a_header_with_a_label_twice_keeps_both_columns() -> None:
    cells = _cells(xlsx_file("x", ["Name", "Name"], [("a", "=b")]))
    assert [[v for v, _t in row] for row in cells] == [["Name", "Name"], ["a", "'=b"]]


def test_the_sheet_name_loses_what_a_sheet_name_may_not_hold() -> None:
    book = load_workbook(io.BytesIO(xlsx_file("a/b:c*[d]?" + "x" * 40, HEADER, ROWS).read()))
    assert book.sheetnames == ["a b c  d  " + "x" * 21]
    assert sheet_name("''") == "Export"


def test_a_spreadsheet_csv_has_a_bom_semicolons_decimal_commas_and_no_formula() -> None:
    from verbund.core.exports import csv_pieces, csv_text

    rows = [("=SUM(A1)", Decimal("-1234.56"), 0.5, 7, "+49 221 1"), ("Köln", None, "", 0, "x")]
    text = csv_text(["Name", "Betrag", "Anteil", "Anzahl", "Telefon"], rows)
    assert text.startswith("\ufeffName;Betrag;Anteil;Anzahl;Telefon\r\n")
    assert "'=SUM(A1);-1234,56;0,5;7;'+49 221 1\r\n" in text
    assert text.endswith("Köln;;;0;x\r\n")
    pieces = list(csv_pieces(["a"], ([i] for i in range(5)), chunk=2))
    assert len(pieces) == 3 and "".join(pieces) == "\ufeffa\r\n0\r\n1\r\n2\r\n3\r\n4\r\n"
