"""Party imports: idempotent upsert, references in any order, links ended never deleted."""

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from verbund.core.models import AuditRecord
from verbund.hierarchies.consistency import differences
from verbund.interfaces.models import ImportRun
from verbund.interfaces.tests.conftest import reasons
from verbund.parties.actions import derive_fields
from verbund.parties.models import Party
from verbund.relationships.actions import do_create_relationship
from verbund.relationships.models import Relationship

pytestmark = pytest.mark.django_db

BASE = """id;name;city;postcode;country;parent;main_address
K3;Müller Filiale Bonn;Bonn;53111;DE;K1;K2
K1;Müller Holding AG;Köln;50667;DE;;
K2;Einkaufsverband Süd eG;München;80331;DE;;
K4;Müller Filiale Ulm;Ulm;89073;de;K1;K2
"""

Write = Callable[..., Path]
Run = Callable[..., ImportRun]


def party(key: str, source: str = "erp") -> Party:
    return Party.objects.get(erp_source=source, erp_id=key)


def links(type_key: str) -> list[tuple[str, str, Any]]:
    return sorted(
        (r.from_party.erp_id or "", r.to_party.erp_id or "", r.valid_to)
        for r in Relationship.objects.filter(type__key=type_key).select_related(
            "from_party", "to_party"
        )
    )


def test_it_creates_parties_and_resolves_references_in_any_row_order(
    write: Write, run_import: Run
) -> None:
    run = run_import("parties", write("p.csv", BASE))
    assert run.status == "done", reasons(run)
    assert run.counts["created"] == 4
    assert links("group") == [("K3", "K1", None), ("K4", "K1", None)]
    assert links("settlement") == [("K3", "K2", None), ("K4", "K2", None)]
    assert party("K4").country == "DE"
    assert differences(["group", "settlement"]) == []


def test_it_fills_the_derived_search_columns_like_the_actions_do(
    write: Write, run_import: Run
) -> None:
    run_import("parties", write("p.csv", BASE))
    p = party("K2")
    expected = Party(
        **{
            f: getattr(p, f)
            for f in (
                "kind",
                "name",
                "name2",
                "number",
                "city",
                "postcode",
                "vat_id",
                "country",
                "lei",
            )
        }
    )
    derive_fields(expected)
    assert (p.search_text, p.phonetic) == (expected.search_text, expected.phonetic)


def test_a_party_new_to_a_later_run_gets_the_same_search_columns_as_one_entered_by_hand(
    write: Write, run_import: Run
) -> None:
    # A later run derives the search columns of its new rows only, when it writes them.
    run_import("parties", write("p.csv", BASE))
    later = BASE + "K9;Bäckerei Größer & Söhne;Straßlach;82064;DE;;\n"
    run = run_import("parties", write("p2.csv", later))
    assert run.counts["created"] == 1 and run.counts["unchanged"] == 4, reasons(run)
    p = party("K9")
    expected = Party(
        **{
            f: getattr(p, f)
            for f in ("kind", "name", "name2", "number", "city", "postcode", "vat_id", "country")
        }
    )
    derive_fields(expected)
    assert (p.search_text, p.phonetic) == (expected.search_text, expected.phonetic)
    assert "strasslach" in p.search_text and p.phonetic


def test_a_second_run_of_the_same_file_writes_nothing(write: Write, run_import: Run) -> None:
    path = write("p.csv", BASE)
    run_import("parties", path)
    stamps = list(Party.objects.order_by("pk").values_list("updated_at", flat=True))
    rel_stamps = list(Relationship.objects.order_by("pk").values_list("updated_at", flat=True))
    audits = AuditRecord.objects.count()
    again = run_import("parties", path)
    assert again.counts["unchanged"] == 4
    assert again.counts["created"] == again.counts["updated"] == again.counts["links_created"] == 0
    assert list(Party.objects.order_by("pk").values_list("updated_at", flat=True)) == stamps
    assert (
        list(Relationship.objects.order_by("pk").values_list("updated_at", flat=True)) == rel_stamps
    )
    # Only the run's own records: queued and the run summary.
    assert AuditRecord.objects.count() == audits + 2


