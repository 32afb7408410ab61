"""Per-run screening reports as CSV and PDF.

A report is the run's snapshot (``RunFinding``, written with the run's hits) and reads the same
for ever: later runs and reviews change the hits, never what a run found. The PDF carries the
run's own times only, so the same run gives the same bytes.
"""

import csv
import io
from typing import Any

from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from fpdf import FPDF

from verbund.compliance.models import RunFinding, ScreeningRun
from verbund.core.exports import safe_cell
from verbund.core.formatting import format_number

COLUMNS = [
    "party_number",
    "party_name",
    "list",
    "entry_id",
    "entry_name",
    "matched_name",
    "score",
    "status",
    "reason",
    "reviewed_by",
    "reviewed_at",
]


def run_findings(run: ScreeningRun) -> QuerySet[RunFinding]:
    """What the run found, as it stood then, best score first (the run page, the reports)."""
    return RunFinding.objects.filter(run=run).order_by("-score", "id")


def run_rows(run: ScreeningRun) -> list[dict[str, Any]]:
    """The run's findings as report rows, best score first."""
    rows = []
    for f in run_findings(run):
        rows.append(
            {
                "party_number": f.party_number, "party_name": f.party_name, "list": f.list_key,
                "entry_id": f.entry_external_id, "entry_name": f.entry_name, "matched_name": f.matched_name,
                "score": f"{f.score:.2f}", "status": f.get_status_display(), "reason": f.reason,
                "reviewed_by": f.reviewed_by,
                "reviewed_at": f.reviewed_at.isoformat(timespec="minutes") if f.reviewed_at else "",
            }
        )  # fmt: skip
    return rows


def run_csv(run: ScreeningRun) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, delimiter=";")
    writer.writeheader()
    writer.writerows({k: safe_cell(v) for k, v in row.items()} for row in run_rows(run))
    return buf.getvalue()


def _moment(value: Any) -> str:
    """A time stamp in the reader's language and time zone ("05.12.2026 14:30")."""
    return date_format(localtime(value), "SHORT_DATETIME_FORMAT")


def _latin(text: str) -> str:
    # The core PDF fonts speak Latin-1 only; anything else is transliterated.
    from anyascii import anyascii

    return "".join(ch if ord(ch) < 256 else anyascii(ch) for ch in str(text))


def run_pdf(run: ScreeningRun) -> bytes:
    pdf = FPDF(orientation="L", format="A4")
    pdf.set_creation_date(run.finished_at or run.started_at)
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(
        0,
        8,
        _latin(_("Screening report, run #%(id)s") % {"id": run.pk}),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("Helvetica", "", 9)
    end = _moment(run.finished_at) if run.finished_at else _("not finished")
    meta = _("Trigger: %(trigger)s · started %(start)s · finished %(end)s · status %(status)s · parties %(total)s · hits %(hits)s · threshold %(threshold)s") % {
        "trigger": run.get_trigger_display(), "start": _moment(run.started_at), "end": end,
        "status": run.get_status_display(), "total": format_number(run.total), "hits": format_number(run.hit_count),
        "threshold": format_number(run.threshold, 2),
    }  # fmt: skip
    pdf.multi_cell(0, 5, _latin(meta), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    widths = [22, 55, 18, 22, 65, 14, 28, 50]
    heads = [
        _("Number"),
        _("Party"),
        _("List"),
        _("Entry"),
        _("Listed name"),
        _("Score"),
        _("Status"),
        _("Reason"),
    ]
    pdf.set_font("Helvetica", "B", 8)
    for w, h in zip(widths, heads, strict=True):
        pdf.cell(w, 6, _latin(h), border=1)
    pdf.ln()
    pdf.set_font("Helvetica", "", 8)
    for r in run_rows(run):
        values = [
            r["party_number"],
            r["party_name"],
            r["list"],
            r["entry_id"],
            r["entry_name"],
            r["score"],
            r["status"],
            r["reason"],
        ]
        for w, v in zip(widths, values, strict=True):
            text = _latin(v)
            while text and pdf.get_string_width(text) > w - 2:
                text = text[:-2]
            pdf.cell(w, 5, text, border=1)
        pdf.ln()
    return bytes(pdf.output())
