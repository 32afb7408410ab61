"""Per-run screening reports as CSV and PDF."""

import csv
import io
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

from verbund.compliance.models import Hit, ScreeningRun
from verbund.core.exports import safe_cell

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


def run_rows(run: ScreeningRun) -> list[dict[str, Any]]:
    rows = []
    for h in (
        Hit.objects.filter(run=run)
        .select_related("party", "list", "reviewed_by")
        .order_by("-score", "id")
    ):
        rows.append(
            {
                "party_number": h.party.number, "party_name": h.party.display_name, "list": h.list.key,
                "entry_id": h.entry_external_id, "entry_name": h.entry_name, "matched_name": h.matched_name,
                "score": f"{h.score:.2f}", "status": h.get_status_display(), "reason": h.reason,
                "reviewed_by": h.reviewed_by.get_username() if h.reviewed_by else "",
                "reviewed_at": h.reviewed_at.isoformat(timespec="minutes") if h.reviewed_at else "",
            }
        )  # fmt: skip
    return rows


def run_csv(run: ScreeningRun) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, delimiter=";")
    writer.writeheader()
    writer.writerows({k: safe_cell(v) for k, v in row.items()} for row in run_rows(run))
    return buf.getvalue()


def _latin(text: str) -> str:
    # The core PDF fonts speak Latin-1 only; anything else is transliterated.
    from anyascii import anyascii

    return "".join(ch if ord(ch) < 256 else anyascii(ch) for ch in str(text))


def run_pdf(run: ScreeningRun) -> bytes:
    pdf = FPDF(orientation="L", format="A4")
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
    meta = _("Trigger: %(trigger)s · started %(start)s · parties %(total)s · hits %(hits)s · threshold %(threshold).2f · printed %(now)s") % {
        "trigger": run.get_trigger_display(), "start": run.started_at.strftime("%Y-%m-%d %H:%M"), "total": run.total,
        "hits": run.hit_count, "threshold": run.threshold, "now": timezone.now().strftime("%Y-%m-%d %H:%M"),
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
