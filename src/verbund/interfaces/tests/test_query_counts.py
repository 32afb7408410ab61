"""Pinned query counts: the import page with its history, a run and the API's run list do no
query per row (count, add rows, the count stays)."""

from collections.abc import Callable
from itertools import count
from typing import Any

import pytest
from django.test import Client

from verbund.core.testing import assert_queries_stay
from verbund.interfaces.actions import do_sync

pytestmark = pytest.mark.django_db


@pytest.fixture
def steward(make_user: Callable[..., Any]) -> Client:
    client = Client()
    client.force_login(make_user("steward", username="counting-steward"))
    return client


@pytest.fixture
def grow(make_user: Callable[..., Any]) -> Callable[[], None]:
    """Each call adds runs by different users, with errors and differences in their reports."""
    numbers = count()

    def more() -> None:
        for _ in range(3):
            i = next(numbers)
            user = make_user("steward", username=f"importer-{i}")
            records = [
                {"external_id": f"K{i}", "name": f"Firma {i}"},
                {"external_id": f"X{i}", "name": f"Fehler {i}", "country": "XX"},
            ]
            do_sync(actor=user, kind="parties", source="sap", records=records)

    more()
    return more


def test_the_import_page_does_not_grow_with_its_history(steward, grow):
    assert_queries_stay(steward, "/imports/", grow)
    assert_queries_stay(steward, "/imports/", grow, params={"source": "sap", "status": "done"})


def test_a_run_page_does_not_grow_with_its_report(steward, make_user):
    user = make_user("steward", username="big-importer")
    run, _outcome = do_sync(
        actor=user,
        kind="parties",
        source="sap",
        records=[{"external_id": "K0", "name": "Firma 0", "country": "XX"}],
    )
    rows = count(1)

    def more() -> None:
        # The same source again with more rows and errors: the report grows; the run page
        # shows the newest run of a bigger batch.
        records = [
            {"external_id": f"K{i}", "name": f"Firma {i}", "country": "XX"}
            for i in range(next(rows) * 10)
        ]
        nonlocal run
        run, _outcome = do_sync(actor=user, kind="parties", source="sap", records=records)

    assert_queries_stay(steward, lambda: f"/imports/{run.pk}/", more)
    assert len(run.report["errors"]) == 10


def test_the_api_run_list_does_not_grow_with_its_runs(api_for, grow):
    assert_queries_stay(api_for("viewer"), "/api/v1/import-runs/", grow)
