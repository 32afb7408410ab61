"""Spreadsheet-safe cells: the one place that neutralises formulas (CSV/XLSX injection).

Every CSV and XLSX writer passes its cells through :func:`safe_cell` (or :func:`safe_row`).
A text that a spreadsheet would run or shift (starting with ``= + - @``, a tab or a carriage
return) gets a leading apostrophe, so it is shown as text; numbers, dates and ``None`` pass
unchanged, so amounts must be handed over as numbers (``Decimal``, ``int``), not as text.
Imports of files Verbund wrote remove exactly that apostrophe again (:func:`restore_cell`).
"""

import csv
import datetime as dt
import io
import itertools
import re
import tempfile
from collections.abc import Iterable, Iterator
from decimal import Decimal
from numbers import Number
from typing import IO, Any

import rustpy_xlsxwriter
import xlsxwriter

# The media type of an XLSX workbook, for the responses that send one.
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISED = frozenset("'" + c for c in FORMULA_STARTS)


def safe_cell(value: Any) -> Any:
    """``value`` as a spreadsheet shows it as written: text never starts a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]


def restore_cell(text: str) -> str:
    """The text :func:`safe_cell` was given (for imports of Verbund's own exports)."""
    return text[1:] if text[:2] in NEUTRALISED else text


# Characters a sheet name may not hold.
_SHEET_SAFE = str.maketrans({c: " " for c in "[]:*?/\\"})


def sheet_name(sheet: str) -> str:
    """``sheet`` as a worksheet may be named: no ``[]:*?/\\``, at most 31 characters."""
    return sheet.translate(_SHEET_SAFE)[:31].strip("' ") or "Export"


# A text of a sign, digits and the marks phone numbers and amounts are written with ("+49 30
# 3601 9056", "-7,4"): it can call nothing, and a workbook types it as text.
_PLAIN_NUMBER = re.compile(r"[+\-][0-9 ()/.,\-]*[0-9][0-9 ()/.,\-]*")


def _cell(value: Any) -> Any:
    """One cell for a writer that types by the Python type: texts through :func:`safe_cell`
    (only texts can start a formula), numbers as numbers, ``bool``, dates and ``None`` as they
    are, anything else (e.g. a lazy translation) as its text. A workbook's text cell is never
    read as a formula when opened, so a plain signed number ("+49 30 3601 9056") keeps its
    sign without an apostrophe there; a CSV cell is parsed on opening and keeps it."""
    kind = type(value)
    if kind is str:
        return value if _PLAIN_NUMBER.fullmatch(value) else safe_cell(value)
    if value is None or kind is int or kind is float or kind is bool:
        return value
    if isinstance(value, Number | dt.date) and not isinstance(value, str):
        return value
    return safe_cell(str(value))


def xlsx_file(sheet: str, header: list[str], rows: Iterable[Iterable[Any]]) -> IO[bytes]:
    """A one-sheet workbook of ``header`` and ``rows`` in a temporary file, rewound for
    streaming. Every text passes :func:`safe_cell`; texts are written as texts and numbers as
    numbers (no text turns into a formula, link or number on the way); ``None`` leaves the
    cell empty.

    Written by rust_xlsxwriter (through ``rustpy_xlsxwriter``, decision 0033) in its
    constant-memory mode: a row is turned into cells and written to disk as it comes, so a
    134,000-row tree never sits in memory, in a sixth of xlsxwriter's time. The texts are
    neutralised here, in Python, before the writer sees them: its only conversions (links,
    formulas) are asked for by column and are never asked for here. A header with a label
    twice (the writer takes rows as ``{label: value}``) and an export without rows go through
    :func:`xlsx_file_xlsxwriter`, which writes the same cells."""
    if len(set(header)) != len(header):
        return xlsx_file_xlsxwriter(sheet, header, rows)
    it = iter(rows)
    first = next(it, None)
    if first is None:
        return xlsx_file_xlsxwriter(sheet, header, ())
    labels = [str(h) for h in header]
    width = len(labels)

    def records() -> Iterator[dict[str, Any]]:
        for row in itertools.chain((first,), it):
            values = [_cell(v) for v in row]
            if len(values) < width:  # a short row: the cells it lacks stay empty
                values += [None] * (width - len(values))
            yield dict(zip(labels, values, strict=False))

    out = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the response that streams it
    rustpy_xlsxwriter.write_worksheet(records(), out, sheet_name=sheet_name(sheet))
    out.seek(0)
    return out


def xlsx_file_xlsxwriter(sheet: str, header: list[str], rows: Iterable[Iterable[Any]]) -> IO[bytes]:
    """:func:`xlsx_file` written by xlsxwriter in its constant-memory mode (Python: about six
    times slower; the benchmark measures both on the same rows). Every cell passes
    :func:`safe_cell`; texts are written as texts and numbers as numbers, typed directly
    rather than through ``write_row``'s guessing."""
    out = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the response that streams it
    book = xlsxwriter.Workbook(
        out,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    ws = book.add_worksheet(sheet_name(sheet))
    ws.write_row(0, 0, [str(h) for h in header])
    text, number, other = ws.write_string, ws.write_number, ws.write
    for r, row in enumerate(rows, 1):
        for c, value in enumerate(row):
            value = _cell(value)
            if value is None:
                continue
            kind = type(value)
            if kind is str:
                text(r, c, value)
            elif kind is not bool and isinstance(value, Number):
                number(r, c, value)
            else:
                other(r, c, value)
    book.close()
    out.seek(0)
    return out


# --- CSV for spreadsheets ---------------------------------------------------------------
# What German Excel opens as columns: UTF-8 with a byte order mark, semicolons.
CSV_BOM = "\ufeff"
CSV_CHUNK = 2000  # rows per piece of a streamed CSV


def excel_cell(value: Any) -> Any:
    """A cell as German Excel reads a ``;``-separated file: a number with a fraction in the
    decimal comma ("-1234,56", "0,5"), without exponent or thousands separator; anything
    else as it is. After :func:`safe_cell`, which leaves numbers alone."""
    if isinstance(value, float):
        value = Decimal(str(value))
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    return value


def csv_pieces(
    header: Iterable[Any], rows: Iterable[Iterable[Any]], *, chunk: int = CSV_CHUNK
) -> Iterator[str]:
    """A CSV for spreadsheets in pieces of ``chunk`` rows, to stream: the byte order mark,
    ``;`` between cells, every cell through :func:`safe_cell` and :func:`excel_cell`. The
    one writer of every CSV download people open in Excel (machine formats, the API's and
    the ERP exchange, keep their own)."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";")
    buf.write(CSV_BOM)
    writer.writerow(safe_row(header))
    for n, row in enumerate(rows, 1):
        writer.writerow([excel_cell(v) for v in safe_row(row)])
        if n % chunk == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def csv_text(header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> str:
    """:func:`csv_pieces` as one text."""
    return "".join(csv_pieces(header, rows))
