"""Each closure row carries its descendant's child count today (see ClosureEntry)."""

from typing import Any

from django.db import migrations, models


def analyze(apps: Any, schema_editor: Any) -> None:
    # SQLite copied the table to add the column, and its statistics went with the old one:
    # without them the planner may read a whole type's rows for a seek (test_plans).
    with schema_editor.connection.cursor() as cur:
        cur.execute("SELECT 1 FROM hierarchies_closureentry LIMIT 1")
        if cur.fetchone():
            cur.execute("ANALYZE hierarchies_closureentry")


class Migration(migrations.Migration):
    dependencies = [
        ("hierarchies", "0005_closure_without_unique_pair"),
        ("parties", "0003_party_card_covering_index"),
        ("relationships", "0003_drop_redundant_key_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="closureentry",
            name="child_count",
            field=models.PositiveIntegerField(db_default=0, default=0, verbose_name="child count"),
        ),
        # Existing closures: a descendant's children are its depth-1 rows as an ancestor, found
        # through the old subtree index, which is replaced only afterwards.
        migrations.RunSQL(
            "UPDATE hierarchies_closureentry SET child_count = (SELECT COUNT(*)"
            " FROM hierarchies_closureentry x WHERE x.type_id = hierarchies_closureentry.type_id"
            " AND x.ancestor_id = hierarchies_closureentry.descendant_id AND x.depth = 1)"
            " WHERE EXISTS (SELECT 1 FROM hierarchies_closureentry x"
            " WHERE x.type_id = hierarchies_closureentry.type_id"
            " AND x.ancestor_id = hierarchies_closureentry.descendant_id AND x.depth = 1)",
            migrations.RunSQL.noop,
        ),
        migrations.RemoveIndex(
            model_name="closureentry",
            name="closure_subtree_parent",
        ),
        migrations.AddIndex(
            model_name="closureentry",
            index=models.Index(
                fields=["type", "ancestor", "depth", "descendant", "parent", "child_count"],
                name="closure_subtree",
            ),
        ),
        migrations.RunPython(analyze, migrations.RunPython.noop),
    ]
