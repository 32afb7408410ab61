"""The import pages in headless Chromium, in German: a finished form (styled buttons, readable
choices, fits 1,024 px), a dry run that shows what it would create and change, a confirmed run
that links to its records, file errors said once in German, and a status that matches the
progress. Skips where no Chromium is installed."""

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import translation

from verbund.interfaces import actions
from verbund.interfaces.models import ImportRun, ImportStatus
from verbund.parties.actions import do_create_party
from verbund.parties.models import Party
from verbund.revenue.actions import do_set_currency_rate
from verbund.web.testing import browser_login, browser_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/verbund-import-shots")


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    yield from browser_page(monkeypatch)


def login(page: Any, base: str, role: str = "steward") -> User:
    return browser_login(page, base, role)


def fits(page: Any, width: int = 1024) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"the page is {scroll} px wide at {width} px"


def shoot(page: Any, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def upload(page: Any, base: str, path: Path, *, dry_run: bool = True) -> None:
    page.goto(f"{base}/imports/")
    page.set_input_files("[data-testid=import-form] input[name=file]", str(path))
    if not dry_run:
        page.uncheck("[data-testid=import-form] input[name=dry_run]")
    page.click("[data-testid=start-import]")
    page.wait_for_load_state()


def test_the_import_form_is_finished_german_and_fits_1024_px(live_server, page, tmp_path):
    user = login(page, live_server.url)
    long_name = tmp_path / ("kundenstamm-export-sap-prod-mandant-100-" + "x" * 60 + ".csv")
    long_name.write_text("id;name;country\nK1;A GmbH;XX\nK2;B GmbH;DE\n", encoding="utf-8")
    for skip in (False, True):
        run = actions.do_create_run(
            actor=user, kind="parties", source="sap-prod", path=long_name, skip_invalid=skip
        )
        actions.do_execute_run(run)
    page.goto(f"{live_server.url}/imports/")
    button = page.locator("[data-testid=start-import]")
    assert "btn-primary" in (button.get_attribute("class") or "")
    assert page.locator("[data-testid=filters] button").get_attribute("class") == "btn"
    formats = page.locator("[data-testid=import-form] select[name=format] option").all_inner_texts()
    assert "Excel-Arbeitsmappe (XLSX)" in formats
    assert not any(text in ("csv", "xlsx", "jsonl", "gleif-rr") for text in formats)
    mappings = page.locator("[data-testid=import-form] select[name=mapping] option")
    assert "SAP" in " ".join(mappings.all_inner_texts())
    assert page.locator("main dl:not(.keydata)").count() == 0
    fits(page)
    shoot(page, "import-page-de-1024")
    page.click("[data-testid=lang-en]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/imports/")
    assert page.locator("[data-testid=start-import]").inner_text() == "Start import"
    fits(page)
    shoot(page, "import-page-en-1024")
    page.goto(f"{live_server.url}/imports/{run.pk}/")
    fits(page)
    shoot(page, "import-run-en-1024")


def test_a_dry_run_shows_its_sample_and_the_confirmed_run_links_to_its_records(
    live_server, page, tmp_path
):
    do_create_party(actor=None, name="Alt AG", city="Köln", erp_source="erp", erp_id="K1")
    path = tmp_path / "kunden.csv"
    path.write_text("id;name;city\nK1;Alt AG;Bonn\nK2;Neu GmbH;Bonn\n", encoding="utf-8")
    login(page, live_server.url)
    upload(page, live_server.url, path)
    assert "Probelauf: nichts geschrieben" in page.locator("[data-testid=run-status]").inner_text()
    created = page.locator("[data-testid=run-created]")
    assert "Neu GmbH" in created.inner_text() and created.locator("a").count() == 0
    assert "Ort: Köln → Bonn" in page.locator("[data-testid=run-diffs]").inner_text()
    counts = page.locator("[data-testid=run-counts]").inner_text().lower()
    assert "würden angelegt" in counts and "würden geändert" in counts
    fits(page)
    shoot(page, "import-dry-run-de-1024")

    page.click("[data-testid=confirm-import]")
    page.wait_for_load_state()
    assert Party.objects.filter(erp_id="K2").exists()
    link = page.locator("[data-testid=run-created] a", has_text="Neu GmbH")
    link.click()
    page.wait_for_load_state()
    assert "Neu GmbH" in page.locator("h1").inner_text()


def test_a_binary_file_is_not_a_text_file_said_once_without_row_zero(live_server, page, tmp_path):
    path = tmp_path / "kunden.csv"
    path.write_bytes(random.Random(7).randbytes(4096))
    login(page, live_server.url)
    upload(page, live_server.url, path)
    text = page.locator("main").inner_text()
    assert "kunden.csv: keine Textdatei" in page.locator("[data-testid=file-errors]").inner_text()
    assert "cp1252" not in text and "Zeile 0" not in text
    assert text.count("nichts geschrieben") + text.count("Nichts wurde geschrieben") == 1
    assert page.locator("[data-testid=run-errors]").count() == 0
    fits(page)
    shoot(page, "import-binary-de-1024")


def test_the_status_matches_the_progress(live_server, page, tmp_path):
    user = login(page, live_server.url)
    path = tmp_path / "kunden.csv"
    path.write_text("id;name\nK1;A GmbH\n", encoding="utf-8")
    run = actions.do_create_run(actor=user, kind="parties", source="erp", path=path)
    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.RUNNING)
    actions.write_progress(run, 1.0, "Finished")
    page.goto(f"{live_server.url}/imports/{run.pk}/")
    progress = page.locator("[data-testid=import-progress]").inner_text()
    assert "Läuft" in progress and "100 %" not in progress and "Beendet" not in progress
    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.DONE)
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/imports/{run.pk}/")
    progress = page.locator("[data-testid=import-progress]").inner_text()
    assert "100 %" in progress and "Fertig" in progress and "Läuft" not in progress