def test_one_audit_record_covers_the_whole_run(write: Write, run_import: Run) -> None:
    run = run_import("parties", write("p.csv", BASE))
    records = AuditRecord.objects.filter(action="import.parties")
    assert records.count() == 1
    assert records.get().after["created"] == 4
    assert str(run.pk) == records.get().object_id


def test_a_changed_field_updates_and_reports_the_difference(write: Write, run_import: Run) -> None:
    run_import("parties", write("p.csv", BASE))
    run = run_import("parties", write("p2.csv", BASE.replace("Ulm;89073", "Neu-Ulm;89231")))
    assert run.counts["updated"] == 1
    assert party("K4").city == "Neu-Ulm"
    assert "neu ulm" in party("K4").search_text
    assert run.report["diffs"][0]["changes"]["city"] == ["Ulm", "Neu-Ulm"]
    assert run.report["parties"][0]["fields"] == ["city", "postcode"]


def test_a_new_parent_ends_the_old_link_and_keeps_it(write: Write, run_import: Run) -> None:
    run_import("parties", write("p.csv", BASE))
    Relationship.objects.update(valid_from=dt.date(2020, 1, 1))
    run = run_import(
        "parties",
        write(
            "p2.csv",
            BASE.replace(
                "K4;Müller Filiale Ulm;Ulm;89073;de;K1;K2", "K4;Müller Filiale Ulm;Ulm;89073;de;K2;"
            ),
        ),
    )
    assert run.status == "done", reasons(run)
    yesterday = dt.date.today() - dt.timedelta(days=1)
    assert ("K4", "K1", yesterday) in links("group")
    assert ("K4", "K2", None) in links("group")
    assert ("K4", "K2", yesterday) in links("settlement")
    assert run.counts["links_ended"] == 2
    assert differences(["group", "settlement"]) == []


def test_full_sync_archives_the_missing_parties_and_lists_them(
    write: Write, run_import: Run
) -> None:
    run_import("parties", write("p.csv", BASE))
    run = run_import(
        "parties",
        write("p2.csv", BASE.replace("K4;Müller Filiale Ulm;Ulm;89073;de;K1;K2\n", "")),
        full=True,
    )
    assert run.report["archived"] == ["K4"]
    assert party("K4").archived
    assert Party.objects.filter(archived=False).count() == 3


def test_without_full_missing_parties_stay(write: Write, run_import: Run) -> None:
    run_import("parties", write("p.csv", BASE))
    run = run_import(
        "parties", write("p2.csv", BASE.replace("K4;Müller Filiale Ulm;Ulm;89073;de;K1;K2\n", ""))
    )
    assert run.counts["archived"] == 0
    assert not party("K4").archived


def test_a_dry_run_reports_counts_and_writes_nothing(write: Write, run_import: Run) -> None:
    run_import("parties", write("p.csv", BASE))
    run = run_import(
        "parties",
        write(
            "p2.csv", BASE.replace("Bonn;53111", "Siegburg;53721") + "K5;Neu GmbH;Bonn;53111;DE;;\n"
        ),
        dry_run=True,
    )
    assert run.status == "done"
    assert run.counts["created"] == 1 and run.counts["updated"] == 1
    assert run.report["diffs"][0]["changes"]["city"] == ["Bonn", "Siegburg"]
    assert not Party.objects.filter(erp_id="K5").exists()
    assert party("K3").city == "Bonn"


def test_skip_invalid_writes_the_valid_rows_and_reports_the_rest(
    write: Write, run_import: Run
) -> None:
    text = BASE + "K5;Kaputt GmbH;Bonn;53111;XX;;\nK6;Gut GmbH;Bonn;53111;DE;K5;\n"
    run = run_import("parties", write("p.csv", text), skip_invalid=True)
    assert run.status == "done"
    assert Party.objects.filter(erp_id__in=["K1", "K2", "K3", "K4", "K6"]).count() == 5
    assert not Party.objects.filter(erp_id="K5").exists()
    text_errors = reasons(run)
    assert "row 6 country XX" in text_errors
    assert "row 7 parent K5" in text_errors


