"""CSV and XLSX exports of revenue figures, safe against formula injection."""

import csv
import io
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook

from verbund.revenue.selectors import Figures, cents_str

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Text starting like a formula gets a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def rows(figures: Figures) -> list[list[Any]]:
    out: list[list[Any]] = [
        [
            _("Scope"),
            figures.scope,
            _("Structure"),
            figures.structure,
            _("Type"),
            figures.type_key or "",
        ]
    ]
    out.append([_("Period"), f"{figures.period.first:%Y-%m}", f"{figures.period.last:%Y-%m}"])
    out.append([_("Total (EUR)"), cents_str(figures.total_cents)])
    out.append([])
    out.append([_("Month"), _("Revenue (EUR)")])
    out.extend([f"{m:%Y-%m}", cents_str(c)] for m, c in figures.months)
    if figures.members:
        out.append([])
        out.append([_("Number"), _("Name"), _("Revenue (EUR)")])
        out.extend([m.number, m.name, cents_str(m.cents)] for m in figures.members)
    return out


def to_csv(figures: Figures) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";")
    for row in rows(figures):
        # Amounts are written as plain decimal strings; only text cells can carry formulas.
        writer.writerow([neutralise(v) if not _is_amount(v) else v for v in row])
    return buf.getvalue()


def _is_amount(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    text = value[1:] if value.startswith("-") else value
    return text.replace(".", "", 1).isdigit()


def to_xlsx(figures: Figures) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _("Revenue")[:31]
    for row in rows(figures):
        ws.append([Decimal(v) if _is_amount(v) else neutralise(v) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
