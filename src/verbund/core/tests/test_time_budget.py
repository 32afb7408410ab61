"""A statement past its time budget is canceled with an OperationalError on both databases
(``core.paging.time_budget``), and the connection is as it was before: no limit left
behind, no aborted transaction."""

from contextlib import suppress

import pytest
from django.db import OperationalError, connection

from verbund.core.paging import time_budget

pytestmark = pytest.mark.django_db

# Rows enough for minutes: only the budget stops counting them (and a broken budget fails
# the test rather than hanging the run).
ENDLESS_COUNT = (
    "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 100000000)"
    " SELECT COUNT(*) FROM n"
)


def postgres_only(test):
    return pytest.mark.postgres(
        pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")(test)
    )


def answers() -> bool:
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
        return cur.fetchone()[0] == 1


def test_a_statement_past_its_budget_raises_an_operational_error_and_the_connection_answers():
    with pytest.raises(OperationalError), time_budget(0.05), connection.cursor() as cur:
        cur.execute(ENDLESS_COUNT)
    assert answers()


def test_a_statement_within_its_budget_keeps_its_rows():
    with time_budget(5.0), connection.cursor() as cur:
        cur.execute("SELECT 7")
        row = cur.fetchone()
    assert row[0] == 7


def test_rows_read_before_a_canceled_statement_are_kept_when_the_caller_suppresses_it():
    # ranked_search's pattern: the error suppressed inside the budget, what came before kept.
    # On PostgreSQL the limit is each statement's: "SELECT 7" gets room on a loaded machine.
    with time_budget(0.5), suppress(OperationalError), connection.cursor() as cur:
        cur.execute("SELECT 7")
        kept = cur.fetchone()[0]
        cur.execute(ENDLESS_COUNT)
    assert kept == 7
    assert answers()


def set_session_timeout(value: str) -> None:
    # A limit of the session's own, which the budget must give back rather than reset.
    with connection.cursor() as cur:
        cur.execute(f"SET statement_timeout = '{value}'")


def session_timeout() -> str:
    with connection.cursor() as cur:
        cur.execute("SHOW statement_timeout")
        return str(cur.fetchone()[0])


@postgres_only
def test_postgresql_cancels_a_sleep_past_its_budget_and_gives_back_the_statement_timeout():
    set_session_timeout("4321ms")
    with pytest.raises(OperationalError), time_budget(0.05), connection.cursor() as cur:
        cur.execute("SELECT pg_sleep(1)")
    assert session_timeout() == "4321ms"
    assert answers()


@postgres_only
def test_postgresql_rolls_back_the_budget_when_the_caller_suppresses_the_cancel_inside_it():
    # Without the rollback the savepoint would stay aborted and the next statement fail.
    set_session_timeout("4321ms")
    with time_budget(0.05), suppress(OperationalError), connection.cursor() as cur:
        cur.execute("SELECT pg_sleep(1)")
    assert session_timeout() == "4321ms"
    assert answers()


@postgres_only
def test_postgresql_leaves_nothing_written_within_a_budget():
    # The budget is for reads: its savepoint is rolled back even when all went well.
    with connection.cursor() as cur:
        cur.execute("CREATE TEMPORARY TABLE budget_probe (x int)")
    with time_budget(1.0), connection.cursor() as cur:
        cur.execute("INSERT INTO budget_probe VALUES (1)")
    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM budget_probe")
        assert cur.fetchone()[0] == 0
