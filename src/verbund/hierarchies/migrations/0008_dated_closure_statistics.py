"""Statistics for the dated closure, once 0007 has built its indexes.

Without index statistics (an ANALYZE before the indexes existed records the table alone),
SQLite read a whole type's subtree index for a seek by descendant: 2.3 s per lookup at a
million parties instead of a few microseconds."""

from typing import Any

from django.db import migrations


def analyze(apps: Any, schema_editor: Any) -> None:
    with schema_editor.connection.cursor() as cur:
        cur.execute("SELECT 1 FROM hierarchies_datedclosureentry LIMIT 1")
        if cur.fetchone():
            cur.execute("ANALYZE hierarchies_datedclosureentry")


class Migration(migrations.Migration):
    dependencies = [("hierarchies", "0007_dated_closure")]

    operations = [migrations.RunPython(analyze, migrations.RunPython.noop)]
