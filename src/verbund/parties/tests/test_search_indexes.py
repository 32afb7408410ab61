"""The party text search's word condition (``LIKE '%word%'``) is served by trigram indexes on
PostgreSQL (migration parties 0008, decision 0043); SQLite gets none. The global search's
substring scan runs within its time budget on both databases."""

import importlib
from types import SimpleNamespace

import pytest
from django.core.management import CommandError
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext

from verbund.core.paging import keyset_page
from verbund.core.testing import time_budget_queries
from verbund.parties.models import Party
from verbund.parties.selectors import _rank_rows, _words, ranked_search, text_search

pytestmark = pytest.mark.django_db

migration = importlib.import_module("verbund.parties.migrations.0008_search_trigram_indexes")
TRIGRAM_INDEXES = set(migration.INDEXES)


def trigram_indexes() -> set[str]:
    if connection.vendor != "postgresql":
        return set()
    with connection.cursor() as cur:
        cur.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'parties_party'"
            " AND indexdef LIKE '%%gin_trgm_ops%%'"
        )
        return {row[0] for row in cur.fetchall()}


class RecordingEditor:
    """What the migration would run, on a database that says it is ``vendor``."""

    def __init__(self, vendor: str, refuse: str = "") -> None:
        self.connection = SimpleNamespace(vendor=vendor)
        self.refuse = refuse
        self.statements: list[str] = []

    def execute(self, sql: str) -> None:
        if self.refuse and self.refuse in sql:
            raise DatabaseError('permission denied to create extension "pg_trgm"')
        self.statements.append(sql)


def test_the_migration_leaves_sqlite_as_it_is():
    editor = RecordingEditor("sqlite")
    migration.create(None, editor)
    migration.drop(None, editor)
    assert editor.statements == []


def test_the_migration_builds_one_trigram_index_per_searched_column_on_postgresql(monkeypatch):
    monkeypatch.setattr(migration, "check", lambda connection: None)  # no database to ask
    editor = RecordingEditor("postgresql")
    migration.create(None, editor)
    assert editor.statements[0] == "CREATE EXTENSION IF NOT EXISTS pg_trgm"
    built = " ".join(editor.statements[1:])
    assert "search_text gin_trgm_ops" in built and "phonetic gin_trgm_ops" in built


def test_the_migration_fails_saying_how_to_get_pg_trgm_when_it_cannot_create_it():
    editor = RecordingEditor("postgresql", refuse="CREATE EXTENSION")
    with pytest.raises(CommandError, match=r"CREATE EXTENSION pg_trgm;.*permission denied"):
        migration.create(None, editor)
    assert editor.statements == []  # no index without the extension


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_the_migrated_postgresql_database_has_the_trigram_indexes_and_they_drop_and_rebuild():
    assert trigram_indexes() == TRIGRAM_INDEXES
    # DDL is transactional on PostgreSQL: the test's rollback undoes both.
    with connection.schema_editor() as editor:
        migration.drop(None, editor)
    assert trigram_indexes() == set()
    with connection.schema_editor() as editor:
        migration.create(None, editor)
    assert trigram_indexes() == TRIGRAM_INDEXES


def bitmap_plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cur:
        # A handful of rows: scanning them is cheaper, so allow only bitmap scans, which exist
        # only where an index answers every branch of the condition.
        cur.execute("SET LOCAL enable_seqscan = off")
        cur.execute("SET LOCAL enable_indexscan = off")
        cur.execute(f"EXPLAIN {sql}", params)
        return " ".join(row[0] for row in cur.fetchall())


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_the_text_search_and_the_global_scan_can_use_the_trigram_indexes(org):
    org("Müller Handel GmbH", city="Köln")
    # The list's condition: words in the search text or by their sound in the name's codes.
    listed = bitmap_plan(text_search(Party.objects.all(), "Mueller Handl"))
    assert "party_search_text_trgm" in listed and "party_phonetic_trgm" in listed
    assert "Seq Scan" not in listed
    scanned = bitmap_plan(_rank_rows().filter(_words("xqzv Handl")))
    assert "party_search_text_trgm" in scanned and "Seq Scan" not in scanned


def test_the_global_search_runs_its_substring_scan_within_its_time_budget(org):
    org("Zentralmolkerei Nord eG")
    with CaptureQueriesContext(connection) as ctx:
        found = ranked_search("molkerei nord")
    assert [p.name for p in found.page(0, 20)] == ["Zentralmolkerei Nord eG"]
    # exact number or VAT id, five sound ranges (the whole query, its pair by two sounds and by
    # one, each word), the city, the substring scan (nothing good found: no size check)
    assert len(ctx.captured_queries) == 8 + time_budget_queries()
    statements = " ".join(q["sql"] for q in ctx.captured_queries)
    assert ("statement_timeout" in statements) == (connection.vendor == "postgresql")


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_the_migration_refuses_an_index_of_its_name_that_is_no_trigram_index():
    with connection.schema_editor() as editor:
        migration.drop(None, editor)
        editor.execute("CREATE INDEX party_phonetic_trgm ON parties_party (phonetic)")
    refused = pytest.raises(CommandError, match=r"DROP INDEX party_phonetic_trgm;")
    with refused, connection.schema_editor() as editor:
        migration.create(None, editor)


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_words_under_three_letters_are_found_by_the_trigram_index(org):
    org("Müller AG")
    # '%xq%' gives pg_trgm no trigram; a word's beginning does (decision 0045).
    for query in ("xq", "xq zv", "a"):
        plan = bitmap_plan(text_search(Party.objects.all(), query))
        assert "party_search_text_trgm" in plan and "Seq Scan" not in plan, query
    scanned = bitmap_plan(_rank_rows().filter(_words("xq zv")))
    assert "party_search_text_trgm" in scanned and "Seq Scan" not in scanned


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_a_page_of_few_rows_never_walks_the_name_index(org):
    for i in range(3):
        org(f"Firma {i}")
    page_sql: list[str] = []
    for few in (False, True):
        with CaptureQueriesContext(connection) as ctx:
            keyset_page(text_search(Party.objects.all(), "firma"), "name", "", 2, few=few)
        sql = ctx.captured_queries[-1]["sql"]
        with connection.cursor() as cur:
            # Sequential scans and sorts costed away: only an index walk in name order is left,
            # unless the order is one no index holds.
            cur.execute("SET LOCAL enable_seqscan = off")
            cur.execute("SET LOCAL enable_sort = off")
            cur.execute(f"EXPLAIN {sql}")
            page_sql.append(" ".join(row[0] for row in cur.fetchall()))
    walked, sorted_ = page_sql
    assert "parties_par_name_" in walked
    assert "parties_par_name_" not in sorted_ and "Sort" in sorted_
