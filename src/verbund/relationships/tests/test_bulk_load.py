"""Bulk loads of parties and their links (``relationships.bulk.do_bulk_load``) through the
generic writer: rows in, ids out, one transaction, one audit record, derived columns exact."""

from typing import Any

import pytest
from django.db import connection

from verbund.core.bulk import column_defaults
from verbund.core.models import AuditRecord
from verbund.parties.actions import do_create_party
from verbund.parties.bulk import PARTY_COLUMNS
from verbund.parties.models import Party, PartyKind
from verbund.relationships.actions import do_create_relationship
from verbund.relationships.bulk import Load, do_bulk_load
from verbund.relationships.models import Relationship


def test_it_inserts_dict_rows_with_numbers_and_derived_columns(db: Any) -> None:
    existing = do_create_party(actor=None, kind="organisation", name="Vorher GmbH")

    def fill(load: Load) -> range:
        ids = load.insert_parties(
            [
                {
                    "name": "Müller Metallbau GmbH",
                    "city": "Köln",
                    "postcode": "50667",
                    "vat_id": "de 136695976",
                },
                {
                    "kind": "person",
                    "first_name": "Erika",
                    "last_name": "Mustermann",
                    "country": "de",
                },
                {"name": "Nummer gegeben AG", "number": "K-77"},
            ]
        )
        load.insert_party_tags([(ids[0], load.tag_ids(["A-Kunde"])["A-Kunde"])])
        return ids

    ids = do_bulk_load(fill, action="test.load", note="three rows")
    assert len(ids) == 3 and ids.start > existing.pk
    first, person, given_number = (Party.objects.get(pk=i) for i in ids)
    assert first.number.isdigit() and first.number != existing.number
    assert first.vat_id == "DE136695976"
    assert (
        first.search_text == "mueller metallbau gmbh " + first.number + " koeln 50667 de136695976"
    )
    assert first.phonetic
    assert list(first.tags.values_list("name", flat=True)) == ["A-Kunde"]
    assert (
        person.name == "Erika Mustermann"
        and person.country == "DE"
        and person.kind == PartyKind.PERSON
    )
    assert given_number.number == "K-77"
    assert first.created_at is not None
    record = AuditRecord.objects.get(action="test.load")
    assert record.after["parties"] == 3 and record.note == "three rows"


def test_ordinary_writes_after_a_bulk_load_get_fresh_ids_and_numbers(db: Any) -> None:
    ids = do_bulk_load(lambda load: load.insert_parties([{"name": f"Firma {i}"} for i in range(5)]))
    later = do_create_party(actor=None, kind="organisation", name="Später GmbH")
    assert later.pk > ids[-1]
    assert int(later.number) > max(int(p.number) for p in Party.objects.filter(pk__in=list(ids)))


def test_it_inserts_relationships_by_type_key_and_returns_their_ids(db: Any) -> None:
    def fill(load: Load) -> tuple[range, range]:
        parties = load.insert_parties([{"name": "Mutter AG"}, {"name": "Tochter GmbH"}])
        rels = load.insert_relationships(
            [
                {
                    "type": "group",
                    "from_party_id": parties[1],
                    "to_party_id": parties[0],
                    "share": "75.5",
                    "valid_from": "2020-01-01",
                    "source": "import",
                }
            ]
        )
        return parties, rels

    parties, rels = do_bulk_load(fill)
    rel = Relationship.objects.get(pk=rels[0])
    assert (
        rel.type.key == "group" and rel.from_party_id == parties[1] and str(rel.share) == "75.5000"
    )
    assert str(rel.valid_from) == "2020-01-01"
    # The ordinary path still sees the bulk-loaded link (same link twice is refused).
    tochter, mutter = Party.objects.get(pk=parties[1]), Party.objects.get(pk=parties[0])
    later = do_create_relationship(actor=None, type="sister", from_party=tochter, to_party=mutter)
    assert later.pk > rels[-1]


