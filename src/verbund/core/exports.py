"""Spreadsheet-safe cells: the one place that neutralises formulas (CSV/XLSX injection).

Every CSV and XLSX writer passes its cells through :func:`safe_cell` (or :func:`safe_row`).
A text that a spreadsheet would run or shift (starting with ``= + - @``, a tab or a carriage
return) gets a leading apostrophe, so it is shown as text; numbers, dates and ``None`` pass
unchanged, so amounts must be handed over as numbers (``Decimal``, ``int``), not as text.
Imports of files Verbund wrote remove exactly that apostrophe again (:func:`restore_cell`).
"""

from collections.abc import Iterable
from typing import Any

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
