"""Trigram indexes (pg_trgm, GIN) on PostgreSQL for the party text search (decision 0043).

The search's word condition is ``search_text LIKE '%word%'`` or the word's Kölner Phonetik
code inside ``phonetic`` (``LIKE '% code %'``, ``'% code'``; parties.selectors._word_match):
no B-tree index answers a pattern that starts with a wildcard, so the party list searching
"Mueller Handl" read the whole table in name order (1.6 s at a million parties). Both columns
need one: with only ``search_text``'s, the phonetic conditions still chose the full scan.

SQLite has no such index and is left as it is. ``IF NOT EXISTS`` lets an operator build the
indexes beforehand with ``CREATE INDEX CONCURRENTLY`` under these names (writes to the party
table wait while this migration builds them). Without pg_trgm the migration fails, naming the
statement that makes it available: a skipped index would leave the search silently slow and
the migration recorded as applied."""

from django.core.management import CommandError
from django.db import DatabaseError, migrations

INDEXES = {"party_search_text_trgm": "search_text", "party_phonetic_trgm": "phonetic"}

# CommandError: ``verbund migrate`` prints its message without a traceback.
NO_PG_TRGM = (
    "The party search needs the PostgreSQL extension pg_trgm (part of PostgreSQL's contrib "
    "package, which must be installed on the database server; trusted since PostgreSQL 13, "
    "so the database's owner may create it). Run 'CREATE EXTENSION pg_trgm;' in this "
    "database as its owner or a superuser, then run 'verbund migrate' again. The database "
    "said: {error}"
)
NOT_A_TRIGRAM_INDEX = (
    "The index {name} exists but is not a valid trigram index on {column} (left by a failed "
    "CREATE INDEX CONCURRENTLY, or made otherwise): {definition}. Run 'DROP INDEX {name};', "
    "then run 'verbund migrate' again."
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as exc:
        raise CommandError(NO_PG_TRGM.format(error=str(exc).strip())) from exc
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON parties_party "
            f"USING gin ({column} gin_trgm_ops)"
        )
    check(schema_editor.connection)


def check(connection):
    """IF NOT EXISTS also takes an index of that name that is invalid (a failed CREATE INDEX
    CONCURRENTLY) or of another kind: refuse it rather than record a slow search as done."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT c.relname, i.indisvalid, pg_get_indexdef(i.indexrelid) FROM pg_index i"
            " JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = ANY(%s)",
            [list(INDEXES)],
        )
        found = {name: (valid, definition) for name, valid, definition in cur.fetchall()}
    for name, column in INDEXES.items():
        valid, definition = found.get(name, (False, "missing"))
        if not valid or f"gin ({column} gin_trgm_ops)" not in definition:
            raise CommandError(
                NOT_A_TRIGRAM_INDEX.format(name=name, column=column, definition=definition)
            )


def drop(apps, schema_editor):
    # The extension stays: other objects may use it, and dropping it needs its owner.
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("parties", "0007_updated_at_index")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
