from django.db import migrations


def create_builtin_types(apps, schema_editor):
    from verbund.relationships.builtin import BUILTIN_TYPES

    RelationshipType = apps.get_model("relationships", "RelationshipType")
    for spec in BUILTIN_TYPES:
        RelationshipType.objects.using(schema_editor.connection.alias).update_or_create(key=spec["key"], defaults={**spec, "builtin": True})


class Migration(migrations.Migration):
    dependencies = [("relationships", "0001_initial")]
    operations = [migrations.RunPython(create_builtin_types, migrations.RunPython.noop)]