def test_a_reference_to_a_merged_party_goes_to_the_survivor(write: Write, run_import: Run) -> None:
    run_import("parties", write("p.csv", BASE))
    survivor = party("K2")
    old = Party.objects.create(
        kind="organisation",
        name="Alt eG",
        number="900001",
        erp_source="erp",
        erp_id="K9",
        merged_into=survivor,
    )
    run = run_import("parties", write("p2.csv", BASE + "K7;Filiale Trier;Trier;54290;DE;;K9\n"))
    assert run.status == "done", reasons(run)
    link = Relationship.objects.get(type__key="settlement", from_party=party("K7"))
    assert link.to_party_id == survivor.pk != old.pk


def test_a_parent_in_the_database_resolves_without_being_in_the_file(
    write: Write, run_import: Run
) -> None:
    run_import("parties", write("p.csv", BASE))
    run = run_import("parties", write("p2.csv", "id;name;parent\nK8;Filiale Köln-Süd;K1\n"))
    assert run.status == "done", reasons(run)
    assert ("K8", "K1", None) in links("group")


def test_a_person_needs_a_last_name_and_an_organisation_a_name(
    write: Write, run_import: Run
) -> None:
    run = run_import(
        "parties",
        write(
            "p.csv",
            "id;kind;name;first_name;last_name\nP1;person;;Erika;\nO1;organisation;;;\nP2;Person;;Max;Muster\n",
        ),
    )
    assert run.status == "failed"
    text = reasons(run)
    assert "row 2 last_name" in text and "row 3 name" in text
    assert not Party.objects.exists()


def test_blank_kind_status_and_country_cells_keep_what_a_party_has(
    write: Write, run_import: Run
) -> None:
    first = (
        "id;kind;name;first_name;last_name;status;country\nP1;person;;Erika;Muster;prospect;AT\n"
    )
    run_import("parties", write("p.csv", first))
    again = run_import(
        "parties",
        write("p2.csv", first.replace("person;;Erika;Muster;prospect;AT", ";;Erika;Muster;;")),
    )
    assert again.status == "done", reasons(again)
    assert again.counts["unchanged"] == 1 and again.counts["updated"] == 0
    stored = party("P1")
    assert (stored.kind, stored.status, stored.country) == ("person", "prospect", "AT")
    assert stored.name == "Erika Muster"
    # A changed field still updates; the blank cells still keep theirs.
    moved = run_import(
        "parties",
        write("p3.csv", "id;kind;name;last_name;status;country;city\nP1;;;Muster;;;Graz\n"),
    )
    assert moved.status == "done", reasons(moved)
    assert moved.counts["updated"] == 1
    stored = party("P1")
    assert (stored.kind, stored.status, stored.country, stored.city) == (
        "person",
        "prospect",
        "AT",
        "Graz",
    )
    assert moved.report["diffs"][0]["changes"] == {"city": ["", "Graz"]}


def test_a_blank_country_alone_keeps_the_stored_one_too(write: Write, run_import: Run) -> None:
    run_import("parties", write("p.csv", "id;name;country\nO1;Alpha AG;AT\nO2;Beta AG;CH\n"))
    run = run_import("parties", write("p2.csv", "id;name;country\nO1;Alpha AG;\nO2;Beta AG;\n"))
    assert run.counts["unchanged"] == 2, reasons(run)
    assert [party(k).country for k in ("O1", "O2")] == ["AT", "CH"]


def test_a_new_party_with_blank_kind_status_and_country_gets_the_defaults(
    write: Write, run_import: Run
) -> None:
    run = run_import(
        "parties", write("p.csv", "id;kind;name;status;country\nO1;;Alpha AG;;\nO2;;;;\n")
    )
    assert run.status == "failed"
    # A blank kind is an organisation's, so the name rule asks for a name.
    assert "row 3 name" in reasons(run)
    run = run_import("parties", write("p2.csv", "id;kind;name;status;country\nO1;;Alpha AG;;\n"))
    assert run.status == "done", reasons(run)
    stored = party("O1")
    assert (stored.kind, stored.status, stored.country) == ("organisation", "customer", "DE")