def test_a_dry_run_with_errors_shows_the_actions_refusal_and_no_button(live_server, page, tmp_path):
    path = tmp_path / "kunden.csv"
    path.write_text("id;name;country\nK1;A GmbH;XX\n", encoding="utf-8")
    login(page, live_server.url)
    upload(page, live_server.url, path)
    run = ImportRun.objects.get()
    refusal = actions.confirm_refusal(run)
    assert refusal is None or run.status == "failed"
    # A failed dry run is not confirmable at all; one that finished with skipped errors says why.
    run.status, run.skip_invalid = ImportStatus.DONE, True
    run.save()
    page.goto(f"{live_server.url}/imports/{run.pk}/")
    assert page.locator("[data-testid=confirm-import]").count() == 0
    with translation.override("de"):
        refusal = str(actions.confirm_refusal(run))
    assert "mit Fehlern" in refusal
    assert page.locator("[data-testid=confirm-refusal]").inner_text() == refusal
    client = Client()
    client.force_login(User.objects.get(username="browser-steward"))
    answer = client.post(f"/imports/{run.pk}/confirm/", HTTP_ACCEPT_LANGUAGE="de")
    assert answer.status_code == 400
    assert refusal in answer.content.decode()
    assert ImportRun.objects.count() == 1


def test_a_failed_dry_run_says_how_it_ended_instead_of_a_full_bar(live_server, page, tmp_path):
    path = tmp_path / "kunden.csv"
    path.write_text("id;name;country\nK1;A GmbH;XX\nK2;B GmbH;DE\n", encoding="utf-8")
    login(page, live_server.url)
    run = actions.do_create_run(
        actor=None, kind="parties", source="sap", path=path, file_name="kunden.csv", dry_run=True
    )
    actions.do_execute_run(run)
    run.refresh_from_db()
    assert run.status == ImportStatus.FAILED
    page.goto(f"{live_server.url}/imports/{run.pk}/")
    progress = page.locator("[data-testid=import-progress]")
    assert progress.locator("progress").count() == 0
    assert "100 %" not in progress.inner_text()
    assert progress.locator("[data-testid=run-status-badge]").inner_text() == "Fehlgeschlagen"
    assert progress.locator("[data-testid=progress-text]").inner_text() == (
        "1 Fehler in 2 gelesenen Zeilen: Die Datei würde als Ganzes abgelehnt."
    )
    # "nichts geschrieben" is said once on the page.
    assert page.locator("main").inner_text().count("nichts geschrieben") == 1


def test_on_a_phone_the_import_history_reads_without_sideways_scrolling(
    live_server, page, tmp_path
):
    path = tmp_path / "kunden-mit-einem-recht-langen-dateinamen-aus-dem-erp.csv"
    path.write_text("id;name;city\nK1;Alt AG;Bonn\nK2;Neu GmbH;Bonn\n", encoding="utf-8")
    login(page, live_server.url)
    upload(page, live_server.url, path)
    upload(page, live_server.url, path, dry_run=False)
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server.url}/imports/")
    fits(page, 390)
    history = page.locator("[data-testid=import-history]")
    assert history.evaluate("t => t.scrollWidth <= t.clientWidth + 1")
    widest = page.evaluate(
        "Math.max(...[...document.querySelectorAll('[data-testid=import-history] *')]"
        ".map(e => e.getBoundingClientRect().right))"
    )
    assert widest <= 390
    rows = history.locator("tbody tr")
    assert rows.count() == 2 and "Quelle: erp" in rows.first.inner_text()
    page.set_viewport_size({"width": 1024, "height": 800})
    fits(page)
    assert "Quelle:" not in history.inner_text()


def test_a_changed_share_and_currency_read_in_german_and_fit_a_phone(live_server, page):
    parties = [{"external_id": "K1", "name": "A AG"}, {"external_id": "K2", "name": "B AG"}]
    actions.do_sync(actor=None, kind="parties", source="sap", records=parties)
    link = {"type": "group", "from": "K1", "to": "K2", "share": "50"}
    actions.do_sync(actor=None, kind="relationships", source="sap", records=[link])
    shared, _ = actions.do_sync(
        actor=None, kind="relationships", source="sap", records=[{**link, "share": "12.5"}]
    )
    do_set_currency_rate(actor=None, currency="CHF", month="2025-01", per_eur="1.05")
    revenue = {"party": "K1", "month": "2025-01", "amount": "10.00"}
    actions.do_sync(actor=None, kind="revenue", source="sap", records=[revenue])
    moved, _ = actions.do_sync(
        actor=None, kind="revenue", source="sap", records=[{**revenue, "currency": "CHF"}]
    )
    login(page, live_server.url)
    for run, text in (
        (shared, "Anteil (%): 50\u00a0% → 12,5\u00a0%"),
        (moved, "10,00 € → 10,00 CHF"),
    ):
        page.goto(f"{live_server.url}/imports/{run.pk}/")
        assert page.locator("[data-testid=run-diffs] .changes-cell").inner_text() == text
        fits(page)
        page.set_viewport_size({"width": 390, "height": 800})
        fits(page, 390)
        shoot(page, f"import-run-{run.kind}-de-390")
        page.set_viewport_size({"width": 1024, "height": 800})
