"""Migration 0002 (the months on the yearly aggregate) on a database that already holds
revenue, on SQLite and PostgreSQL: it fills the months from the monthly rows and rebuilds the
yearly rows (an empty test database never exercised the filling step, and PostgreSQL refused
the index after it while the inserted rows' foreign-key checks were pending)."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from verbund.parties.models import Party

BEFORE = [("revenue", "0001_initial")]


def _latest() -> list[tuple[str, str]]:
    executor = MigrationExecutor(connection)
    return [n for n in executor.loader.graph.leaf_nodes() if n[0] == "revenue"]


@pytest.mark.django_db(transaction=True)
def test_the_months_migration_fills_the_yearly_rows_of_existing_revenue(
    org: Callable[..., Party],
) -> None:
    party = org("Bestand GmbH")
    latest = _latest()
    MigrationExecutor(connection).migrate(BEFORE)
    try:
        with connection.cursor() as cur:
            for month, cents in (
                ("2025-02-01", 10_000),
                ("2025-02-01", -2_500),
                ("2025-07-01", 500),
            ):
                cur.execute(
                    "INSERT INTO revenue_revenuemonth (party_id, month, amount_cents, currency,"
                    " amount_original, source, reference) VALUES (%s, %s, %s, 'EUR', %s, 'manual', %s)",
                    [party.pk, month, cents, cents / 100, f"R{cents}"],
                )
            # A stale yearly row of a year without monthly rows: the rebuild removes it.
            cur.execute(
                "INSERT INTO revenue_revenueyear (party_id, year, amount_cents) VALUES (%s, 2024, 0)",
                [party.pk],
            )
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(latest)
    finally:
        # Whatever happened above, the schema ends as the other tests expect it.
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(latest)
    with connection.cursor() as cur:
        cur.execute(
            "SELECT year, amount_cents, m01, m02, m07, m12 FROM revenue_revenueyear"
            " WHERE party_id = %s ORDER BY year",
            [party.pk],
        )
        assert cur.fetchall() == [(2025, 8_000, None, 7_500, 500, None)]
