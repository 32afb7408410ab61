"""`verbund import` as an operator reads it: a refused run says nothing was written and counts
nothing as created, the run and the history name who ran it, a file without a required column
gets one error for the file, and GLEIF runs speak in words and say what a created party lacks."""

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.utils import translation

from verbund.core.models import AuditRecord
from verbund.core.testing import run_cli
from verbund.interfaces.models import ImportRun
from verbund.interfaces.tests.conftest import reasons
from verbund.parties.models import Party

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("keep_test_connection")]

Write = Callable[..., Path]
Run = Callable[..., ImportRun]
DATA = Path(os.environ.get("VERBUND_DATA_DIR", "/nonexistent"))
LEVEL1 = DATA / "gleif" / "level1" / "20240505-0000-gleif-goldencopy-lei2-intra-day.json"
RR_HEADER = (
    "Relationship.StartNode.NodeID,Relationship.StartNode.NodeIDType,Relationship.EndNode.NodeID,"
    "Relationship.EndNode.NodeIDType,Relationship.RelationshipType,Relationship.RelationshipStatus,"
    "Relationship.Period.1.startDate,Relationship.Period.1.endDate,Relationship.Period.1.periodType\n"
)
CHILD, PARENT = "529900T8BM49AURSDO55", "5299000J2N45DDNE4Y28"


def rr_file(write: Write, child: str = CHILD, parent: str = PARENT) -> Path:
    rows = (
        f"{child},LEI,{parent},LEI,IS_DIRECTLY_CONSOLIDATED_BY,ACTIVE,2017-10-02T00:00:00+00:00,,RELATIONSHIP_PERIOD\n"
        f"{child},LEI,{parent},LEI,IS_FUND-MANAGED_BY,ACTIVE,,,\n"
    )
    return write("rr.csv", RR_HEADER + rows)


def test_a_refused_import_counts_nothing_as_created_and_says_nothing_was_written_once(
    capsys, write: Write
):
    # The cycle is found after the rows were checked (and counted as new).
    path = write("kunden.csv", "id;name;parent\nK1;A GmbH;K3\nK2;B GmbH;K1\nK3;C GmbH;K2\n")
    code, out, err = run_cli(capsys, "import", "parties", str(path))
    assert code != 0
    summary = out.splitlines()[1]
    assert "created" not in summary and "rows 3" in summary and "errors 3" in summary
    assert (out + err).count("nothing") == 1
    assert not Party.objects.exists()


def test_a_file_level_error_names_the_file_once_and_no_row_zero(capsys, write: Write):
    path = write("kunden.csv", "id;name\n")
    code, out, _err = run_cli(capsys, "import", "parties", str(path))
    assert code != 0
    (line,) = [line for line in out.splitlines() if "error:" in line]
    assert line.count("kunden.csv") == 1 and "row 0" not in line


def test_a_cycle_of_links_without_a_start_date_names_no_date(write: Write, run_import: Run):
    text = "id;name;parent\nK1;A GmbH;K3\nK2;B GmbH;K1\nK3;C GmbH;K2\n"
    run = run_import("parties", write("p.csv", text))
    assert run.status == "failed"
    assert "would close a cycle:" in reasons(run)
    assert "0001" not in reasons(run)
    # The refusal names the column the link came from.
    assert {e["field"] for e in run.report["errors"]} == {"parent"}


def test_a_party_file_without_a_name_column_gets_one_error_for_the_file(
    write: Write, run_import: Run
):
    run = run_import("parties", write("p.csv", "id;city\nK1;Köln\nK2;Bonn\n"))
    assert run.status == "failed"
    (error,) = run.report["errors"]
    assert error["row"] == 0 and "required column missing: name" in error["reason"]
    with translation.override("de"):
        german = run_import("parties", write("p.csv", "id;city\nK1;Köln\n"))
    assert "Pflichtspalte fehlt: name" in german.report["errors"][0]["reason"]


def test_an_api_batch_without_names_still_updates_stored_parties(
    api_for: Callable[[str | None], object],
):
    api = api_for("steward")
    first = {"source": "sap", "records": [{"external_id": "K1", "name": "A GmbH"}]}
    api.post("/api/v1/sync/parties", first, format="json")  # type: ignore[attr-defined]
    later = {"source": "sap", "records": [{"external_id": "K1", "city": "Bonn"}]}
    resp = api.post("/api/v1/sync/parties", later, format="json")  # type: ignore[attr-defined]
    assert resp.json()["status"] == "done"
    assert Party.objects.get(erp_id="K1").city == "Bonn"


def test_a_command_line_import_records_the_os_user_on_the_run_and_in_the_history(
    capsys, write: Write, monkeypatch
):
    monkeypatch.setattr("getpass.getuser", lambda: "batchjob")
    path = write("kunden.csv", "id;name\nK1;A GmbH\n")
    code, out, err = run_cli(capsys, "import", "parties", str(path))
    assert code == 0, out + err
    run = ImportRun.objects.get()
    assert run.actor is None and run.actor_name == "batchjob"
    party = Party.objects.get(erp_id="K1")
    (record,) = AuditRecord.objects.filter(party_id=party.pk)
    assert "batchjob" in record.note
    assert "batchjob" in AuditRecord.objects.get(action="import.parties").note


def test_actor_names_a_verbund_user_who_is_linked_to_the_run_and_the_history(capsys, write: Write):
    user = User.objects.create_user("erika")
    path = write("kunden.csv", "id;name\nK1;A GmbH\n")
    code, out, err = run_cli(capsys, "import", "parties", str(path), "--actor", "erika")
    assert code == 0, out + err
    run = ImportRun.objects.get()
    assert (run.actor, run.actor_name) == (user, "erika")
    party = Party.objects.get(erp_id="K1")
    assert AuditRecord.objects.get(party_id=party.pk).actor == user
    assert AuditRecord.objects.get(action="import.parties").actor == user


