"""CSV and XLSX exports of revenue figures, safe against formula injection."""

import csv
import io
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook

from verbund.core.exports import safe_row
from verbund.revenue.selectors import Figures, cents_str


def _amount(cents: int) -> Decimal:
    # A number, not text: the sanitiser leaves it alone and a spreadsheet can add it up.
    return Decimal(cents_str(cents))


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
    out.append([_("Total (EUR)"), _amount(figures.total_cents)])
    out.append([])
    out.append([_("Month"), _("Revenue (EUR)")])
    out.extend([f"{m:%Y-%m}", _amount(c)] for m, c in figures.months)
    if figures.members:
        out.append([])
        out.append([_("Number"), _("Name"), _("Revenue (EUR)")])
        out.extend([m.number, m.name, _amount(m.cents)] for m in figures.members)
    return out


def to_csv(figures: Figures) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";")
    for row in rows(figures):
        writer.writerow(safe_row(row))
    return buf.getvalue()


def to_xlsx(figures: Figures) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _("Revenue")[:31]
    for row in rows(figures):
        ws.append(safe_row(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
