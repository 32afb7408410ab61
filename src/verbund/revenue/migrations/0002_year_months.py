"""The months on the yearly aggregate (decision 0032): twelve nullable columns, filled from the
monthly rows. Every year row is rebuilt, which also brings the rows in line with the sharper
contract (a row exactly for each party-year with monthly rows: a row left at 0 after its
months were deleted goes, a year whose only figures were 0 gets its row)."""

from typing import Any

from django.db import migrations, models


def fill(apps: Any, schema_editor: Any) -> None:
    # Written out here rather than taken from revenue.aggregates (which runs the same
    # rebuild), so that later changes there cannot change what this migration does.
    from django.db import DEFAULT_DB_ALIAS

    connection = schema_editor.connection
    if connection.alias != DEFAULT_DB_ALIAS:
        # A database migrated under another alias is a new one (`verbund migrate_data`'s
        # target), whose rows are copied in.
        return
    if connection.vendor == "postgresql":
        year, number = "EXTRACT(YEAR FROM month)", "EXTRACT(MONTH FROM month)"
    else:
        year, number = "substr(month, 1, 4)", "substr(month, 6, 2)"
    year, number = f"CAST({year} AS integer)", f"CAST({number} AS integer)"
    months = [f"m{n:02d}" for n in range(1, 13)]
    sums = ", ".join(f"SUM(CASE WHEN {number} = {n} THEN amount_cents END)" for n in range(1, 13))
    with connection.cursor() as cur:
        cur.execute("DELETE FROM revenue_revenueyear")
        cur.execute(
            f"INSERT INTO revenue_revenueyear (party_id, year, amount_cents, {', '.join(months)})"
            f" SELECT party_id, {year}, SUM(amount_cents), {sums} FROM revenue_revenuemonth"
            f" GROUP BY party_id, {year}"
        )
        if connection.vendor == "postgresql":
            # The inserted rows' deferred foreign-key checks run now: PostgreSQL refuses the
            # index below on a table with pending trigger events in the same transaction.
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cur.execute("SET CONSTRAINTS ALL DEFERRED")


def analyse(apps: Any, schema_editor: Any) -> None:
    # The whole table, so that every index has statistics: SQLite prefers an index it has
    # statistics for, so the new one alone would draw the totals away from the narrow one.
    with schema_editor.connection.cursor() as cur:
        cur.execute("SELECT 1 FROM revenue_revenueyear LIMIT 1")
        if cur.fetchone():
            cur.execute("ANALYZE revenue_revenueyear")


class Migration(migrations.Migration):

    dependencies = [
        ('revenue', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='revenueyear',
            name='m01',
            field=models.BigIntegerField(blank=True, null=True, verbose_name='January (EUR cents)'),
        ),
        migrations.AddField(
            model_name='revenueyear',
            name='m02',
            field=models.BigIntegerField(blank=True, null=True, verbose_name='February (EUR cents)'),
        ),
        migrations.AddField(
            model_name='revenueyear',
            name='m03',
            field=models.BigIntegerField(blank=True, null=True, verbose_name='March (EUR cents)'),
        ),
        migrations.AddField(
            model_name='revenueyear',
            name='m04',
            field=models.BigIntegerField(blank=True, null=True, verbose_name='April (EUR cents)'),
        ),
        migrations.AddField(
            model_name='revenueyear',
            name='m05',
            field=models.BigIntegerField(blank=True, null=True, verbose_name='May (EUR cents)'),
        ),
        migrations.AddField(
            model_name='revenueyear',
            name='m06',
            field=models.BigIntegerField(blank=True, null=True, verbose_name='June (EUR cents)'),
        ),
        migrations.AddField(
            model_name='revenueyear',
            name='m07',
            field=models.BigIntegerField(blank=True, null=True, verbose_name='July (EUR cents)'),
        ),
        migrations.AddField(
            model_name='revenueyear',
            name='m08',
            field=models.BigIntegerField(blank=True, null=True, verbose_name='August (EUR cents)'),
        ),
        migrations.AddField(
            model_name='revenueyear',
            name='m09',
            field=models.BigIntegerField(blank=True, null=True, verbose_name='September (EUR cents)'),
        ),
        migrations.AddField(
            model_name='revenueyear',
            name='m10',
            field=models.BigIntegerField(blank=True, null=True, verbose_name='October (EUR cents)'),
        ),
        migrations.AddField(
            model_name='revenueyear',
            name='m11',
            field=models.BigIntegerField(blank=True, null=True, verbose_name='November (EUR cents)'),
        ),
        migrations.AddField(
            model_name='revenueyear',
            name='m12',
            field=models.BigIntegerField(blank=True, null=True, verbose_name='December (EUR cents)'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        # Built once the rows are in (faster than growing it row by row), then analysed so
        # that the planner knows what it holds.
        migrations.AddIndex(
            model_name='revenueyear',
            index=models.Index(fields=['party', 'year', 'amount_cents', 'm01', 'm02', 'm03', 'm04', 'm05', 'm06', 'm07', 'm08', 'm09', 'm10', 'm11', 'm12'], name='revenue_year_months'),
        ),
        migrations.RunPython(analyse, migrations.RunPython.noop),
    ]
