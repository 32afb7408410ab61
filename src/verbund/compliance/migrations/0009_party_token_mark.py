"""The mark of the stored party tokens (``PartyTokenMark``). Tokens stored before it were
derived by rules no mark names: under an unknown mark the next sync derives every party's
tokens again (about two minutes per million parties on two cores)."""

import datetime as dt

from django.db import migrations, models


def mark_stored_tokens_as_of_unknown_rules(apps, schema_editor):
    key = apps.get_model("compliance", "PartyScreeningKey")
    if key.objects.exists():
        long_ago = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
        apps.get_model("compliance", "PartyTokenMark").objects.create(
            pk=1, through=long_ago, checked=long_ago, rules=""
        )


class Migration(migrations.Migration):

    dependencies = [
        ('compliance', '0008_ownership_flag_order_by_column'),
    ]

    operations = [
        migrations.CreateModel(
            name='PartyTokenMark',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('through', models.DateTimeField()),
                ('checked', models.DateTimeField()),
                ('rules', models.CharField(max_length=32)),
            ],
        ),
        migrations.RunPython(mark_stored_tokens_as_of_unknown_rules, migrations.RunPython.noop),
    ]
