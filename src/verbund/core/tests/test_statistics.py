"""Planner statistics kept fresh on SQLite (``core.bulk.refresh_all_statistics``), which,
unlike PostgreSQL's autovacuum, never refreshes them by itself; the job workers' sweeper runs
it once a day and never stops for a failure."""

import logging
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from verbund.core import jobs
from verbund.core.bulk import refresh_all_statistics
from verbund.parties.models import Party

pytestmark = pytest.mark.django_db


def test_sqlite_gets_sampled_statistics_and_postgresql_is_left_to_autovacuum(
    org: Callable[..., Party],
) -> None:
    org("Statistik GmbH")
    org("Zweite Statistik GmbH")
    ran = refresh_all_statistics()
    if connection.vendor != "sqlite":
        assert ran is False
        return
    assert ran is True
    with connection.cursor() as cur:
        cur.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        tables = {row[0] for row in cur.fetchall()}
        cur.execute("PRAGMA analysis_limit")
        (limit,) = cur.fetchone()
    assert "parties_party" in tables
    assert limit == 0  # the connection's sampling is put back


def test_a_failing_refresh_is_logged_and_not_raised(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> Any:
        raise RuntimeError("disk I/O error")

    monkeypatch.setattr(jobs, "refresh_all_statistics", broken)
    with caplog.at_level(logging.WARNING, logger=jobs.log.name):
        jobs.statistics_quietly()
    assert "refreshing the planner statistics failed" in caplog.text
    assert "disk I/O error" in caplog.text
