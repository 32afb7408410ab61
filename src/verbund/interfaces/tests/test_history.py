"""Imports and sync batches leave their trace in each party's history: created, changed (with
the changed fields before and after) and archived, naming the run that did it."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from verbund.core.models import AuditRecord
from verbund.interfaces.models import ImportRun
from verbund.interfaces.tests.conftest import reasons
from verbund.parties.models import Party

pytestmark = pytest.mark.django_db

Write = Callable[..., Path]
Run = Callable[..., ImportRun]
FILE = "id;name;city;parent\nK1;Alpha AG;Köln;\nK2;Beta GmbH;Bonn;K1\n"


def history(key: str) -> list[AuditRecord]:
    party = Party.objects.get(erp_id=key)
    return list(AuditRecord.objects.filter(party_id=party.pk, action__startswith="party."))


def test_a_party_created_by_an_import_names_the_run_in_its_history(
    write: Write, run_import: Run
) -> None:
    run = run_import("parties", write("p.csv", FILE))
    assert run.status == "done", reasons(run)
    (record,) = history("K1")
    assert record.action == "party.create"
    assert (record.object_type, record.object_id) == ("interfaces.importrun", str(run.pk))
    assert f"#{run.pk}" in record.note and "erp" in record.note
    # The run describes the values it created the party with: no copy per party.
    assert record.before is None and record.after is None


def test_a_changed_party_shows_the_changed_fields_before_and_after(
    write: Write, run_import: Run
) -> None:
    run_import("parties", write("p.csv", FILE))
    second = run_import("parties", write("p2.csv", FILE.replace("Alpha AG;Köln", "Alpha SE;Köln")))
    assert second.status == "done", reasons(second)
    _created, changed = sorted(history("K1"), key=lambda r: r.pk)
    assert changed.action == "party.update" and changed.object_id == str(second.pk)
    assert (changed.before, changed.after) == ({"name": "Alpha AG"}, {"name": "Alpha SE"})
    assert changed.changed_fields() == [("name", "Alpha AG", "Alpha SE")]
    # An unchanged party gets no record.
    assert [r.action for r in history("K2")] == ["party.create"]


def test_a_full_sync_records_the_archived_parties(write: Write, run_import: Run) -> None:
    run_import("parties", write("p.csv", FILE))
    run = run_import("parties", write("p2.csv", "id;name;city\nK1;Alpha AG;Köln\n"), full=True)
    assert run.status == "done", reasons(run)
    archived = [r for r in history("K2") if r.action == "party.archive"]
    assert len(archived) == 1
    assert (archived[0].before, archived[0].after) == ({"archived": False}, {"archived": True})
    assert archived[0].object_id == str(run.pk)


def test_a_dry_run_and_a_failed_run_leave_no_history(write: Write, run_import: Run) -> None:
    assert run_import("parties", write("p.csv", FILE), dry_run=True).status == "done"
    assert run_import("parties", write("p2.csv", FILE + "K3;;Ulm;\n")).status == "failed"
    assert not AuditRecord.objects.filter(action__startswith="party.").exists()


def test_the_sync_api_writes_the_history_with_its_user(
    api_for: Callable[[str | None], Any],
) -> None:
    api = api_for("steward")
    body = {"source": "sap", "records": [{"external_id": "K1", "name": "Alpha AG"}]}
    run_id = api.post("/api/v1/sync/parties", body, format="json").json()["run"]
    body["records"][0]["city"] = "Köln"
    second = api.post("/api/v1/sync/parties", body, format="json").json()["run"]
    records = sorted(history("K1"), key=lambda r: r.pk)
    assert [(r.action, r.object_id) for r in records] == [
        ("party.create", str(run_id)),
        ("party.update", str(second)),
    ]
    assert {r.actor.username for r in records if r.actor} == {"api-steward"}
    assert records[1].after == {"city": "Köln"}


def test_parties_created_for_missing_leis_name_the_run(write: Write, run_import: Run) -> None:
    lei_a, lei_b = "5493001KJTIIGC8Y1R12", "529900T8BM49AURSDO55"
    header = (
        "Relationship.StartNode.NodeID,Relationship.StartNode.NodeIDType,Relationship.EndNode.NodeID,"
        "Relationship.EndNode.NodeIDType,Relationship.RelationshipType,Relationship.RelationshipStatus,"
        "Relationship.Period.1.startDate,Relationship.Period.1.endDate,Relationship.Period.1.periodType\n"
    )
    row = f"{lei_a},LEI,{lei_b},LEI,IS_DIRECTLY_CONSOLIDATED_BY,ACTIVE,,,\n"
    path = write("rr.csv", header + row)
    run = run_import("relationships", path, source="gleif", fmt="gleif-rr", create_missing=True)
    assert run.status == "done", reasons(run)
    for lei in (lei_a, lei_b):
        party = Party.objects.get(lei=lei)
        record = AuditRecord.objects.get(party_id=party.pk, action="party.create")
        assert record.object_id == str(run.pk)
