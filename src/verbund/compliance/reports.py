"""Per-run screening reports: the report people file (CSV and PDF, in the reader's language) and
the API's CSV for programs.

A report is the run's snapshot (``RunFinding``, written with the run's hits) and reads the same
for ever: later runs and reviews change the hits, never what a run found. The PDF carries the
run's own times only, so the same run gives the same bytes.

Two CSVs read the same rows (decision 0049): :func:`report_csv`, the page's download, is for
people and spreadsheets (headings in the reader's language, local times as "07.12.2026 09:38",
"1,00", the list's name, a BOM and semicolons for Excel); :func:`run_csv`, the API's, is for
programs and stays as it was (field names, UTC ISO times, "1.00", the list's key).
"""

import csv
import io
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from fpdf import FPDF

from verbund.compliance.models import RunFinding, SanctionsList, ScreeningRun
from verbund.core.exports import csv_text, safe_cell
from verbund.core.formatting import format_number

# The API's CSV: its field names, in this order, are what programs read.
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


def list_names() -> dict[str, str]:
    """List key -> the list's name: a finding keeps the key, people read the name (a list
    deleted since keeps its key)."""
    return dict(SanctionsList.objects.values_list("key", "name"))


# --- the API's CSV, for programs -----------------------------------------------------------


def run_rows(run: ScreeningRun) -> list[dict[str, Any]]:
    """The run's findings as the API's CSV rows (``COLUMNS``), best score first."""
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
    """The API's CSV (``GET /api/v1/compliance/runs/{id}/report.csv/``), unchanged for the
    programs that read it: ``COLUMNS`` as headings, UTC ISO times, "1.00", the list's key."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, delimiter=";")
    writer.writeheader()
    writer.writerows({k: safe_cell(v) for k, v in row.items()} for row in run_rows(run))
    return buf.getvalue()


# --- the report people read ----------------------------------------------------------------


def _score(value: float) -> str:
    """A score or threshold as the run page writes it (``floatformat:2``, half up): "0,99" for
    0.987 in German ("0.99" in English)."""
    return format_number(value, 2)


def _moment(value: Any) -> str:
    """A time stamp in the reader's language and time zone ("05.12.2026 14:30")."""
    return date_format(localtime(value), "SHORT_DATETIME_FORMAT")


def report_columns() -> list[tuple[str, str]]:
    """The report's columns: (key of ``report_rows``' rows, heading in the reader's language)."""
    return [
        ("number", _("Number")), ("party", _("Party")), ("list", _("List")), ("entry", _("Entry")),
        ("listed", _("Listed name")), ("matched", _("Matched name")), ("score", _("Score")),
        ("status", _("Status")), ("new", _("New")), ("reason", _("Reason")),
        ("reviewed_by", _("Reviewed by")), ("reviewed_at", _("Reviewed at")),
    ]  # fmt: skip


def report_rows(run: ScreeningRun) -> Iterator[dict[str, str]]:
    """The run's findings as people read them, best score first: the list's name, the score
    and times as the reader's language writes them ("1,00", "07.12.2026 09:38", local time)."""
    names = list_names()
    for f in run_findings(run).iterator(chunk_size=2000):
        yield {
            "number": f.party_number, "party": f.party_name,
            "list": names.get(f.list_key, f.list_key), "entry": f.entry_external_id,
            "listed": f.entry_name, "matched": f.matched_name, "score": _score(f.score),
            "status": f.get_status_display(), "new": _("yes") if f.new else "", "reason": f.reason,
            "reviewed_by": f.reviewed_by,
            "reviewed_at": _moment(f.reviewed_at) if f.reviewed_at else "",
        }  # fmt: skip


def report_csv(run: ScreeningRun) -> str:
    """The report for a spreadsheet: a BOM and semicolons (what German Excel opens as columns,
    as every CSV download of Verbund), every cell through ``core.exports.safe_row``."""
    columns = report_columns()
    return csv_text(
        (heading for _key, heading in columns),
        ([row[key] for key, _heading in columns] for row in report_rows(run)),
    )


def _latin(text: str) -> str:
    # The core PDF fonts speak Latin-1 only; anything else is transliterated.
    from anyascii import anyascii

    return "".join(ch if ord(ch) < 256 else anyascii(ch) for ch in str(text))


LINE = 3.8  # mm per line of 8 pt text
PAD = 0.6  # mm above and below a row's lines


def _letters(pdf: FPDF, word: str, width: float) -> list[str]:
    """A word wider than ``width`` in pieces that fit, broken between letters."""
    pieces, piece, piece_width = [], "", 0.0
    for letter in word:
        letter_width = _width(pdf, letter)
        if piece and piece_width + letter_width > width:
            pieces.append(piece)
            piece, piece_width = letter, letter_width
        else:
            piece += letter
            piece_width += letter_width
    return [*pieces, piece]


