"""The one export-cell sanitiser (CSV/XLSX formula injection)."""

import datetime as dt
from decimal import Decimal

import pytest

from verbund.core.exports import restore_cell, safe_cell, safe_row


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
