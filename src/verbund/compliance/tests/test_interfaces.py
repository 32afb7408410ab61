import json
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings

from verbund.compliance import reports
from verbund.compliance.actions import do_screen_parties
from verbund.compliance.models import Hit, HitStatus, RunFinding, SanctionsList, ScreeningRun
from verbund.compliance.tests import fixtures

# Settings may be loaded before the root conftest asks for immediate tasks: ask again here.
immediate_tasks = override_settings(
    TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
)


def test_viewers_do_not_see_the_hits_queue_but_compliance_does(
    ofac: object, org: Callable[..., Any], api_for: Callable[..., Any]
) -> None:
    org("Banco Nacional de Cuba")
    assert api_for("viewer").get("/api/v1/compliance/hits/").status_code == 403
    data = api_for("compliance").get("/api/v1/compliance/hits/?status=open").json()
    assert data["results"][0]["entry_name"] == "BANCO NACIONAL DE CUBA"


def test_the_api_reviews_hits_and_refuses_editors(
    ofac: object, org: Callable[..., Any], api_for: Callable[..., Any]
) -> None:
    hit = Hit.objects.get(party=org("Banco Nacional de Cuba"), entry_external_id="306")
    assert (
        api_for("editor").post(f"/api/v1/compliance/hits/{hit.pk}/confirm/", {}).status_code == 403
    )
    api = api_for("compliance")
    assert (
        api.post(f"/api/v1/compliance/hits/{hit.pk}/dismiss/", {}, format="json").status_code == 400
    )
    response = api.post(
        f"/api/v1/compliance/hits/{hit.pk}/dismiss/", {"reason": "different bank"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == HitStatus.DISMISSED


@immediate_tasks
def test_the_api_queues_a_list_import_as_a_job_and_a_bad_file_fails_it(
    db: Any, api_for: Callable[..., Any], django_capture_on_commit_callbacks: Any
) -> None:
    api = api_for("compliance")
    with django_capture_on_commit_callbacks(execute=False) as queued:
        ok = api.post(
            "/api/v1/compliance/lists/import/",
            {"format": "un-xml", "files": [SimpleUploadedFile("un.xml", fixtures.UN_XML)]},
            format="multipart",
        )
    # Accepted at once, before the job ran: 202, the job's URL, queued.
    assert ok.status_code == 202, ok.content
    job_url = ok.json()["url"]
    assert ok["Location"] == job_url and job_url.endswith(
        f"/api/v1/compliance/uploads/{ok.json()['id']}/"
    )
    assert ok.json()["status"] == "queued" and ok.json()["file_names"] == ["un.xml"]
    assert not SanctionsList.objects.exists()
    for callback in queued:
        callback()
    done = api.get(job_url).json()
    assert done["status"] == "done" and done["list"] == "un"
    assert done["version"]["entry_count"] == 2
    with django_capture_on_commit_callbacks(execute=True):
        bad = api.post(
            "/api/v1/compliance/lists/import/",
            {
                "format": "un-xml",
                "files": [SimpleUploadedFile("bomb.xml", fixtures.BILLION_LAUGHS)],
            },
            format="multipart",
        )
    assert bad.status_code == 202
    failed = api.get(bad["Location"]).json()
    assert failed["status"] == "failed" and failed["error"]
    assert SanctionsList.objects.get(key="un").versions.count() == 1
    assert api_for("viewer").get(job_url).status_code in (200, 403)


@immediate_tasks
def test_starting_a_run_from_the_api_screens_everything_in_the_background(
    ofac: object, org: Callable[..., Any], api_for: Callable[..., Any]
) -> None:
    org("Aerocaribbean Airlines")
    response = api_for("compliance").post("/api/v1/compliance/runs/", {})
    assert response.status_code == 202
    run = ScreeningRun.objects.get(pk=response.json()["id"])
    assert run.status == "finished" and run.done == run.total == 1 and run.progress == 100


def test_cli_imports_shows_and_screens(tmp_path: Path, db: Any, org: Callable[..., Any]) -> None:
    sdn = tmp_path / "sdn.csv"
    sdn.write_bytes(fixtures.OFAC_SDN)
    out = StringIO()
    call_command("lists", "import", str(sdn), "--format", "ofac-csv", stdout=out)
    assert "ofac-sdn v1: 4 entries" in out.getvalue()
    bad = tmp_path / "bad.xml"
    bad.write_bytes(fixtures.BILLION_LAUGHS)
    with pytest.raises(CommandError, match="not allowed"):
        call_command("lists", "import", str(bad), "--format", "un-xml", stdout=StringIO())
    out = StringIO()
    call_command("lists", "show", "--changes", stdout=out)
    assert "v1" in out.getvalue() and "added: " in out.getvalue()
    party = org("Aerocaribbean Airlines")
    out = StringIO()
    call_command("screen", "--all", "--json", stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["parties"] == 1 and summary["hit_list"][0]["entry_id"] == "36"
    out = StringIO()
    call_command("screen", party.number, stdout=out)
    assert "AEROCARIBBEAN AIRLINES" in out.getvalue()


def test_a_run_report_comes_as_csv_and_pdf(ofac: object, org: Callable[..., Any]) -> None:
    org("Aerocaribbean Airlines")
    run = do_screen_parties(actor=None)
    csv_text = reports.run_csv(run)
    assert csv_text.splitlines()[0].startswith("party_number;party_name;list")
    assert "AEROCARIBBEAN AIRLINES" in csv_text
    assert reports.run_pdf(run).startswith(b"%PDF")


def test_the_run_report_writes_names_and_reasons_that_start_like_formulas_as_text(
    ofac: object, org: Callable[..., Any]
) -> None:
    import csv

    party = org("=Aerocaribbean Airlines")
    run = do_screen_parties(actor=None)
    # The report is the run's snapshot: a reason it recorded (as a later run would after a review).
    RunFinding.objects.filter(run=run, party=party).update(reason="@SUM(1)\tx")
    rows = list(csv.DictReader(StringIO(reports.run_csv(run)), delimiter=";"))
    row = next(r for r in rows if r["party_number"] == party.number)
    assert row["party_name"] == "'=Aerocaribbean Airlines"
    assert row["reason"] == "'@SUM(1)\tx"
    cells = [v for r in rows for v in r.values()]
    assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in cells)


@immediate_tasks
def test_the_review_pages_render_for_compliance(
    ofac: object, org: Callable[..., Any], make_user: Callable[..., Any]
) -> None:
    party = org("Banco Nacional de Cuba")
    hit = Hit.objects.get(party=party, entry_external_id="306")
    client = Client()
    client.force_login(make_user("compliance"))
    for url in [
        "/compliance/",
        "/compliance/lists/",
        "/compliance/runs/",
        f"/compliance/hits/{hit.pk}/",
        f"/compliance/parties/{party.pk}/",
    ]:
        assert client.get(url).status_code == 200, url
    response = client.post(
        f"/compliance/hits/{hit.pk}/dismiss/", {"reason": "Filiale in Madrid, geprüft"}
    )
    assert response.status_code == 302
    assert Hit.objects.get(pk=hit.pk).status == HitStatus.DISMISSED
    response = client.post("/compliance/runs/")
    run = ScreeningRun.objects.latest("id")
    assert response.status_code == 302 and run.status == "finished"
    assert client.get(f"/compliance/runs/{run.pk}/report.pdf").status_code == 200
    viewer = Client()
    viewer.force_login(make_user("viewer"))
    assert viewer.get("/compliance/").status_code == 403