def test_the_gleif_summary_prints_labels_and_says_created_parties_have_only_their_lei(
    capsys, write: Write
):
    path = rr_file(write)
    args = ["import", "relationships", str(path), "--format", "gleif-rr", "--create-missing"]
    code, out, err = run_cli(capsys, *args)
    assert code == 0, out + err
    assert "skipped_" not in out and "skipped: fund managed by 1" in out
    assert "named only by their LEI" in out and "--level1" in out
    assert Party.objects.get(lei=CHILD).name == CHILD


def test_a_level1_file_gives_created_parties_names_addresses_and_register_numbers(
    capsys, write: Write
):
    record = {
        "LEI": {"$": CHILD},
        "Entity": {
            "LegalName": {"$": "Beispiel Holding AG"},
            "LegalAddress": {
                "FirstAddressLine": {"$": "Hauptstraße 1"},
                "City": {"$": "Köln"},
                "Country": {"$": "DE"},
                "PostalCode": {"$": "50667"},
            },
            "RegistrationAuthority": {"RegistrationAuthorityEntityID": {"$": "HRB 4711"}},
        },
    }
    level1 = write("level1.json", json.dumps({"records": [record]}))
    args = ["import", "relationships", str(rr_file(write)), "--format", "gleif-rr"]
    code, out, err = run_cli(capsys, *args, "--create-missing", "--level1", str(level1))
    assert code == 0, out + err
    party = Party.objects.get(lei=CHILD)
    assert (party.name, party.street, party.postcode, party.city, party.country) == (
        "Beispiel Holding AG",
        "Hauptstraße 1",
        "50667",
        "Köln",
        "DE",
    )
    assert party.register_number == "HRB 4711"
    assert Party.objects.get(lei=PARENT).name == PARENT
    assert "named from GLEIF Level 1 1" in out and "named only by their LEI 1" in out


@pytest.mark.skipif(not LEVEL1.exists(), reason="GLEIF Level-1 sample not present")
def test_the_real_level1_sample_names_the_parties_it_knows(capsys, write: Write):
    records = json.loads(LEVEL1.read_text(encoding="utf-8"))["records"]
    child, parent = (r["LEI"]["$"] for r in records[:2])
    path = rr_file(write, child, parent)
    args = ["import", "relationships", str(path), "--format", "gleif-rr", "--create-missing"]
    code, out, err = run_cli(capsys, *args, "--level1", str(LEVEL1))
    assert code == 0, out + err
    assert Party.objects.get(lei=child).name == records[0]["Entity"]["LegalName"]["$"]
    assert Party.objects.get(lei=parent).city


def test_level1_without_create_missing_is_refused(capsys, write: Write):
    args = ["import", "relationships", str(rr_file(write)), "--format", "gleif-rr"]
    code, _out, err = run_cli(capsys, *args, "--level1", str(write("l1.json", "{}")))
    assert code != 0 and "--create-missing" in err


def test_numbers_in_german_messages_are_grouped_the_german_way(
    write: Write, run_import: Run, settings
):
    settings.VERBUND_MAX_UPLOAD_BYTES = 20_000
    path = write("kunden.csv", "id;name\n" + "K1;A GmbH\n" * 2_500)
    with translation.override("de"):
        run = run_import("parties", path)
    reason = run.report["errors"][0]["reason"]
    assert "20.000" in reason and "25.008" in reason, reason


def test_a_failed_dry_run_says_nothing_was_written_once(capsys, write: Write):
    path = write("kunden.csv", "id;name;country\nK1;A GmbH;XX\n")
    code, out, err = run_cli(capsys, "import", "parties", str(path), "--dry-run")
    assert code != 0
    assert (out + err).count("nothing w") == 1, out + err


def test_a_dry_run_says_what_would_be_written_and_each_change_in_words(capsys, write: Write):
    run_cli(
        capsys,
        "import",
        "parties",
        str(write("a.csv", "id;name;city\nK1;A GmbH;Köln\nK3;C AG;Ulm\n")),
    )
    path = write("b.csv", "id;name;city\nK1;A GmbH;Bonn\nK2;B GmbH;Bonn\n")
    code, out, _err = run_cli(capsys, "import", "parties", str(path), "--dry-run", "--full")
    assert code == 0
    lines = out.splitlines()
    assert "would be created 1" in lines[1] and "would be updated 1" in lines[1]
    assert "would be archived 1" in lines[1] and " created" not in lines[1].replace(
        "be created", ""
    )
    assert "  would be archived: K3" in lines
    assert "  would be changed: row 2, K1: City: Köln → Bonn" in lines
    assert "{" not in out
    code, out, _err = run_cli(capsys, "import", "parties", str(path), "--full")
    lines = out.splitlines()
    assert "created 1" in lines[1] and "would" not in out
    assert "  changed: row 2, K1: City: Köln → Bonn" in lines and "  archived: K3" in lines


def test_errors_past_the_fiftieth_are_counted_with_an_ellipsis_as_the_pages_write_it(
    capsys, write: Write
):
    rows = "".join(f"K{i};;x\n" for i in range(1, 1056))  # 1,055 rows without a name
    path = write("kunden.csv", "id;name;email\n" + rows)
    code, out, _err = run_cli(capsys, "import", "parties", str(path))
    assert code != 0
    more = [line for line in out.splitlines() if "more errors" in line]
    assert more == ["  … and 1,005 more errors (see the run report: --json)"], more
    assert "..." not in out
