"""Drop the single-column indexes of the three keys: the composite indexes lead with each key.

Only the indexes go (one DROP INDEX each, on both databases); altering the fields directly
would make SQLite copy the whole table three times.
"""

import django.db.models.deletion
from django.db import migrations, models

INDEXES = {
    "from_party_id": "relationships_relationship_from_party_id_0285a143",
    "to_party_id": "relationships_relationship_to_party_id_67f7229d",
    "type_id": "relationships_relationship_type_id_aedfd794",
}


class Migration(migrations.Migration):
    dependencies = [
        ("parties", "0003_party_card_covering_index"),
        ("relationships", "0002_builtin_types"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{name}"',
                    reverse_sql=f'CREATE INDEX "{name}" ON "relationships_relationship" ("{column}")',
                )
                for column, name in INDEXES.items()
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="relationship",
                    name="from_party",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="relationships_from",
                        to="parties.party",
                        verbose_name="from",
                    ),
                ),
                migrations.AlterField(
                    model_name="relationship",
                    name="to_party",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="relationships_to",
                        to="parties.party",
                        verbose_name="to",
                    ),
                ),
                migrations.AlterField(
                    model_name="relationship",
                    name="type",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="relationships",
                        to="relationships.relationshiptype",
                        verbose_name="type",
                    ),
                ),
            ],
        )
    ]
