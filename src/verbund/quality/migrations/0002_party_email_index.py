"""An index on parties' e-mail addresses: the entry-time duplicate check blocks on them.

Parties' own model has no such index; quality adds it because only quality needs it.
"""

from django.db import migrations

from verbund.quality.migration_helpers import party_table


class Migration(migrations.Migration):
    dependencies = [("quality", "0001_initial"), ("parties", "0001_initial")]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS quality_party_email_idx ON {party_table()} (email)",
            reverse_sql="DROP INDEX IF EXISTS quality_party_email_idx",
        ),
    ]
