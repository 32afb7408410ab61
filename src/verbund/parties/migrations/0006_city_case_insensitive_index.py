"""An index for the city filter, which matches case-insensitively: SQLite compares
``city COLLATE NOCASE = %s`` (``PartyFilterSet.filter_city``), PostgreSQL
``UPPER(city) = UPPER(%s)``; each needs an index on that expression. Followed by name and id, it
hands the list's first page over in its default order (by name) without sorting the city's
rows. Without it, the list filtered by a small town read the whole party table in name order
(8.6 ms at 20,000 parties, a full scan at a million). Each database gets the index it can use."""

from django.db import migrations

NAME = "party_city_ci"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"CREATE INDEX {NAME} ON parties_party (city COLLATE NOCASE, name, id)")
    elif schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX {NAME} ON parties_party (UPPER(city), name, id)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor in ("sqlite", "postgresql"):
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("parties", "0005_sole_trader_erased_key")]

    operations = [migrations.RunPython(create, drop)]
