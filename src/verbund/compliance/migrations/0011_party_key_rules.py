"""Each party's key names the rules that derived its tokens: a key of other rules is stale,
whichever process wrote it (an old worker during an upgrade). Keys stored before name none:
the next sync derives them again (as the mark of unknown rules of 0009 has it anyway)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('compliance', '0010_party_token_covering_index'),
    ]

    operations = [
        migrations.AddField(
            model_name='partyscreeningkey',
            name='rules',
            field=models.CharField(default='', max_length=16),
        ),
    ]
