"""Relationship files, SAP preset, GLEIF RR, XLSX / JSON Lines, revenue, and round-trip exports."""

import datetime as dt
import io
import json
import os
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command

from verbund.hierarchies.consistency import differences
from verbund.interfaces.exporters import export
from verbund.interfaces.models import ImportRun
from verbund.interfaces.tests.conftest import reasons
from verbund.parties.models import Party
from verbund.relationships.models import Relationship

pytestmark = pytest.mark.django_db

Write = Callable[..., Path]
Run = Callable[..., ImportRun]
PARTIES = (
    "id;name;phone\nK1;Alpha AG;+49 221 1\nK2;Beta GmbH;=1+2\nK3;Gamma KG;@home\nK4;Delta OHG;-5\n"
)
RELS = "type;from;to;valid_from;share\ngroup;K2;K1;01.01.2020;75,5\nsupplier;K3;K4;2024-01-01;\n"


def test_relationship_files_create_then_leave_unchanged_then_end_missing_links(
    write: Write, run_import: Run
) -> None:
    run_import("parties", write("p.csv", PARTIES))
    first = run_import("relationships", write("r.csv", RELS))
    assert first.status == "done", reasons(first)
    group = Relationship.objects.get(type__key="group")
    assert (group.valid_from, str(group.share)) == (dt.date(2020, 1, 1), "75.5000")
    again = run_import("relationships", write("r.csv", RELS))
    assert again.counts["unchanged"] == 2 and again.counts["links_created"] == 0
    full = run_import(
        "relationships",
        write("r2.csv", "type;from;to;valid_from;share\ngroup;K2;K1;01.01.2020;75,5\n"),
        full=True,
    )
    assert full.counts["ended"] == 1
    supplier = Relationship.objects.get(type__key="supplier")
    assert supplier.valid_to == dt.date.today() - dt.timedelta(days=1)
    assert differences(["group"]) == []


@pytest.mark.parametrize("parallel", [False, True], ids=["one process", "rows checked in a child"])
def test_relationship_files_checked_in_a_second_process_give_the_same_runs(
    write: Write, run_import: Run, monkeypatch: pytest.MonkeyPatch, parallel: bool
) -> None:
    from verbund.interfaces import actions

    monkeypatch.setattr(actions, "PARALLEL_MIN_BYTES", 0 if parallel else 10**12)
    run_import("parties", write("p.csv", PARTIES))
    bad = RELS + "nonsense;K1;K2;;\ngroup;K3;K1;31.02.2020;\nsupplier;K3;K4;;\n"
    run = run_import("relationships", write("bad.csv", bad))
    assert run.status == "failed"
    assert [(e["row"], e["field"]) for e in run.report["errors"]] == [
        (4, "type"),
        (5, "valid_from"),
        (6, "external_id"),
    ]
    run = run_import("relationships", write("missing.csv", RELS + "supplier;K1;K9;;\n"))
    assert [(e["row"], e["field"]) for e in run.report["errors"]] == [(4, "to")]
    assert not Relationship.objects.exclude(source="erp").exists()
    assert not Relationship.objects.filter(external_ref__startswith="erp:").exists()
    first = run_import("relationships", write("r.csv", RELS))
    assert first.status == "done", reasons(first)
    assert first.counts["created"] == 2
    again = run_import("relationships", write("r.csv", RELS))
    assert (again.counts["unchanged"], again.counts["links_created"]) == (2, 0)
    moved = RELS.replace("supplier;K3;K4", "supplier;K3;K1")
    changed = run_import("relationships", write("r3.csv", moved), full=True)
    assert changed.status == "done", reasons(changed)
    assert (changed.counts["updated"], changed.counts["created"], changed.counts["ended"]) == (
        0,
        1,
        1,
    )
    assert differences(["group"]) == []


def test_a_relationship_file_cycle_and_a_second_parent_are_errors(
    write: Write, run_import: Run
) -> None:
    run_import("parties", write("p.csv", PARTIES))
    run = run_import(
        "relationships",
        write("r.csv", "type;from;to\ngroup;K1;K2\ngroup;K2;K1\ngroup;K3;K1\ngroup;K3;K2\n"),
    )
    assert run.status == "failed"
    text = reasons(run)
    assert "cycle" in text and "gets two parents" in text
    assert not Relationship.objects.exists()


def test_sap_partner_functions_become_main_addresses(write: Write, run_import: Run) -> None:
    text = (
        "KUNNR;NAME1;ORT01;LAND1;PARVW;KUNN2\n"
        "1000;Zentrale Einkauf eG;Köln;DE;AG;1000\n"
        "1000;Zentrale Einkauf eG;Köln;DE;RG;1000\n"
        "2000;Markt Bonn;Bonn;DE;AG;2000\n"
        "2000;Markt Bonn;Bonn;DE;RG;1000\n"
        "2000;Markt Bonn;Bonn;DE;WE;2001\n"
        "2001;Markt Bonn Lager;Bonn;DE;AG;2001\n"
        "3000;Markt Ulm;Ulm;DE;RE;1000\n"
    )
    run = run_import("parties", write("sap.csv", text), mapping="sap")
    assert run.status == "done", reasons(run)
    pairs = sorted(
        (r.from_party.erp_id, r.to_party.erp_id)
        for r in Relationship.objects.filter(type__key="settlement")
    )
    assert pairs == [("2000", "1000"), ("2001", "1000"), ("3000", "1000")]
    assert run_import("parties", write("sap.csv", text), mapping="sap").counts["unchanged"] == 4


