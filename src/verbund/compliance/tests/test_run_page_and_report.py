"""A run's page and its report agree with the run's counts, and the report is one a German
compliance officer files (decision 0049).

The page answers its progress polls with the findings once the run has ended, so a page opened
while the run was queued does not go on saying that it found nothing; it lists new and known
hits a page at a time. The report people download has headings in the reader's language, local
times and decimals as the language writes them, the list's name, a BOM and semicolons for
Excel, and a PDF that wraps long texts instead of cutting them. The API's CSV, for programs,
stays as it was."""

import csv
import re
import zlib
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from django.utils.timezone import localtime
from fpdf import FPDF

from verbund.compliance import reports, tasks, views
from verbund.compliance.actions import do_dismiss_hit, do_import_list, do_screen_parties
from verbund.compliance.models import Hit, ScreeningRun, ScreeningStatus
from verbund.compliance.tests import fixtures

pytestmark = pytest.mark.django_db

NAMES = ["Aerocaribbean Airlines", "Banco Nacional de Cuba", "Nordstern Trading LLC"]
LIST_NAME = "OFAC Sanktionsliste (Test)"
GERMAN = {"HTTP_ACCEPT_LANGUAGE": "de"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def officer(client_for: Callable[[str], Client]) -> Client:
    return client_for("compliance")


@pytest.fixture
def first_run(org: Callable[..., Any]) -> ScreeningRun:
    """Three parties, then the list (named apart from its key): its import's run finds three
    new hits."""
    for name in NAMES:
        org(name)
    do_import_list(
        "ofac-csv",
        [("sdn.csv", fixtures.OFAC_SDN), ("alt.csv", fixtures.OFAC_ALT), ("add.csv", fixtures.OFAC_ADD)],
        actor=None,
        list_name=LIST_NAME,
    )  # fmt: skip
    run = ScreeningRun.objects.get()
    assert run.new_hit_count == 3
    return run


def _rows(page: str) -> list[str]:
    body = page.split('data-testid="run-hits"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr>.*?</tr>", body.split("<tbody>", 1)[1], flags=re.S)


# --- the run page ----------------------------------------------------------------------------


def test_a_run_page_opened_while_the_run_waits_lists_its_findings_once_the_run_has_ended(
    first_run: ScreeningRun, officer: Client, settings: Any
) -> None:
    # The job waits in the queue, as it does behind a busy worker.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    response = officer.post("/compliance/runs/")
    run = ScreeningRun.objects.get(pk=response["Location"].rstrip("/").rsplit("/", 1)[1])
    assert run.status == ScreeningStatus.QUEUED

    waiting = officer.get(f"/compliance/runs/{run.pk}/", **GERMAN).content.decode()
    assert "Dieser Lauf hat nichts gefunden" not in waiting
    assert 'hx-trigger="every 2s"' in waiting and 'data-testid="run-waiting"' in waiting

    tasks.screen_all_task.call(run.pk)
    run.refresh_from_db()
    assert (run.status, run.hit_count, run.new_hit_count) == (ScreeningStatus.FINISHED, 3, 0)

    # The poll after the end brings the findings with the counts, and stops polling.
    polled = officer.get(f"/compliance/runs/{run.pk}/", **GERMAN, **HX).content.decode()
    assert "3 Treffer (0 neu)" in polled
    assert len(_rows(polled)) == 3 and all(name in polled for name in NAMES)
    assert "hx-trigger" not in polled and "Dieser Lauf hat nichts gefunden" not in polled
    assert 'data-testid="new-finding"' not in polled  # all three were known


def test_a_run_page_marks_the_hits_the_run_found_new(
    first_run: ScreeningRun, officer: Client
) -> None:
    do_screen_parties(actor=None)
    first = officer.get(f"/compliance/runs/{first_run.pk}/", **GERMAN).content.decode()
    assert len(_rows(first)) == 3 and first.count('data-testid="new-finding"') == 3
    assert f"<td>{LIST_NAME}</td>" in first


def test_a_finished_run_that_found_nothing_says_so(
    org: Callable[..., Any], ofac: Any, officer: Client
) -> None:
    party = org("Muster Maschinenbau GmbH")
    run = do_screen_parties(actor=None, party_ids=[party.pk])
    page = officer.get(f"/compliance/runs/{run.pk}/", **GERMAN).content.decode()
    assert "Dieser Lauf hat nichts gefunden." in page and "hx-trigger" not in page


def test_a_run_page_shows_its_findings_a_page_at_a_time(
    first_run: ScreeningRun, officer: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    url = f"/compliance/runs/{first_run.pk}/"
    first = officer.get(url, **GERMAN).content.decode()
    second = officer.get(url, {"page": 2}, **GERMAN).content.decode()
    assert len(_rows(first)) == 2 and len(_rows(second)) == 1
    assert (
        'data-testid="next-page"' in first and "Funde, so wie der Lauf sie fand: 2 von 3" in first
    )
    assert {name for name in NAMES if name in first + second} == set(NAMES)
    assert officer.get(url, {"page": "kaputt"}).status_code == 200


# --- the report people download --------------------------------------------------------------


def _table(text: str) -> list[list[str]]:
    return list(csv.reader(StringIO(text), delimiter=";"))


def test_the_downloaded_csv_speaks_german_to_excel(
    first_run: ScreeningRun, officer: Client, make_user: Callable[..., Any]
) -> None:
    reviewer = make_user("compliance", username="pruefer")
    do_dismiss_hit(Hit.objects.get(entry_external_id="36"), actor=reviewer, reason="=andere Firma")
    second = do_screen_parties(actor=None)
    response = officer.get(f"/compliance/runs/{second.pk}/report.csv", **GERMAN)
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel reads the umlauts
    head, *rows = _table(raw.decode("utf-8-sig"))
    assert head == [
        "Nummer", "Adresse", "Liste", "Eintrag", "Gelisteter Name", "Getroffener Name",
        "Bewertung", "Status", "Neu", "Begründung", "Geprüft von", "Geprüft am",
    ]  # fmt: skip
    by_entry = {row[3]: dict(zip(head, row, strict=True)) for row in rows}
    assert len(by_entry) == 3
    dismissed = by_entry["36"]
    reviewed = localtime(Hit.objects.get(entry_external_id="36").reviewed_at)
    assert dismissed["Geprüft am"] == reviewed.strftime("%d.%m.%Y %H:%M")
    assert dismissed["Status"] == "Fehltreffer" and dismissed["Geprüft von"] == "pruefer"
    assert dismissed["Begründung"] == "'=andere Firma"  # through core.exports.safe_row
    assert {row["Liste"] for row in by_entry.values()} == {LIST_NAME}
    assert all(re.fullmatch(r"[01],\d\d", row["Bewertung"]) for row in by_entry.values())
    assert {row["Neu"] for row in by_entry.values()} == {""}
    first = _table(officer.get(f"/compliance/runs/{first_run.pk}/report.csv").content.decode())
    assert {row[8] for row in first[1:]} == {"ja"}


def test_the_downloaded_csv_speaks_english_to_an_english_reader(
    first_run: ScreeningRun, officer: Client
) -> None:
    text = officer.get(f"/compliance/runs/{first_run.pk}/report.csv", **ENGLISH).content
    head, *rows = _table(text.decode("utf-8-sig"))
    assert head[:3] == ["Number", "Party", "List"] and head[6] == "Score"
    assert all(re.fullmatch(r"[01]\.\d\d", row[6]) for row in rows)
    assert {row[2] for row in rows} == {LIST_NAME}


def test_a_score_reads_as_the_run_page_rounds_it() -> None:
    with translation.override("de"):
        assert reports._score(0.987) == "0,99" and reports._score(1.0) == "1,00"
        assert reports._score(0.125) == "0,13"
    with translation.override("en"):
        assert reports._score(0.987) == "0.99"


def test_the_apis_csv_stays_the_machine_format(
    first_run: ScreeningRun, api_for: Callable[[str], Any]
) -> None:
    response = api_for("compliance").get(f"/api/v1/compliance/runs/{first_run.pk}/report.csv/")
    text = response.content.decode("utf-8")
    assert not text.startswith("\ufeff")
    rows = list(csv.DictReader(StringIO(text), delimiter=";"))
    assert list(rows[0]) == reports.COLUMNS
    assert {row["list"] for row in rows} == {"ofac-sdn"}
    assert all(re.fullmatch(r"[01]\.\d\d", row["score"]) for row in rows)


# --- the PDF ---------------------------------------------------------------------------------


def _pdf_text(data: bytes) -> str:
    """The text the PDF's pages show, a line per text line (fpdf2 writes a ``(text) Tj`` per
    line, its page contents compressed)."""
    lines = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, flags=re.S):
        try:
            content = zlib.decompress(stream)
        except zlib.error:
            continue
        for text in re.findall(rb"\(((?:\\.|[^\\)])*)\) ?Tj", content):
            lines.append(re.sub(rb"\\(.)", rb"\1", text).decode("latin-1"))
    return "\n".join(lines)


def test_the_pdf_wraps_a_long_reason_instead_of_cutting_it(
    first_run: ScreeningRun, make_user: Callable[..., Any]
) -> None:
    reviewer = make_user("compliance", username="pruefer")
    reason = " ".join(f"Begründungswort{i}" for i in range(60)) + " Schlusswort"
    do_dismiss_hit(Hit.objects.get(entry_external_id="36"), actor=reviewer, reason=reason)
    second = do_screen_parties(actor=None)
    with translation.override("de"):
        text = _pdf_text(reports.run_pdf(second))
    words = text.split()
    assert "Begründung" in words and "Bewertung" in words and LIST_NAME in " ".join(words)
    assert all(f"Begründungswort{i}" in words for i in range(60)) and "Schlusswort" in words


def test_a_reason_longer_than_a_page_goes_on_over_the_next(
    first_run: ScreeningRun, make_user: Callable[..., Any]
) -> None:
    reviewer = make_user("compliance", username="pruefer")
    reason = " ".join(f"Satz{i} mit etwas Text" for i in range(400))
    do_dismiss_hit(Hit.objects.get(entry_external_id="36"), actor=reviewer, reason=reason)
    second = do_screen_parties(actor=None)
    pdf = reports.run_pdf(second)
    assert len(re.findall(rb"/Type /Page(?!s)", pdf)) >= 2
    words = _pdf_text(pdf).split()
    assert all(f"Satz{i}" in words for i in range(400))
    assert sum(name.upper() in _pdf_text(pdf) for name in NAMES) == 3


def test_wrapping_keeps_every_word_and_every_line_within_the_column() -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "", 8)
    text = "Anderes Unternehmen: " + "X" * 80 + " und\nzweite Zeile"
    lines = reports.wrap(pdf, text, 30)
    assert all(pdf.get_string_width(line) <= 30 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "").replace("\n", "")
    assert lines[-1] == "zweite Zeile" and reports.wrap(pdf, "", 30) == [""]


@pytest.mark.parametrize(
    "text",
    [
        "Müller Handel Süd GmbH & Co. KG",
        "Gleicher Name, anderes Geburtsdatum (1961 gegen 1974); Staatsangehörigkeit abweichend",
        "Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenversicherung AG",
        "MOHAMMED ABDUL RAHMAN AL-TIKRITI\nzweite Zeile",
        "https://example.com/a/very/long/path/to/a/list/entry/12345 Ende",
        "",
    ],
)
def test_wrapping_breaks_lines_where_fpdf2s_own_line_breaking_does(text: str) -> None:
    """The hand-made wrap (40 times as fast on a report's cells) keeps fpdf2's lines."""
    from fpdf.enums import MethodReturnValue

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "", 8)
    theirs = pdf.multi_cell(
        30 + 2 * pdf.c_margin, 3.8, text, dry_run=True, output=MethodReturnValue.LINES
    )
    assert reports.wrap(pdf, text, 30) == ([str(line) for line in theirs] or [""])
