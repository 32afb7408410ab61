"""The sync API (per-record answers, steward permission) and the import page with its job."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from verbund.interfaces.models import ImportRun
from verbund.parties.models import Party
from verbund.relationships.models import Relationship

pytestmark = pytest.mark.django_db


def test_only_stewards_may_sync(api_for: Callable[[str | None], Any]) -> None:
    body = {"source": "sap", "records": [{"external_id": "K1", "name": "A GmbH"}]}
    assert api_for("viewer").post("/api/v1/sync/parties", body, format="json").status_code == 403
    assert api_for("editor").post("/api/v1/sync/parties", body, format="json").status_code == 403
    assert api_for("steward").post("/api/v1/sync/parties", body, format="json").status_code == 200


def test_a_batch_with_one_invalid_record_writes_nothing_by_default(
    api_for: Callable[[str | None], Any],
) -> None:
    records = [
        {"external_id": "K1", "name": "Alpha AG"},
        {"external_id": "K2", "name": "Beta GmbH", "country": "XX"},
    ]
    resp = api_for("steward").post(
        "/api/v1/sync/parties", {"source": "sap", "records": records}, format="json"
    )
    body = resp.json()
    assert body["status"] == "failed"
    assert [r["status"] for r in body["results"]] == ["unchanged", "error"]
    assert not Party.objects.exists()


def test_the_openapi_schema_documents_that_atomic_is_the_default(
    api_for: Callable[[str | None], Any],
) -> None:
    schema = api_for("steward").get("/api/schema/", {"format": "json"}).json()
    atomic = schema["components"]["schemas"]["SyncPartiesRequest"]["properties"]["atomic"]
    assert atomic["default"] is True
    assert "false" in atomic["description"]


def test_the_api_answers_per_record_when_atomic_is_off(
    api_for: Callable[[str | None], Any],
) -> None:
    api = api_for("steward")
    records = [
        {"external_id": "K1", "name": "Alpha AG", "city": "Köln"},
        {"external_id": "K2", "name": "Beta GmbH", "parent": "K1"},
        {"external_id": "K3", "name": "Gamma KG", "country": "XX"},
    ]
    resp = api.post(
        "/api/v1/sync/parties",
        {"source": "sap", "records": records, "atomic": False},
        format="json",
    )
    assert resp.status_code == 200
    results = {r["key"]: r for r in resp.json()["results"]}
    assert results["K1"]["status"] == "created" and results["K2"]["status"] == "created"
    assert results["K3"]["status"] == "error"
    assert results["K3"]["errors"][0]["field"] == "country"
    records[0]["city"] = "Bonn"
    resp = api.post(
        "/api/v1/sync/parties", {"source": "sap", "records": records[:2]}, format="json"
    )
    statuses = [r["status"] for r in resp.json()["results"]]
    assert statuses == ["updated", "unchanged"]
    assert Relationship.objects.filter(type__key="group").count() == 1


def test_keys_missing_from_an_api_record_keep_their_values(
    api_for: Callable[[str | None], Any],
) -> None:
    api = api_for("steward")
    api.post(
        "/api/v1/sync/parties",
        {
            "source": "sap",
            "records": [
                {"external_id": "K1", "name": "Alpha AG", "city": "Köln"},
                {"external_id": "K2", "name": "Beta", "parent": "K1"},
            ],
        },
        format="json",
    )
    resp = api.post(
        "/api/v1/sync/parties",
        {
            "source": "sap",
            "records": [
                {"external_id": "K1", "name": "Alpha AG"},
                {"external_id": "K2", "city": "Bonn"},
            ],
        },
        format="json",
    )
    assert [r["status"] for r in resp.json()["results"]] == ["unchanged", "updated"]
    assert Party.objects.get(erp_id="K1").city == "Köln"
    assert Relationship.objects.get(type__key="group").valid_to is None


def test_blank_kind_and_status_in_an_api_record_keep_their_values(
    api_for: Callable[[str | None], Any],
) -> None:
    api = api_for("steward")
    person = {"external_id": "P1", "kind": "person", "last_name": "Muster", "status": "supplier"}
    api.post("/api/v1/sync/parties", {"source": "sap", "records": [person]}, format="json")
    blank = {"external_id": "P1", "kind": "", "status": "", "country": "", "last_name": "Muster"}
    resp = api.post("/api/v1/sync/parties", {"source": "sap", "records": [blank]}, format="json")
    assert [r["status"] for r in resp.json()["results"]] == ["unchanged"]
    stored = Party.objects.get(erp_id="P1")
    assert (stored.kind, stored.status, stored.country) == ("person", "supplier", "DE")


def test_an_atomic_batch_with_an_error_writes_nothing(api_for: Callable[[str | None], Any]) -> None:
    api = api_for("steward")
    records = [
        {"external_id": "K1", "name": "Alpha AG"},
        {"external_id": "K2", "name": "Beta", "parent": "K9"},
    ]
    resp = api.post(
        "/api/v1/sync/parties", {"source": "sap", "records": records, "atomic": True}, format="json"
    )
    body = resp.json()
    assert body["status"] == "failed"
    assert [r["status"] for r in body["results"]] == ["unchanged", "error"]
    assert body["results"][1]["errors"][0]["field"] == "parent"
    assert not Party.objects.exists()


def test_a_batch_over_ten_thousand_records_is_refused(api_for: Callable[[str | None], Any]) -> None:
    records = [{"external_id": f"K{i}", "name": "X"} for i in range(10_001)]
    resp = api_for("steward").post(
        "/api/v1/sync/parties", {"source": "sap", "records": records}, format="json"
    )
    assert resp.status_code == 400
    assert not Party.objects.exists()


def test_relationship_and_revenue_batches(api_for: Callable[[str | None], Any]) -> None:
    api = api_for("steward")
    api.post(
        "/api/v1/sync/parties",
        {
            "source": "sap",
            "records": [
                {"external_id": "K1", "name": "A AG"},
                {"external_id": "K2", "name": "B GmbH"},
            ],
        },
        format="json",
    )
    resp = api.post(
        "/api/v1/sync/relationships",
        {"source": "sap", "records": [{"type": "supplier", "from": "K1", "to": "K2"}]},
        format="json",
    )
    assert resp.json()["results"][0] == {"key": "supplier:K1:K2", "status": "created", "errors": []}
    resp = api.post(
        "/api/v1/sync/revenue",
        {"source": "sap", "records": [{"party": "K2", "month": "2025-12", "amount": 100.5}]},
        format="json",
    )
    assert resp.json()["results"][0]["status"] == "created"
    runs = api.get("/api/v1/import-runs/").json()["results"]
    assert [r["kind"] for r in runs][:3] == ["revenue", "relationships", "parties"]


def _login(role: str, make_user: Callable[..., User]) -> Client:
    client = Client()
    client.force_login(make_user(role, username=f"ui-{role}"))
    return client


def test_the_import_page_runs_a_dry_run_then_the_confirmed_import(
    make_user: Callable[..., User], django_capture_on_commit_callbacks: Any
) -> None:
    client = _login("steward", make_user)
    upload = SimpleUploadedFile("kunden.csv", "id;name;city\nK1;Alpha AG;Köln\n".encode())
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(
            "/imports/",
            {
                "kind": "parties",
                "file": upload,
                "source": "sap",
                "mapping": "generic",
                "format": "",
                "dry_run": "on",
            },
        )
    assert resp.status_code == 302
    dry = ImportRun.objects.get()
    assert dry.status == "done" and dry.dry_run and dry.counts["created"] == 1
    assert not Party.objects.exists()
    page = client.get(f"/imports/{dry.pk}/")
    assert b"confirm-import" in page.content
    # The counts in the user's language, not as the report's keys.
    text = page.content.decode()
    counts = text.split('data-testid="run-counts"')[1].split("</ul>")[0]
    # A dry run wrote nothing: its counts say what the import would do.
    assert '<span class="label">würden angelegt</span><span class="value">1</span>' in counts
    assert '<span class="label">Zeilen</span>' in counts and "created" not in counts
    assert ">angelegt<" not in counts
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(f"/imports/{dry.pk}/confirm/")
    assert resp.status_code == 302
    assert Party.objects.get().name == "Alpha AG"
    real = ImportRun.objects.exclude(pk=dry.pk).get()
    written = client.get(f"/imports/{real.pk}/").content.decode()
    counts = written.split('data-testid="run-counts"')[1].split("</ul>")[0]
    assert '<span class="label">angelegt</span><span class="value">1</span>' in counts
    assert "<h2>Ergebnis</h2>" in written and "Zählungen" not in written
    history = client.get("/imports/").content.decode()
    assert "kunden.csv" in history and "import-history" in history
    rows = history.split('data-testid="import-history"')[1].split("</tbody>")[0].split("<tr>")
    dry_row = next(r for r in rows if f">{dry.pk}</a>" in r)
    real_row = next(r for r in rows if f">{real.pk}</a>" in r)
    assert "würden angelegt 1" in dry_row and "würden" not in real_row
    assert "angelegt 1" in real_row
    progress = client.get(f"/imports/{dry.pk}/progress/")
    assert progress.status_code == 200 and b"100" in progress.content


def test_the_import_page_refuses_a_file_over_the_limit(
    make_user: Callable[..., User], settings: Any
) -> None:
    settings.VERBUND_MAX_UPLOAD_BYTES = 10
    client = _login("steward", make_user)
    upload = SimpleUploadedFile("kunden.csv", b"id;name\nK1;Alpha AG\n")
    resp = client.post(
        "/imports/", {"kind": "parties", "file": upload, "source": "sap", "mapping": "generic"}
    )
    assert resp.status_code in (200, 400)
    assert not ImportRun.objects.exists()


def test_viewers_see_the_history_but_cannot_import(make_user: Callable[..., User]) -> None:
    client = _login("viewer", make_user)
    assert client.get("/imports/").status_code == 200
    upload = SimpleUploadedFile("kunden.csv", b"id;name\nK1;Alpha AG\n")
    assert (
        client.post(
            "/imports/", {"kind": "parties", "file": upload, "source": "sap", "mapping": "generic"}
        ).status_code
        == 403
    )


def test_a_batch_may_key_its_records_by_id_and_by_external_id(
    api_for: Callable[[str | None], Any],
) -> None:
    records = [{"id": "K1", "name": "Alpha AG"}, {"external_id": "K2", "name": "Beta GmbH"}]
    resp = api_for("steward").post(
        "/api/v1/sync/parties", {"source": "sap", "records": records}, format="json"
    )
    assert [(r["key"], r["status"]) for r in resp.json()["results"]] == [
        ("K1", "created"),
        ("K2", "created"),
    ]


def test_a_record_keyed_in_capitals_is_answered_under_its_external_id(
    api_for: Callable[[str | None], Any],
) -> None:
    records = [{"EXTERNAL_ID": "K1", "Name": "Alpha AG"}]
    resp = api_for("steward").post(
        "/api/v1/sync/parties", {"source": "sap", "records": records}, format="json"
    )
    assert resp.json()["results"] == [{"key": "K1", "status": "created", "errors": []}]
    assert Party.objects.get().name == "Alpha AG"


def test_a_dry_run_of_a_full_sync_says_what_would_be_archived_and_the_history_its_empty_filter(
    make_user: Callable[..., User], tmp_path: Any
) -> None:
    from verbund.interfaces import actions

    old = tmp_path / "alt.csv"
    old.write_text("id;name\nK1;Alpha AG\nK2;Beta GmbH\n", encoding="utf-8")
    actions.do_execute_run(
        actions.do_create_run(actor=None, kind="parties", source="sap", path=old)
    )
    new = tmp_path / "neu.csv"
    new.write_text("id;name\nK1;Alpha AG\n", encoding="utf-8")
    dry = actions.do_create_run(
        actor=None, kind="parties", source="sap", path=new, dry_run=True, full=True
    )
    actions.do_execute_run(dry)
    client = _login("steward", make_user)
    page = client.get(f"/imports/{dry.pk}/").content.decode()
    assert "Würde archiviert (fehlt in der Quelle)" in page and "K2" in page
    assert '<span class="label">würden archiviert</span><span class="value">1</span>' in page
    history = client.get("/imports/").content.decode()
    assert "würden archiviert 1" in history
    # A filter that matches nothing says so; the empty history before any import says that.
    empty = client.get("/imports/?kind=revenue").content.decode()
    assert "Kein Import passt zu diesen Filtern." in empty and "Noch keine Importe" not in empty
