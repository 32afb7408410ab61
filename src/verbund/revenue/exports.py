"""CSV and XLSX exports of revenue figures, safe against formula injection.

Every export is one table: its header in the first line, one line per entry, then (after an
empty line) what the table is about: period, structure and totals. The header comes first so
that a spreadsheet can filter and sort the entries, and so that the XLSX is written by the
project's one fast writer (``core.exports.xlsx_file``, which takes a header and rows). Cells
pass ``core.exports.safe_cell`` in both formats; amounts are numbers.

The CSV is written for German Excel, as the project's other CSV exports (hierarchy,
selection) are: a byte order mark first (else Excel reads the UTF-8 as ANSI and garbles the
umlauts), ``;`` between cells, and, new with the amounts, the decimal comma ("1234,56", no
thousands separator), which German Excel reads as a number where "1234.56" became text or a
date. The XLSX keeps numbers as numbers (decision 0050). Both are for people: a month reads
as the pages name it ("Jan. 2025"), scope, structure and hierarchy type by their names in the
user's language; the API keeps "2025-01" and the keys.
"""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from verbund.core.exports import csv_text
from verbund.relationships.models import RelationshipType
from verbund.revenue.periods import Period, month_label
from verbund.revenue.selectors import SCOPE_LABELS, STRUCTURE_LABELS, Figures, cents_str

# A table: its header and its lines (a line may be shorter than the header).
Table = tuple[list[str], list[list[Any]]]


def _amount(cents: int) -> Decimal:
    # A number, not text: the sanitiser leaves it alone and a spreadsheet can add it up.
    return Decimal(cents_str(cents))


def to_csv(table: Table) -> str:
    """The table as the CSV people open in Excel (``core.exports.csv_text``)."""
    header, lines = table
    return csv_text(header, lines)


def _months(period: Period) -> list[str]:
    """A period's first and last month as the pages name months ("Jan. 2025", "Nov. 2025");
    the API keeps "2025-01" (a machine format)."""
    return [month_label(period.first), month_label(period.last)]


def type_name(key: str | None) -> str:
    """The hierarchy type's name in the user's language ("Konzern"), its key if it has gone."""
    if not key:
        return ""
    rtype = RelationshipType.objects.filter(key=key).first()
    return rtype.name if rtype is not None else key


def rows(figures: Figures) -> Table:
    """One party's figures: the months, then the members (largest first), then the scope,
    each told as the pages tell it (months, scope, structure and type by name, not by key)."""
    header = [_("Month"), _("Number"), _("Name"), _("Revenue (EUR)")]
    out: list[list[Any]] = [[month_label(m), "", "", _amount(c)] for m, c in figures.months]
    out.extend(["", m.number, m.name, _amount(m.cents)] for m in figures.members)
    out.append([])
    out.extend(
        [
            [_("Scope"), str(SCOPE_LABELS.get(figures.scope, figures.scope))],
            [_("Structure"), _structure(figures.structure)],
            [_("Type"), type_name(figures.type_key)],
            [_("Period"), *_months(figures.period)],
            [_("Total (EUR)"), _amount(figures.total_cents)],
        ]
    )
    return header, out


def _structure(key: str) -> str:
    return str(STRUCTURE_LABELS.get(key, key))


# --- rankings (the revenue overview, its drill-down and the settlement view; #18) ----------


def _about(ranking: Any) -> list[list[Any]]:
    """The lines after a ranking's entries: periods, structure, totals."""
    return [
        [],
        [_("Period"), *_months(ranking.period)],
        [_("Previous year"), *_months(ranking.previous)],
        [_("Structure"), _structure(ranking.mode)],
        [_("Total (EUR)"), _amount(ranking.total_cents), _amount(ranking.previous_total_cents)],
    ]


def ranking_rows(ranking: Any, *, members: bool = False) -> Table:
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
        [
            r.rank,
            r.number,
            r.name,
            _amount(r.cents),
            _amount(r.previous_cents),
            _amount(r.change_cents),
            r.change_percent,
            r.share,
            r.abc,
            r.depth if members else r.member_count,
        ]
        for r in ranking.rows
    ]
    return head, out + _about(ranking)


def _settlement_line(number: str, name: str, member: str, parent: str, figures: Any) -> list[Any]:
    return [
        number,
        name,
        member,
        parent,
        _amount(figures.cents),
        _amount(figures.previous_cents),
        _amount(figures.change_cents),
        figures.change_percent,
        figures.share,
    ]


def settlement_rows(view: Any) -> Table:
    """The central settlement view: every delivery address (all of them, not only the page
    shown), then the subtotals, then periods and totals."""
    head = [
        _("Number"),
        _("Name"),
        _("Member"),
        _("Sub-association"),
        _("Revenue (EUR)"),
        _("Previous year (EUR)"),
        _("Change (EUR)"),
        _("Change (%)"),
        _("Share (%)"),
    ]
    out: list[list[Any]] = [
        _settlement_line(a.row.number, a.row.name, a.member_name, a.parent_name, a.row)
        for a in view.addresses
    ]
    subtotals: Iterable[tuple[str, Any]] = (
        (_("Per member"), view.members),
        (_("Per sub-association"), view.sub_associations),
    )
    for title, totals in subtotals:
        out.append([])
        out.append([title])
        out.extend(_settlement_line(s.number, s.name, "", "", s) for s in totals)
    return head, out + _about(view.ranking)
