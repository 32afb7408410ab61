"""Spreadsheet-safe cells: the one place that neutralises formulas (CSV/XLSX injection).

Every CSV and XLSX writer passes its cells through :func:`safe_cell` (or :func:`safe_row`).
A text that a spreadsheet would run or shift (starting with ``= + - @``, a tab or a carriage
return) gets a leading apostrophe, so it is shown as text; numbers, dates and ``None`` pass
unchanged, so amounts must be handed over as numbers (``Decimal``, ``int``), not as text.
Imports of files Verbund wrote remove exactly that apostrophe again (:func:`restore_cell`).
"""

import tempfile
from collections.abc import Iterable
from numbers import Number
from typing import IO, Any

import xlsxwriter

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


def xlsx_file(sheet: str, header: list[str], rows: Iterable[Iterable[Any]]) -> IO[bytes]:
    """A one-sheet workbook of ``header`` and ``rows`` in a temporary file, rewound for
    streaming. xlsxwriter's constant-memory mode writes each row to disk as it comes, so a
    134,000-row tree never sits in memory. Every cell passes :func:`safe_cell`; texts are
    written as texts and numbers as numbers (no text turns into a formula, link or number on
    the way), typed directly rather than through ``write_row``'s guessing (a tenth faster)."""
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
    ws = book.add_worksheet(sheet.translate(_SHEET_SAFE)[:31].strip("' ") or "Export")
    ws.write_row(0, 0, header)
    text, number, other = ws.write_string, ws.write_number, ws.write
    for r, row in enumerate(rows, 1):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, str):
                text(r, c, safe_cell(value))
            elif isinstance(value, Number) and not isinstance(value, bool):
                number(r, c, value)
            else:
                other(r, c, value)
    book.close()
    out.seek(0)
    return out