def test_a_blank_kind_checks_the_name_rule_of_the_kind_the_party_keeps(
    write: Write, run_import: Run
) -> None:
    run_import(
        "parties",
        write("p.csv", "id;kind;name;last_name\nP1;person;;Muster\nO1;organisation;Alpha AG;\n"),
    )
    # The person keeps its last name and needs no name; the organisation loses its name.
    run = run_import("parties", write("p2.csv", "id;kind;name;last_name\nP1;;;Muster\nO1;;;\n"))
    assert run.status == "failed"
    text = reasons(run)
    assert "row 3 name" in text and "row 2" not in text
    assert party("O1").name == "Alpha AG"


def test_it_reads_german_dates_and_the_sap_date_format(write: Write, run_import: Run) -> None:
    run = run_import(
        "parties",
        write(
            "p.csv",
            "id;kind;last_name;birth_date\nP1;person;Muster;31.12.1980\nP2;person;Beispiel;19750102\n",
        ),
    )
    assert run.status == "done", reasons(run)
    assert party("P1").birth_date == dt.date(1980, 12, 31)
    assert party("P2").birth_date == dt.date(1975, 1, 2)
    assert party("P1").name == "Muster"


def test_a_manual_parent_is_a_second_parent_for_the_import(
    write: Write, run_import: Run, org: Callable[..., Party]
) -> None:
    run_import("parties", write("p.csv", BASE))
    other = org("Fremde Holding AG")
    k2 = party("K2")
    do_create_relationship(actor=None, type="group", from_party=k2, to_party=other)
    run = run_import(
        "parties",
        write(
            "p2.csv",
            BASE.replace(
                "K2;Einkaufsverband Süd eG;München;80331;DE;;",
                "K2;Einkaufsverband Süd eG;München;80331;DE;K1;",
            ),
        ),
    )
    assert run.status == "failed"
    assert "already has a parent" in reasons(run)
    assert Relationship.objects.filter(type__key="group", from_party=k2).count() == 1


def test_a_batch_may_swap_parent_and_child(write: Write, run_import: Run) -> None:
    run_import("parties", write("p.csv", BASE))
    swapped = BASE.replace(
        "K1;Müller Holding AG;Köln;50667;DE;;", "K1;Müller Holding AG;Köln;50667;DE;K3;"
    ).replace(
        "K3;Müller Filiale Bonn;Bonn;53111;DE;K1;K2", "K3;Müller Filiale Bonn;Bonn;53111;DE;;K2"
    )
    run = run_import("parties", write("p2.csv", swapped))
    assert run.status == "done", reasons(run)
    assert ("K1", "K3", None) in links("group")
    assert differences(["group", "settlement"]) == []


