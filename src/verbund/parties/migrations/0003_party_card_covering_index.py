"""A covering index for party cards on PostgreSQL.

Trees, levels and whole groups fetch (number, name, city) for thousands of party ids at a
time; with these columns in the index PostgreSQL answers them by index-only scans instead of a
heap visit per party (a 100,000-member group: about 15% less time). SQLite has no INCLUDE and
would only get a second copy of the primary key, so the index is made on PostgreSQL only; it
is not in ``Meta.indexes`` for the same reason.
"""

from django.db import migrations

CREATE = "CREATE INDEX IF NOT EXISTS party_card ON parties_party (id) INCLUDE (number, name, city)"
DROP = "DROP INDEX IF EXISTS party_card"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("parties", "0002_email_index")]

    operations = [migrations.RunPython(create, drop)]
