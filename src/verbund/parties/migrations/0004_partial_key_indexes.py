"""Partial indexes for the party's own keys that most rows leave empty.

``organisation``, ``responsible`` and ``merged_into`` are NULL on nearly every party; Django's
default index on each foreign key held a million NULLs for nothing (and cost a first load of a
million parties about 0.35 s each to build). The state change is ``db_index=False`` plus a
partial index per key; in the database only the old indexes go (one DROP INDEX each, on both
databases; altering the fields directly would make SQLite copy the whole table three times).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

INDEXES = {
    "organisation_id": "parties_party_organisation_id_7949977e",
    "responsible_id": "parties_party_responsible_id_62261dfb",
    "merged_into_id": "parties_party_merged_into_id_83b7b758",
}


class Migration(migrations.Migration):
    dependencies = [
        ("parties", "0003_party_card_covering_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="party",
                    name="merged_into",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="merged_from",
                        to="parties.party",
                        verbose_name="merged into",
                    ),
                ),
                migrations.AlterField(
                    model_name="party",
                    name="organisation",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        limit_choices_to={"kind": "organisation"},
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="contacts",
                        to="parties.party",
                        verbose_name="organisation",
                    ),
                ),
                migrations.AlterField(
                    model_name="party",
                    name="responsible",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="responsible",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{name}"',
                    reverse_sql=f'CREATE INDEX "{name}" ON "parties_party" ("{column}")',
                )
                for column, name in INDEXES.items()
            ],
        ),
        migrations.AddIndex(
            model_name="party",
            index=models.Index(
                condition=models.Q(("organisation__isnull", False)),
                fields=["organisation"],
                name="party_organisation",
            ),
        ),
        migrations.AddIndex(
            model_name="party",
            index=models.Index(
                condition=models.Q(("responsible__isnull", False)),
                fields=["responsible"],
                name="party_responsible",
            ),
        ),
        migrations.AddIndex(
            model_name="party",
            index=models.Index(
                condition=models.Q(("merged_into__isnull", False)),
                fields=["merged_into"],
                name="party_merged_into",
            ),
        ),
    ]
