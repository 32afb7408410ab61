"""The dated closure (decision 0023): created and filled from the existing relationships.

Django creates the model's indexes at the end of the migration, after the fill (faster than
growing them row by row); the statistics follow in 0008, once the indexes exist."""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models


def backfill(apps: Any, schema_editor: Any) -> None:
    # The engine's own rebuild, set-based and level by level: the same SQL every bulk load
    # runs, so there is one definition of what the rows are.
    from django.db import DEFAULT_DB_ALIAS

    from verbund.hierarchies import dated

    if schema_editor.connection.alias != DEFAULT_DB_ALIAS:
        # The engine's SQL runs on the working database; a database migrated under another
        # alias is a new one (`verbund migrate_data`'s target), whose rows are copied in.
        return
    types = apps.get_model("relationships", "RelationshipType")
    for type_id in types.objects.filter(structure="hierarchy").values_list("pk", flat=True):
        dated.rebuild(int(type_id))


class Migration(migrations.Migration):

    dependencies = [
        ('hierarchies', '0006_closure_child_count'),
        ('parties', '0004_partial_key_indexes'),
        ('relationships', '0003_drop_redundant_key_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='DatedClosureEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('valid_from', models.DateField(verbose_name='valid from')),
                ('valid_to', models.DateField(verbose_name='valid to')),
                ('ancestor', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='parties.party', verbose_name='ancestor')),
                ('descendant', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='parties.party', verbose_name='descendant')),
                ('type', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='relationships.relationshiptype', verbose_name='type')),
            ],
            options={
                'verbose_name': 'dated closure entry',
                'verbose_name_plural': 'dated closure entries',
                'indexes': [models.Index(fields=['type', 'ancestor', 'valid_from', 'valid_to', 'descendant'], name='dated_closure_subtree'), models.Index(fields=['type', 'descendant'], name='dated_closure_descendant')],
            },
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
