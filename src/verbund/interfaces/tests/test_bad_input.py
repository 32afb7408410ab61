"""Bad input: each gives a clear error naming file, row and field, and writes nothing."""

import io
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from verbund.interfaces.models import ImportRun
from verbund.interfaces.tests.conftest import reasons
from verbund.parties.models import Party
from verbund.relationships.models import Relationship
from verbund.revenue import rules as revenue_rules

pytestmark = pytest.mark.django_db

Write = Callable[..., Path]
Run = Callable[..., ImportRun]
HEADER = "id;name;city;country;parent\n"


def assert_failed(run: ImportRun, *fragments: str) -> None:
    assert run.status == "failed"
    text = reasons(run)
    for fragment in fragments:
        assert fragment in text, text
    assert not Party.objects.exists()
    assert not Relationship.objects.exists()


def test_a_wrong_declared_encoding_names_the_row(write: Write, run_import: Run) -> None:
    path = write("p.csv", HEADER + "K1;Müller GmbH;Köln;DE;\n", encoding="cp1252")
    mapping = write("m.toml", 'extends = "generic"\n[read]\nencoding = "utf-8"\n')
    run = run_import("parties", path, mapping=str(mapping))
    assert_failed(run, "p.csv, row 2", "not valid utf-8")


def test_windows_1252_and_utf8_with_bom_are_detected(write: Write, run_import: Run) -> None:
    run = run_import(
        "parties", write("a.csv", HEADER + "K1;Müller GmbH;Köln;DE;\n", encoding="cp1252")
    )
    assert run.status == "done", reasons(run)
    run = run_import(
        "parties", write("b.csv", HEADER + "K2;Bäcker AG;Köln;DE;\n", encoding="utf-8-sig")
    )
    assert run.status == "done", reasons(run)
    assert sorted(Party.objects.values_list("name", flat=True)) == ["Bäcker AG", "Müller GmbH"]


def test_a_missing_required_column_is_named(write: Write, run_import: Run) -> None:
    run = run_import("parties", write("p.csv", "name;city\nMüller;Köln\n"))
    assert_failed(run, "p.csv, row 1", "external_id")


def test_a_malformed_date_is_named(write: Write, run_import: Run) -> None:
    run = run_import(
        "parties", write("p.csv", "id;kind;last_name;birth_date\nP1;person;Muster;31.13.1980\n")
    )
    assert_failed(run, "row 2 birth_date 31.13.1980")


def test_a_malformed_amount_is_named(write: Write, run_import: Run) -> None:
    run = run_import(
        "parties", write("p.csv", "id;name;parent;parent_share\nK1;A GmbH;;\nK2;B GmbH;K1;zwölf\n")
    )
    assert_failed(run, "row 3 parent_share zwölf")


def test_a_revenue_amount_beyond_the_stored_digits_is_named_not_a_crash(
    write: Write, run_import: Run
) -> None:
    run_import("parties", write("p.csv", "id;name\nK1;Alpha AG\n"))
    run = run_import(
        "revenue",
        write("r.csv", "party;month;amount\nK1;2025-01;12,00\nK1;2025-02;123456789012345678,00\n"),
    )
    assert run.status == "failed"
    assert "row 3 amount 123456789012345678,00" in reasons(run)
    value = "123456789012345678,00"
    assert str(revenue_rules.amount_error(Decimal("123456789012345678.00"), value)) in reasons(run)


def test_an_unknown_country_is_named(write: Write, run_import: Run) -> None:
    run = run_import("parties", write("p.csv", HEADER + "K1;Müller GmbH;Köln;XX;\n"))
    assert_failed(run, "row 2 country XX")


def test_the_same_external_id_twice_names_both_rows(write: Write, run_import: Run) -> None:
    run = run_import("parties", write("p.csv", HEADER + "K1;A GmbH;Köln;DE;\nK1;B GmbH;Bonn;DE;\n"))
    assert_failed(run, "rows 2 and 3")


