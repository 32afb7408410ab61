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


# --- rankings (the revenue overview, its drill-down and the settlement view; #18) ----------


def _structure(mode: str) -> str:
    return _("structure of each month") if mode == "historic" else _("today's structure")


def ranking_rows(ranking: Any, *, members: bool = False) -> list[list[Any]]:
    """Every entry of a ranking (not only the shown ones: the caller passes a ranking built
    without a limit), one line each, amounts as numbers."""
    head = [
        _("Rank"),
        _("Number"),
        _("Name"),
        _("Revenue (EUR)"),
        _("Previous year (EUR)"),
        _("Change (EUR)"),
        _("Change (%)"),
        _("Share (%)"),
        _("ABC class"),
        _("Level") if members else _("Members"),
    ]
    out: list[list[Any]] = [
        [_("Period"), f"{ranking.period.first:%Y-%m}", f"{ranking.period.last:%Y-%m}"],
        [_("Previous year"), f"{ranking.previous.first:%Y-%m}", f"{ranking.previous.last:%Y-%m}"],
        [_("Structure"), _structure(ranking.mode)],
        [_("Total (EUR)"), _amount(ranking.total_cents), _amount(ranking.previous_total_cents)],
        [],
        head,
    ]
    for r in ranking.rows:
        pct = r.change_percent
        out.append(
            [
                r.rank,
                r.number,
                r.name,
                _amount(r.cents),
                _amount(r.previous_cents),
                _amount(r.change_cents),
                pct,
                r.share,
                r.abc,
                r.depth if members else r.member_count,
            ]
        )
    return out


def table_csv(table: list[list[Any]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";")
    for row in table:
        writer.writerow(safe_row(row))
    return buf.getvalue()


def table_xlsx(table: list[list[Any]], title: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title[:31]
    for row in table:
        ws.append(safe_row(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def settlement_rows(view: Any) -> list[list[Any]]:
    """The central settlement view: every delivery address, then the subtotals."""
    ranking = view.ranking
    out: list[list[Any]] = [
        [_("Period"), f"{ranking.period.first:%Y-%m}", f"{ranking.period.last:%Y-%m}"],
        [_("Previous year"), f"{ranking.previous.first:%Y-%m}", f"{ranking.previous.last:%Y-%m}"],
        [_("Structure"), _structure(ranking.mode)],
        [_("Total (EUR)"), _amount(ranking.total_cents), _amount(ranking.previous_total_cents)],
        [],
        [
            _("Number"),
            _("Name"),
            _("Member"),
            _("Sub-association"),
            _("Revenue (EUR)"),
            _("Previous year (EUR)"),
            _("Change (EUR)"),
            _("Change (%)"),
            _("Share (%)"),
        ],
    ]
    for a in view.addresses:
        r = a.row
        out.append(
            [
                r.number,
                r.name,
                a.member_name,
                a.parent_name,
                _amount(r.cents),
                _amount(r.previous_cents),
                _amount(r.change_cents),
                r.change_percent,
                r.share,
            ]
        )
    for title, totals in (
        (_("Per member"), view.members),
        (_("Per sub-association"), view.sub_associations),
    ):
        out.append([])
        out.append([title])
        for s in totals:
            out.append(
                [
                    s.number,
                    s.name,
                    "",
                    "",
                    _amount(s.cents),
                    _amount(s.previous_cents),
                    _amount(s.change_cents),
                    s.change_percent,
                    s.share,
                ]
            )
    return out
