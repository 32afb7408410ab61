"""An index on the time a party last changed: the delta screening reads the parties changed
since its previous pass (a scan of every row without it)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('parties', '0006_city_case_insensitive_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='party',
            index=models.Index(fields=['updated_at'], name='party_updated_at'),
        ),
    ]