def test_a_reference_to_a_missing_party_names_the_row(write: Write, run_import: Run) -> None:
    run = run_import("parties", write("p.csv", HEADER + "K1;A GmbH;Köln;DE;K9\n"))
    assert_failed(run, "row 2 parent K9", "No party with external id K9")


def test_a_cycle_is_refused_with_its_path(write: Write, run_import: Run) -> None:
    run = run_import(
        "parties",
        write(
            "p.csv", HEADER + "K1;A GmbH;Köln;DE;K3\nK2;B GmbH;Köln;DE;K1\nK3;C GmbH;Köln;DE;K2\n"
        ),
    )
    assert_failed(run, "cycle")
    assert "→" in reasons(run)


def test_a_cycle_with_the_database_is_refused(write: Write, run_import: Run) -> None:
    first = run_import(
        "parties", write("p.csv", HEADER + "K1;A GmbH;Köln;DE;\nK2;B GmbH;Köln;DE;K1\n")
    )
    assert first.status == "done"
    run = run_import("parties", write("p2.csv", HEADER + "K1;A GmbH;Köln;DE;K2\n"))
    assert run.status == "failed"
    assert "A GmbH (K1) → B GmbH (K2) → A GmbH (K1)" in reasons(
        run
    ) or "B GmbH (K2) → A GmbH (K1) → B GmbH (K2)" in reasons(run)
    assert Relationship.objects.count() == 1


def test_an_empty_file_is_refused(write: Write, run_import: Run) -> None:
    assert_failed(run_import("parties", write("p.csv", b"")), "p.csv", "empty")
    assert_failed(run_import("parties", write("h.csv", HEADER)), "h.csv", "no data rows")


def test_a_truncated_xlsx_is_refused(write: Write, run_import: Run) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["id", "name"])
    for i in range(2000):
        ws.append([f"K{i}", f"Firma {i} GmbH"])
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    run = run_import("parties", write("p.xlsx", data[: len(data) // 2]))
    assert_failed(run, "p.xlsx", "XLSX")


def test_a_line_of_ten_megabytes_is_refused(write: Write, run_import: Run) -> None:
    run = run_import(
        "parties", write("p.csv", HEADER + "K1;" + "x" * (10 * 1024 * 1024) + ";Köln;DE;\n")
    )
    assert_failed(run, "p.csv, row 2")


def test_a_file_over_the_size_limit_is_refused(
    write: Write, run_import: Run, settings: object
) -> None:
    settings.VERBUND_MAX_UPLOAD_BYTES = 100  # type: ignore[attr-defined]
    run = run_import("parties", write("p.csv", HEADER + "K1;A GmbH;Köln;DE;\n" * 10))
    assert_failed(run, "p.csv", "limit")


def test_a_row_with_too_many_fields_is_named(write: Write, run_import: Run) -> None:
    run = run_import("parties", write("p.csv", HEADER + "K1;A GmbH;Köln;DE;;extra\n"))
    assert_failed(run, "p.csv, row 2", "6 fields")


def test_broken_json_lines_name_the_line(write: Write, run_import: Run) -> None:
    good = json.dumps({"external_id": "K1", "name": "A GmbH"})
    run = run_import("parties", write("p.jsonl", good + "\n{not json\n"))
    assert_failed(run, "p.jsonl, row 2")


def test_all_errors_are_listed_not_just_the_first(write: Write, run_import: Run) -> None:
    run = run_import(
        "parties",
        write("p.csv", HEADER + "K1;A GmbH;Köln;XX;\nK2;;Köln;DE;\nK3;C GmbH;Köln;DE;K9\n"),
    )
    assert run.status == "failed"
    rows = sorted({e["row"] for e in run.report["errors"]})
    assert rows == [2, 3]  # references are checked once every row is valid
    assert run.counts["errors"] == 2