def wrap(pdf: FPDF, text: str, width: float) -> list[str]:
    """``text`` in lines no wider than ``width`` (mm) in ``pdf``'s current font: broken at
    spaces, a word longer than a line between its letters, the text's own line breaks kept.
    Every word of ``text`` is on a line, none is cut off; an empty text is one empty line.

    The same lines as fpdf2's ``multi_cell(dry_run=True)`` (test), 40 times as fast: that and
    measuring every growing line (the code before) took 20-45 s for 20,000 report cells, this
    0.5 s, and a report of a million parties has tens of thousands. The core fonts have no
    kerning, so a line's width is the sum of its words' and spaces', and a word is measured
    once per font (``_width``): fpdf2 runs its bidirectional-text analysis on every
    measurement."""
    lines: list[str] = []
    space = _width(pdf, " ")
    for paragraph in str(text).splitlines() or [""]:
        line, line_width = "", 0.0
        for word in paragraph.split():
            word_width = _width(pdf, word)
            longer = line_width + space + word_width if line else word_width
            if longer <= width:
                line = f"{line} {word}" if line else word
                line_width = longer
                continue
            if line:
                lines.append(line)
            if word_width <= width:
                line, line_width = word, word_width
                continue
            *full, line = _letters(pdf, word, width)
            lines += full
            line_width = _width(pdf, line)
        lines.append(line)
    return lines


def _width(pdf: FPDF, text: str) -> float:
    """``pdf.get_string_width(text)``, remembered per font and size in the document (its
    reports repeat the same words: statuses, list names, a party's name in every row)."""
    widths: dict[tuple[str, str, float, str], float] = pdf.__dict__.setdefault("_widths", {})
    key = (pdf.font_family, pdf.font_style, pdf.font_size_pt, text)
    width = widths.get(key)
    if width is None:
        width = widths[key] = pdf.get_string_width(text)
    return width


# The PDF's columns (mm, landscape A4 less 10 mm margins: 277): the report's but the matched
# name; "new" goes with the status, the reviewer with the review's time.
PDF_WIDTHS = {
    "number": 18, "party": 42, "list": 28, "entry": 16, "listed": 44, "score": 17,
    "status": 30, "reason": 52, "reviewed": 30,
}  # fmt: skip


def _pdf_rows(run: ScreeningRun) -> Iterator[list[str]]:
    new = _("new")
    for row in report_rows(run):
        status = f"{row['status']} ({new})" if row["new"] else row["status"]
        reviewed = "\n".join(v for v in (row["reviewed_by"], row["reviewed_at"]) if v)
        values = {**row, "status": status, "reviewed": reviewed}
        yield [values[key] for key in PDF_WIDTHS]


def _table(pdf: FPDF, heads: list[str], rows: Iterator[list[str]]) -> None:
    """A table whose cells wrap their text (:func:`wrap`) and grow to hold it. A row that does
    not fit the rest of a page starts the next; one taller than a page goes on over pages.
    Every page repeats the headings."""
    widths = list(PDF_WIDTHS.values())
    inner = [w - 2 * pdf.c_margin for w in widths]
    bottom = pdf.h - pdf.b_margin

    def draw(cells: list[list[str]], start: int, count: int) -> None:
        top, x = pdf.get_y(), pdf.l_margin
        height = count * LINE + 2 * PAD
        for width, lines in zip(widths, cells, strict=True):
            pdf.rect(x, top, width, height)
            for i, text in enumerate(lines[start : start + count]):
                pdf.set_xy(x, top + PAD + i * LINE)
                pdf.cell(width, LINE, text)
            x += width
        pdf.set_xy(pdf.l_margin, top + height)

    def heading() -> float:
        pdf.set_font("Helvetica", "B", 8)
        cells = [wrap(pdf, _latin(h), w) for h, w in zip(heads, inner, strict=True)]
        draw(cells, 0, max(map(len, cells)))
        pdf.set_font("Helvetica", "", 8)
        return pdf.get_y()

    def room() -> int:
        return int((bottom - pdf.get_y() - 2 * PAD) // LINE)

    top = heading()
    page_room = room()  # a page's lines below the headings (the first page's, the fewest)
    for values in rows:
        cells = [wrap(pdf, _latin(v), w) for v, w in zip(values, inner, strict=True)]
        total, start = max(map(len, cells)), 0
        while start < total:
            rest, here = total - start, room()
            at_top = pdf.get_y() <= top
            if here < 1 or (here < rest and not at_top and (rest <= page_room or here < 3)):
                pdf.add_page()
                top = heading()
                continue
            count = min(here, rest)
            draw(cells, start, count)
            start += count


def run_pdf(run: ScreeningRun) -> bytes:
    """The report as a PDF in the reader's language; long texts wrap, none is cut off."""
    pdf = FPDF(orientation="L", format="A4")
    pdf.set_creation_date(run.finished_at or run.started_at)
    pdf.set_margins(10, 10, 10)
    # The table breaks its pages itself (``_table``).
    pdf.set_auto_page_break(auto=False, margin=10)
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
        "threshold": _score(run.threshold),
    }  # fmt: skip
    pdf.multi_cell(0, 5, _latin(meta), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    headings = {**dict(report_columns()), "reviewed": _("Reviewed")}
    _table(pdf, [headings[key] for key in PDF_WIDTHS], _pdf_rows(run))
    return bytes(pdf.output())
