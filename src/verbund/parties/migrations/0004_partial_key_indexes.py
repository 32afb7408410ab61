"""Partial indexes for the party's own keys that most rows leave empty.

``organisation``, ``responsible`` and ``merged_into`` are NULL on nearly every party; Django's
default index on each foreign key held a million NULLs for nothing (and cost a first load of a
million parties about 0.35 s each to build). The state change is ``db_index=False`` plus a
partial index per key; in the database the old indexes are dropped by what introspection finds
(SQLite would otherwise copy the whole table three times to alter the fields).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

COLUMNS = ("organisation_id", "responsible_id", "merged_into_id")


def drop_full_key_indexes(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cur:
        constraints = connection.introspection.get_constraints(cur, "parties_party")
    for name, info in sorted(constraints.items()):
        if (
            info["index"]
            and not info["unique"]
            and not info["primary_key"]
            and len(info["columns"]) == 1
            and info["columns"][0] in COLUMNS
            and name not in ("party_organisation", "party_responsible", "party_merged_into")
        ):
            schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")


def create_full_key_indexes(apps, schema_editor):
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX {schema_editor.quote_name('parties_party_' + column)} "
            f"ON parties_party ({schema_editor.quote_name(column)})"
        )


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
                migrations.RunPython(drop_full_key_indexes, create_full_key_indexes),
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