def test_sap_rows_of_one_customer_must_agree(write: Write, run_import: Run) -> None:
    text = "KUNNR;NAME1;PARVW;KUNN2\n1000;Zentrale eG;AG;1000\n1000;Zentrale AG;RG;1000\n"
    run = run_import("parties", write("sap.csv", text), mapping="sap")
    assert run.status == "failed"
    assert "row 3 name Zentrale AG" in reasons(run)


def test_xlsx_and_json_lines_import_like_csv(write: Write, run_import: Run) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["id", "name", "birth_date", "kind", "last_name"])
    ws.append(["K1", "Alpha AG", None, "organisation", None])
    ws.append(["P1", None, dt.datetime(1980, 12, 31), "person", "Muster"])
    buf = io.BytesIO()
    wb.save(buf)
    run = run_import("parties", write("p.xlsx", buf.getvalue()))
    assert run.status == "done", reasons(run)
    assert Party.objects.get(erp_id="P1").birth_date == dt.date(1980, 12, 31)
    lines = "\n".join(
        json.dumps(r)
        for r in [{"id": "K2", "name": "Beta GmbH", "parent": "K1"}, {"id": 3, "name": "Gamma KG"}]
    )
    run = run_import("parties", write("p.jsonl", lines))
    assert run.status == "done", reasons(run)
    assert Party.objects.filter(erp_id="3").exists()
    assert Relationship.objects.filter(type__key="group", from_party__erp_id="K2").exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "jsonl"])
def test_export_then_import_reports_everything_unchanged(
    fmt: str, write: Write, run_import: Run, tmp_path: Path
) -> None:
    run_import("parties", write("p.csv", PARTIES + "K5;Epsilon GmbH;\n"))
    run_import("parties", write("p2.csv", "id;parent;main_address\nK5;K1;K2\n"))
    run_import("relationships", write("r.csv", RELS))
    for kind in ("parties", "relationships"):
        target = tmp_path / f"out-{kind}.{fmt}"
        export(kind, "erp", fmt, target)
        run = run_import(kind, target, fmt=fmt)
        assert run.status == "done", reasons(run)
        assert run.counts["created"] == run.counts["updated"] == run.counts["links_created"] == 0, (
            run.counts
        )
        assert run.counts["unchanged"] == (5 if kind == "parties" else 2)


def test_exports_neutralise_formulas_in_csv_and_xlsx(
    write: Write, run_import: Run, tmp_path: Path
) -> None:
    run_import("parties", write("p.csv", PARTIES))
    csv_path = tmp_path / "out.csv"
    export("parties", "erp", "csv", csv_path)
    text = csv_path.read_text(encoding="utf-8")
    assert ";'=1+2;" in text and ";'@home;" in text and ";'+49 221 1;" in text and ";'-5;" in text
    xlsx_path = tmp_path / "out.xlsx"
    export("parties", "erp", "xlsx", xlsx_path)
    cells = [
        c
        for row in openpyxl.load_workbook(xlsx_path).active.iter_rows(values_only=True)
        for c in row
    ]
    assert "'=1+2" in cells and "=1+2" not in cells


def test_exports_write_a_leading_tab_or_carriage_return_as_text(tmp_path: Path) -> None:
    from verbund.parties.actions import do_create_party

    do_create_party(actor=None, name="\tTab AG", street="\rHof 1", erp_source="erp", erp_id="T1")
    csv_path = tmp_path / "out.csv"
    export("parties", "erp", "csv", csv_path)
    text = csv_path.read_bytes().decode("utf-8")
    assert ";'\tTab AG;" in text and ';"\'\rHof 1";' in text
    xlsx_path = tmp_path / "out.xlsx"
    export("parties", "erp", "xlsx", xlsx_path)
    sheet = openpyxl.load_workbook(xlsx_path).active
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row]
    # XML reads a carriage return back as a line feed; the apostrophe in front is what counts.
    assert "'\tTab AG" in cells and "'\nHof 1" in cells


def test_the_export_command_writes_the_import_format(
    write: Write, run_import: Run, tmp_path: Path
) -> None:
    run_import("parties", write("p.csv", PARTIES))
    call_command("export", "parties", "--source", "erp", "--output", str(tmp_path / "x.csv"))
    assert (tmp_path / "x.csv").read_text(encoding="utf-8").startswith("external_id;kind;name")