def test_rebuilding_indexes_keeps_every_index(db: Any) -> None:
    def index_names() -> set[str]:
        with connection.cursor() as cur:
            return {
                c
                for c, info in connection.introspection.get_constraints(
                    cur, Party._meta.db_table
                ).items()
                if info["index"]
            }

    before = index_names()
    rows = [{"number": f"X{i}", "name": f"Firma {i}"} for i in range(3)]
    ids = do_bulk_load(lambda load: load.insert_parties(rows, rebuild_indexes=True))
    assert index_names() == before
    assert Party.objects.filter(pk__in=list(ids), number="X1").exists()


def test_a_failing_load_leaves_nothing_behind(db: Any) -> None:
    def fill(load: Load) -> None:
        load.insert_parties([{"name": "Erst GmbH", "number": "D-1"}])
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        do_bulk_load(fill)
    assert not Party.objects.filter(number="D-1").exists()
    assert not AuditRecord.objects.filter(action="bulk.load").exists()


def test_a_given_number_moves_the_sequence_past_it(db: Any) -> None:
    do_bulk_load(lambda load: load.insert_parties([{"name": "Alt GmbH", "number": "987654"}]))
    later = do_create_party(actor=None, kind="organisation", name="Neu GmbH")
    assert int(later.number) > 987654


def test_unknown_columns_are_refused_by_name(db: Any) -> None:
    with pytest.raises(ValueError, match="organisation"):
        do_bulk_load(lambda load: load.insert_parties([{"name": "X", "organisation": 1}]))


def test_prepared_rows_with_constants_are_written_as_they_are(db: Any) -> None:
    """More rows than one statement holds, so ids and constants cross statement borders."""
    n = 1234
    cols = ("name", "number", "city", "search_text", "phonetic")
    defaults = column_defaults(Party)

    def fill(load: Load) -> range:
        constants = {c: defaults[c] for c in PARTY_COLUMNS if c not in cols and c in defaults}
        constants |= {"created_at": load.now_db, "updated_at": load.now_db, "erp_source": "sap"}
        rows = ((f"Firma {i}", f"P{i}", "Köln" if i % 2 else "Bonn", "", "") for i in range(n))
        return load.insert_parties(rows, cols, derive=False, constants=constants)

    ids = do_bulk_load(fill)
    assert len(ids) == n
    got = dict(Party.objects.filter(pk__in=list(ids)).values_list("pk", "number"))
    assert got == {pk: f"P{i}" for i, pk in enumerate(ids)}
    last = Party.objects.get(pk=ids[-1])
    assert (last.name, last.city, last.erp_source, last.country) == (
        f"Firma {n - 1}",
        "Köln",
        "sap",
        defaults["country"],
    )


def test_constants_must_complete_the_columns(db: Any) -> None:
    with pytest.raises(ValueError, match="constants"):
        do_bulk_load(
            lambda load: load.insert_parties([("X",)], ("name",), derive=False, constants={})
        )


def test_a_row_of_the_wrong_width_is_refused(db: Any) -> None:
    rows = [("Firma A", "A1"), ("Firma B",)]
    if connection.vendor == "sqlite":
        expected: Any = pytest.raises(ValueError, match="1 values, expected 2")
    else:
        import psycopg

        expected = pytest.raises(psycopg.Error)  # COPY refuses the short line
    with expected:
        do_bulk_load(lambda load: load.write(Party._meta.db_table, ("name", "number"), rows))
    assert not Party.objects.filter(number="A1").exists()


def test_a_big_bulk_write_refreshes_its_table_statistics(
    db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.test.utils import CaptureQueriesContext

    from verbund.core import bulk

    rows = [{"number": f"S{i}", "name": f"Statistik {i}"} for i in range(3)]
    monkeypatch.setattr(bulk, "ANALYZE_MIN_ROWS", 4)
    with CaptureQueriesContext(connection) as queries:
        do_bulk_load(lambda load: load.insert_parties(rows))
    assert 'ANALYZE "parties_party"' not in [q["sql"] for q in queries.captured_queries]
    monkeypatch.setattr(bulk, "ANALYZE_MIN_ROWS", 3)
    more = [{"number": f"T{i}", "name": f"Statistik {i}"} for i in range(3)]
    with CaptureQueriesContext(connection) as queries:
        do_bulk_load(lambda load: load.insert_parties(more))
    assert 'ANALYZE "parties_party"' in [q["sql"] for q in queries.captured_queries]
