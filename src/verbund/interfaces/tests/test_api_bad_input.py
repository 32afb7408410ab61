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
from verbund.interfaces.engine.results import empty_external_id, empty_value, not_a_value
from verbund.interfaces.mapping import REQUIRED
from verbund.interfaces.models import ImportRun
from verbund.parties.models import Party
from verbund.revenue.models import RevenueMonth

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


# Two records of each kind, valid once the parties K1 and K2 are stored and not sharing a key,
# and a text field of the kind.
VALID = {
    "parties": ([{"external_id": "K3", "name": "C GmbH", "city": "Köln"},
                 {"external_id": "K4", "name": "D GmbH", "city": "Bonn"}], "city"),
    "relationships": ([{"type": "supplier", "from": "K1", "to": "K2", "note": "x"},
                       {"type": "consultant", "from": "K2", "to": "K1", "note": "y"}], "note"),
    "revenue": ([{"party": "K1", "month": "2025-01", "amount": "10.00", "reference": "R"},
                 {"party": "K2", "month": "2025-02", "amount": "20.00", "reference": "S"}],
                "reference"),
}  # fmt: skip


@pytest.fixture
def stored(steward: Any) -> Any:
    """K1 and K2 of source sap, stored through the sync API."""
    body = {"source": "sap", "records": [{"id": "K1", "name": "A AG"}, {"id": "K2", "name": "B"}]}
    assert steward.post("/api/v1/sync/parties", body, format="json").status_code == 200
    return steward


def _written(kind: str) -> int:
    from verbund.relationships.models import Relationship

    model = {"parties": Party, "relationships": Relationship, "revenue": RevenueMonth}[kind]
    return model.objects.count()


def _sync(api: Any, kind: str, records: list[dict[str, Any]], **options: Any) -> Any:
    body = {"source": "sap", "records": records, **options}
    response = api.post(f"/api/v1/sync/{kind}", body, format="json")
    assert response.status_code == 200, response.content[:500]
    return response.json()


@pytest.mark.parametrize("kind", list(VALID))
@pytest.mark.parametrize("value", [{"a": 1}, ["x", "y"]], ids=["object", "list"])
def test_a_json_object_or_list_as_a_text_value_is_an_error_of_its_record_naming_the_field(
    stored, kind, value
):
    (good, other), field = VALID[kind]
    before = _written(kind)
    records = [good, {**other, field: value}]
    body = _sync(stored, kind, records)
    assert body["status"] == "failed"
    assert [r["status"] for r in body["results"]] == ["unchanged", "error"]
    assert [(e["field"], e["reason"]) for e in body["results"][1]["errors"]] == [
        (field, not_a_value())
    ]
    # All or nothing: the valid record is not written either; never as JSON text.
    assert _written(kind) == before
    # Without all or nothing the valid record is written, the other still refused.
    body = _sync(stored, kind, records, atomic=False)
    assert [r["status"] for r in body["results"]] == ["created", "error"]
    assert _written(kind) == before + 1


@pytest.mark.parametrize(
    ("kind", "field"),
    [("parties", "external_id"), ("parties", "name"), ("relationships", "from"),
     ("revenue", "month"), ("revenue", "amount")],
)  # fmt: skip
def test_a_json_object_in_a_required_field_is_one_error_naming_it_not_also_a_missing_value(
    stored, kind, field
):
    (good, _other), _text_field = VALID[kind]
    body = _sync(stored, kind, [{**good, field: {"a": 1}}], atomic=False)
    assert [(e["field"], e["reason"]) for e in body["results"][0]["errors"]] == [
        (field, not_a_value())
    ]


@pytest.mark.parametrize(
    ("kind", "field"), [(kind, field) for kind in REQUIRED for field in REQUIRED[kind]]
)
def test_a_required_field_missing_in_every_record_is_an_error_of_each_record_as_in_some(
    stored, kind, field
):
    (good, other), _text = VALID[kind]
    lacking = [{k: v for k, v in record.items() if k != field} for record in (good, other)]
    before = _written(kind)
    reason = empty_external_id() if field == "external_id" else empty_value()
    every = _sync(stored, kind, lacking)
    some = _sync(stored, kind, [good, lacking[1]])
    for body, refused in ((every, [0, 1]), (some, [1])):
        assert body["status"] == "failed"
        assert [i for i, r in enumerate(body["results"]) if r["status"] == "error"] == refused
        for i in refused:
            errors = body["results"][i]["errors"]
            assert [(e["field"], e["reason"]) for e in errors] == [(field, reason)]
    assert _written(kind) == before
