"""Bad input to the sync API and the import-run history: a 400 naming the field (404 for ids
that are not ids), never a 500, nothing written."""

from collections.abc import Callable
from typing import Any

import pytest

from verbund.core.testing import (
    OVERLONG,
    assert_not_ids_are_404,
    assert_refuses_bad_input,
    assert_refuses_bad_query,
)
from verbund.interfaces.actions import MAX_API_RECORDS, do_sync
from verbund.interfaces.models import ImportRun

pytestmark = pytest.mark.django_db

BODIES = {
    "parties": {"source": "sap", "records": [{"external_id": "K1", "name": "A GmbH"}]},
    "relationships": {
        "source": "sap",
        "records": [{"type": "consultant", "from": "K1", "to": "K2"}],
    },
    "revenue": {
        "source": "sap",
        "records": [{"party": "K1", "month": "2025-01", "amount": "10.00"}],
    },
}


@pytest.fixture
def steward(api_for: Callable[..., Any]) -> Any:
    return api_for("steward")


@pytest.mark.parametrize("kind", list(BODIES))
def test_a_sync_batch_refuses_bad_input(steward, kind):
    body = {**BODIES[kind], "dry_run": False, "atomic": False, "full": False}
    assert_refuses_bad_input(steward, f"/api/v1/sync/{kind}", body)


@pytest.mark.parametrize(
    ("records", "field"),
    [
        ([], "records"),
        (["K1"], "records"),
        ([[1, 2]], "records"),
        ([{"external_id": "K1"}] * (MAX_API_RECORDS + 1), "records"),
    ],
)
def test_records_that_are_no_records_are_refused(steward, records, field):
    response = steward.post("/api/v1/sync/parties", {"source": "sap", "records": records})
    assert response.status_code == 400 and field in response.json(), response.content[:300]


@pytest.mark.parametrize(
    "value",
    [{"a": 1}, [1, 2], OVERLONG, 2**70, -1.5, True, None, "a\x00b"],
    ids=["dict", "list", "overlong", "huge", "float", "bool", "null", "nul-character"],
)
def test_odd_values_inside_a_record_are_errors_of_that_record(steward, value):
    record = {"external_id": "K1", "name": "A GmbH", "city": value, "parent_share": value}
    response = steward.post(
        "/api/v1/sync/parties", {"source": "sap", "records": [record]}, format="json"
    )
    assert response.status_code in (200, 400), response.content[:500]


def test_the_history_refuses_bad_filters_and_ids(steward):
    run, _outcome = do_sync(actor=None, kind="parties", source="sap", records=[{"id": "K1"}])
    assert run.pk
    assert_refuses_bad_query(
        steward,
        "/api/v1/import-runs/",
        {
            "kind": ["kaputt"],
            "status": ["x"],
            "channel": ["fax"],
            "dry_run": ["vielleicht"],
            "source": [OVERLONG],
        },
    )
    assert_not_ids_are_404(steward, "/api/v1/import-runs/{}/".format)


def test_a_nul_character_in_a_record_is_refused_naming_the_record_and_field(steward):
    records = [{"external_id": "K1", "name": "A GmbH"}, {"external_id": "K2", "city": "Kö\x00ln"}]
    response = steward.post(
        "/api/v1/sync/parties", {"source": "sap", "records": records}, format="json"
    )
    assert response.status_code == 400, response.content[:300]
    assert set(response.json()["records"]) == {"1"}
    assert set(response.json()["records"]["1"]) == {"city"}
    assert not ImportRun.objects.exists()


def test_records_sharing_a_key_answer_with_their_errors_bounded_not_each_others(
    steward: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from verbund.interfaces.engine import results

    # Beyond the stored errors a record's answer falls back to its key's errors: with the
    # limit lowered, 40 identical records (three errors each) pass it as 4,000 would.
    monkeypatch.setattr(results, "MAX_STORED_ERRORS", 30)
    records = [{"type": "0", "from": "0", "to": "0"} for _ in range(40)]
    response = steward.post(
        "/api/v1/sync/relationships", {"source": "sap", "records": records}, format="json"
    )
    assert response.status_code == 200
    answers = response.json()["results"]
    assert len(answers) == 40 and all(a["status"] == "error" for a in answers)
    assert all(0 < len(a["errors"]) <= results.MAX_KEY_ERRORS for a in answers)