def test_a_first_big_load_rebuilds_the_indexes_and_keeps_them(
    write: Write, run_import: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import connection

    from verbund.interfaces import actions

    def indexes() -> set[tuple[str, str]]:
        found: set[tuple[str, str]] = set()
        with connection.cursor() as cur:
            # The links a party file creates are written with the relationship indexes dropped.
            for table in (Party._meta.db_table, Relationship._meta.db_table):
                constraints = connection.introspection.get_constraints(cur, table)
                found |= {
                    (table, name)
                    for name, info in constraints.items()
                    if info["index"] or info["unique"]
                }
        return found

    before = indexes()
    assert any(table == Relationship._meta.db_table for table, _name in before)
    monkeypatch.setattr(actions, "REBUILD_MIN_BYTES", 0)
    run = run_import("parties", write("p.csv", BASE))
    assert run.status == "done", reasons(run)
    assert indexes() == before
    assert links("group") == [("K3", "K1", None), ("K4", "K1", None)]
    assert run_import("parties", write("p.csv", BASE)).counts["unchanged"] == 4


def foreign_keys() -> dict[str, tuple[str, ...]]:
    from django.db import connection

    found: dict[str, tuple[str, ...]] = {}
    with connection.cursor() as cur:
        for table in (Party._meta.db_table, Relationship._meta.db_table):
            for name, info in connection.introspection.get_constraints(cur, table).items():
                if info["foreign_key"]:
                    found[name] = (table, *info["columns"], *info["foreign_key"])
    return found


def test_a_first_big_load_puts_the_foreign_keys_back_as_they_were(
    write: Write, run_import: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    from verbund.interfaces import actions

    before = foreign_keys()
    assert before
    monkeypatch.setattr(actions, "REBUILD_MIN_BYTES", 0)
    run = run_import("parties", write("p.csv", BASE))
    assert run.status == "done", reasons(run)
    assert foreign_keys() == before
    assert links("settlement") == [("K3", "K2", None), ("K4", "K2", None)]


def test_a_first_big_load_that_breaks_a_reference_fails_and_writes_nothing(
    write: Write, run_import: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import connection

    from verbund.interfaces import actions
    from verbund.parties.bulk import PartyWriter

    if connection.vendor != "postgresql":
        pytest.skip("SQLite keeps its row-wise foreign-key checks during a first load")
    original = PartyWriter.insert

    def broken(self: PartyWriter, *args: Any, **kwargs: Any) -> range:
        ids = original(self, *args, **kwargs)
        # What a bug in the engine would do: point a new party at one that does not exist.
        with connection.cursor() as cur:
            cur.execute(
                f"UPDATE {Party._meta.db_table} SET organisation_id = %s WHERE id = %s",
                [ids[-1] + 1000, ids[0]],
            )
        return ids

    monkeypatch.setattr(PartyWriter, "insert", broken)
    monkeypatch.setattr(actions, "REBUILD_MIN_BYTES", 0)
    before = foreign_keys()
    run = run_import("parties", write("p.csv", BASE))
    assert run.status == "failed"
    assert "organisation_id" in reasons(run) and "is not present" in reasons(run), reasons(run)
    assert not Party.objects.exists() and not Relationship.objects.exists()
    assert foreign_keys() == before


def test_many_changes_at_once_update_archive_and_end_links_like_a_few(
    write: Write, run_import: Run
) -> None:
    # Enough rows for the set-based path (a temporary table on PostgreSQL).
    head = "id;name;city;postcode;parent\n"
    first = "".join(f"M{i};Firma {i} GmbH;Köln;50667;{'M0' if i else ''}\n" for i in range(120))
    run_import("parties", write("m.csv", head + first))
    second = "".join(f"M{i};Firma {i} AG;Bonn;53111;\n" for i in range(100))
    run = run_import("parties", write("m2.csv", head + second), full=True)
    assert run.status == "done", reasons(run)
    assert run.counts["updated"] == 100
    assert run.counts["archived"] == 20
    assert run.counts["links_ended"] == 99
    m7 = party("M7")
    assert (m7.name, m7.city, m7.postcode) == ("Firma 7 AG", "Bonn", "53111")
    assert "firma 7 ag" in m7.search_text and "bonn" in m7.search_text
    assert party("M110").archived and not party("M7").archived
    yesterday = dt.date.today() - dt.timedelta(days=1)
    assert Relationship.objects.filter(type__key="group", valid_to=yesterday).count() == 99
    assert differences(["group"]) == []


def test_imported_parties_get_consecutive_numbers_and_the_sequence_goes_on_after_them(
    write: Write, run_import: Run
) -> None:
    from verbund.core.models import NumberSequence

    run_import("parties", write("p.csv", BASE))
    numbers = sorted(int(n) for n in Party.objects.values_list("number", flat=True))
    assert numbers == list(range(numbers[0], numbers[0] + 4))
    assert NumberSequence.objects.get(name="party").next_value == numbers[-1] + 1


@pytest.mark.parametrize("parallel", [False, True], ids=["one process", "rows checked in a child"])
def test_checking_rows_in_a_second_process_gives_the_same_run(
    write: Write, run_import: Run, monkeypatch: pytest.MonkeyPatch, parallel: bool
) -> None:
    from verbund.interfaces import actions

    monkeypatch.setattr(actions, "PARALLEL_MIN_BYTES", 0 if parallel else 10**12)
    bad = BASE + "K5;;Bonn;53111;XX;K1;\nK1;Doppelt AG;Köln;50667;DE;;\nK6;;Bonn;53111;DE;;\n"
    run = run_import("parties", write("bad.csv", bad))
    assert run.status == "failed"
    assert [(e["row"], e["field"]) for e in run.report["errors"]] == [
        (6, "country"),
        (7, "external_id"),
        (8, "name"),
    ]
    assert not Party.objects.exists()
    run = run_import("parties", write("p.csv", BASE))
    assert run.status == "done", reasons(run)
    assert run.counts["created"] == 4
    assert links("group") == [("K3", "K1", None), ("K4", "K1", None)]
    assert "bonn" in party("K3").search_text and party("K3").phonetic
    # Into a source that holds parties: unchanged rows, a changed one, a new one (derived by
    # the writer, since the stage derives only for an empty source).
    run = run_import("parties", write("again.csv", BASE))
    assert run.status == "done", reasons(run)
    assert (run.counts["unchanged"], run.counts["created"], run.counts["updated"]) == (4, 0, 0)
    changed = BASE.replace("Müller Filiale Bonn;Bonn", "Müller Filiale Beuel;Bonn")
    run = run_import(
        "parties", write("changed.csv", changed + "K8;Neue Filiale;Köln;50667;DE;K1;\n")
    )
    assert run.status == "done", reasons(run)
    assert (run.counts["unchanged"], run.counts["created"], run.counts["updated"]) == (3, 1, 1)
    assert party("K3").name == "Müller Filiale Beuel"
    new = party("K8")
    expected = Party(
        **{f: getattr(new, f) for f in ("kind", "name", "city", "postcode", "country")}
    )
    expected.number = new.number
    derive_fields(expected)
    assert (new.search_text, new.phonetic) == (expected.search_text, expected.phonetic)
    assert links("group") == [("K3", "K1", None), ("K4", "K1", None), ("K8", "K1", None)]
    broken = BASE + "K7;Zu;viele;Felder;DE;;;x\n"
    run = run_import("parties", write("broken.csv", broken))
    assert run.status == "failed"
    assert "row 6" in run.report["errors"][0]["reason"]


def test_beyond_the_touch_limit_the_closure_is_rebuilt_whole_and_stays_exact(
    write: Write, run_import: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    from verbund.interfaces.engine import results

    monkeypatch.setattr(results, "TOUCH_LIMIT", 1)
    run = run_import("parties", write("p.csv", BASE))
    assert run.status == "done", reasons(run)
    assert differences(["group", "settlement"]) == []
    moved = BASE.replace(
        "K4;Müller Filiale Ulm;Ulm;89073;de;K1;K2", "K4;Müller Filiale Ulm;Ulm;89073;de;K3;"
    )
    assert run_import("parties", write("p2.csv", moved)).status == "done"
    assert differences(["group", "settlement"]) == []


def test_a_big_run_refreshes_the_planner_statistics_on_either_database(
    write: Write, run_import: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from verbund.interfaces import actions

    monkeypatch.setattr(actions, "ANALYZE_MIN_ROWS", 2)
    with CaptureQueriesContext(connection) as queries:
        assert run_import("parties", write("p.csv", BASE)).status == "done"
    ours = ('ANALYZE "parties_party"', 'ANALYZE "relationships_relationship"')
    analyzed = [q["sql"] for q in queries.captured_queries if q["sql"] in ours]
    assert analyzed == list(ours)


def test_a_german_postcode_a_spreadsheet_cut_to_four_digits_gets_its_zero_back(
    write: Write, run_import: Run
) -> None:
    # Decision 0059: Excel reads "01067" as the number 1067; no German postcode has four digits.
    rows = (
        "id;name;city;postcode;country\nK1;Elbe GmbH;Dresden;1067;DE\nK2;Donau GmbH;Wien;1010;AT\n"
    )
    run = run_import("parties", write("p.csv", rows))
    assert run.status == "done", reasons(run)
    assert (party("K1").postcode, party("K2").postcode) == ("01067", "1010")
    # The same file again changes nothing: the stored form is what the row reads as.
    again = run_import("parties", write("p2.csv", rows))
    assert again.counts.get("updated", 0) == 0, again.counts
