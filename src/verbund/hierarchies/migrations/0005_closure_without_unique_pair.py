from django.db import migrations


class Migration(migrations.Migration):
    """The pair uniqueness is kept by the engine; its index slowed every move (decision 0002)."""

    dependencies = [
        ("hierarchies", "0004_closure_without_db_constraints"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="closureentry",
            name="closure_unique_pair",
        ),
    ]