def test_the_import_command_reports_errors_with_file_row_and_field(write: Write) -> None:
    from django.core.management.base import CommandError

    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import",
            "parties",
            str(write("p.csv", "id;name;country\nK1;A GmbH;XX\n")),
            stdout=out,
            verbosity=0,
        )
    assert "p.csv, row 2, country = 'XX'" in out.getvalue()


def test_gleif_direct_parents_become_group_links_and_ultimate_parents_are_checked(
    write: Write, run_import: Run
) -> None:
    header = "Relationship.StartNode.NodeID,Relationship.StartNode.NodeIDType,Relationship.EndNode.NodeID,Relationship.EndNode.NodeIDType,Relationship.RelationshipType,Relationship.RelationshipStatus,Relationship.Period.1.startDate,Relationship.Period.1.endDate,Relationship.Period.1.periodType\n"
    a, b, c = "5493001KJTIIGC8Y1R12", "529900T8BM49AURSDO55", "213800WAVVOPS85N2205"
    rows = (
        f"{a},LEI,{b},LEI,IS_DIRECTLY_CONSOLIDATED_BY,ACTIVE,2017-10-02T00:00:00+00:00,,RELATIONSHIP_PERIOD\n"
        f"{a},LEI,{c},LEI,IS_ULTIMATELY_CONSOLIDATED_BY,ACTIVE,,,\n"
        f"{a},LEI,{c},LEI,IS_FUND-MANAGED_BY,ACTIVE,,,\n"
    )
    path = write("rr.csv", header + rows)
    missing = run_import("relationships", path, source="gleif", fmt="gleif-rr")
    assert missing.status == "failed" and "No party with LEI" in reasons(missing)
    run = run_import("relationships", path, source="gleif", fmt="gleif-rr", create_missing=True)
    assert run.status == "done", reasons(run)
    link = Relationship.objects.get(type__key="group")
    assert (link.from_party.lei, link.to_party.lei, link.valid_from, link.source) == (
        a,
        b,
        dt.date(2017, 10, 2),
        "gleif",
    )
    assert run.counts["skipped"] == 1
    assert run.report["warnings"][0]["ultimate"] == c


DATA_DIR = os.environ.get("VERBUND_DATA_DIR", "")
GLEIF = Path(DATA_DIR or "/nonexistent") / (
    "gleif/20260123-0800-gleif-goldencopy-rr-golden-copy-subset-small.csv"
)


@pytest.mark.skipif(not GLEIF.exists(), reason="GLEIF sample not present (VERBUND_DATA_DIR)")
def test_the_real_gleif_subset_imports_and_reimports_unchanged(run_import: Run) -> None:
    run = run_import("relationships", GLEIF, source="gleif", fmt="gleif-rr", create_missing=True)
    assert run.status == "done", reasons(run)
    assert run.counts["links_created"] > 900
    assert differences(["group"]) == []
    again = run_import("relationships", GLEIF, source="gleif", fmt="gleif-rr", create_missing=True)
    assert again.counts["links_created"] == 0 and again.counts["unchanged"] == run.counts["created"]


def test_revenue_rows_in_german_format_are_idempotent(write: Write, run_import: Run) -> None:
    run_import("parties", write("p.csv", PARTIES))
    text = "party;month;amount;settled_by\nK2;12.2025;1.234,56;K1\nK3;2025-11;-12,50;\n"
    run = run_import("revenue", write("u.csv", text))
    assert run.status == "done", reasons(run)
    from verbund.revenue.models import RevenueMonth

    assert sorted(RevenueMonth.objects.values_list("amount_cents", flat=True)) == [-1250, 123456]
    assert run_import("revenue", write("u.csv", text)).counts["unchanged"] == 2
    changed = run_import("revenue", write("u2.csv", text.replace("1.234,56", "1.000,00")))
    assert changed.counts["updated"] == 1
    assert sorted(RevenueMonth.objects.values_list("amount_cents", flat=True)) == [-1250, 100000]
    bad = run_import(
        "revenue", write("u3.csv", "party;month;amount\nK2;13.2025;1\nK3;2025-11;zehn\n")
    )
    assert (
        bad.status == "failed"
        and "row 2 month" in reasons(bad)
        and "row 3 amount zehn" in reasons(bad)
    )


@pytest.mark.parametrize("whole", [False, True], ids=["by key", "whole table"])
def test_a_person_on_an_organisation_side_is_an_error_however_persons_are_looked_up(
    write: Write, run_import: Run, monkeypatch: pytest.MonkeyPatch, whole: bool
) -> None:
    from verbund.interfaces.engine import relationships

    monkeypatch.setattr(relationships, "WHOLE_SOURCE", 0 if whole else 20_000)
    people = "id;name;kind;last_name\nK1;Alpha AG;;\nK2;Beta GmbH;;\nP1;;person;Muster\n"
    assert run_import("parties", write("p.csv", people)).status == "done"
    run = run_import("relationships", write("r.csv", "type;from;to\ngroup;P1;K1\ngroup;K2;K1\n"))
    assert run.status == "failed"
    assert [(e["row"], e["field"]) for e in run.report["errors"]] == [(2, "from")]
