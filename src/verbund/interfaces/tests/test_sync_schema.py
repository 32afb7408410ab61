"""The sync operations' request schemas state each kind's records as the import reads them."""

from collections.abc import Callable
from typing import Any

import pytest

from verbund.core.tests.openapi import admits, component
from verbund.interfaces.mapping import FIELDS, REQUIRED, load_mapping
from verbund.interfaces.records import FORMS

pytestmark = pytest.mark.django_db

COMPONENTS = {
    "parties": "SyncPartiesRequest",
    "relationships": "SyncRelationshipsRequest",
    "revenue": "SyncRevenueRequest",
}
VALID = {
    "parties": {
        "external_id": "K9",
        "name": "Gamma GmbH",
        "kind": "organisation",
        "country": "AT",
        "vat_id": "ATU12345678",
        "email": "info@gamma.example",
        "parent_share": "75.5",
        "birth_date": "",
    },
    "relationships": {"type": "supplier", "from": "K1", "to": "K2", "valid_from": "2025-01-01"},
    "revenue": {"party": "K1", "month": "2025-12", "amount": "1234.56", "currency": "eur"},
}


def _records(kind: str) -> dict[str, Any]:
    return component(COMPONENTS[kind])["properties"]["records"]["items"]  # type: ignore[no-any-return]


def _body(records: list[dict[str, Any]]) -> dict[str, Any]:
    return {"source": "sap", "records": records}


@pytest.fixture
def steward(api_for: Callable[[str | None], Any]) -> Any:
    api = api_for("steward")
    parties = [{"external_id": "K1", "name": "A AG"}, {"external_id": "K2", "name": "B GmbH"}]
    assert api.post("/api/v1/sync/parties", _body(parties), format="json").status_code == 200
    return api


@pytest.mark.parametrize("kind", FIELDS)
def test_the_schema_lists_every_field_the_import_reads_from_a_record(kind: str) -> None:
    columns = load_mapping("generic").columns[kind]
    assert set(columns.values()) == set(FIELDS[kind])
    assert set(_records(kind)["properties"]) == set(columns)
    assert set(FORMS[kind]) <= set(FIELDS[kind])


@pytest.mark.parametrize("kind", FIELDS)
def test_a_valid_record_is_admitted_by_the_schema_and_taken_by_the_api(
    kind: str, steward: Any
) -> None:
    body = _body([VALID[kind]])
    assert admits(COMPONENTS[kind], body)
    resp = steward.post(f"/api/v1/sync/{kind}", body, format="json")
    assert resp.status_code == 200
    assert resp.json()["results"][0]["status"] == "created"


@pytest.mark.parametrize("kind", FIELDS)
def test_a_record_without_a_required_field_is_refused_by_api_and_schema(
    kind: str, steward: Any
) -> None:
    for field in REQUIRED[kind]:
        record = {k: v for k, v in VALID[kind].items() if k != field}
        body = _body([record])
        assert not admits(COMPONENTS[kind], body)
        resp = steward.post(f"/api/v1/sync/{kind}", body, format="json")
        # The batch is answered record by record: the record is refused naming the field.
        assert resp.status_code == 200, (field, resp.json())
        (result,) = resp.json()["results"]
        assert result["status"] == "error"
        assert [e["field"] for e in result["errors"]] == [field], result


def test_a_party_keyed_by_the_id_alias_is_admitted_and_taken(steward: Any) -> None:
    body = _body([{"id": "K9", "name": "Gamma GmbH"}])
    assert admits("SyncPartiesRequest", body)
    assert steward.post("/api/v1/sync/parties", body, format="json").status_code == 200


def test_a_key_that_feeds_no_field_is_ignored_by_api_and_schema(steward: Any) -> None:
    body = _body([{"external_id": "K9", "name": "Gamma GmbH", "crm_note": "x"}])
    assert admits("SyncPartiesRequest", body)
    resp = steward.post("/api/v1/sync/parties", body, format="json")
    assert resp.json()["results"][0]["status"] == "created"


@pytest.mark.parametrize(
    ("kind", "field", "value"),
    [
        ("parties", "country", "XX"),
        ("parties", "kind", "robot"),
        ("parties", "vat_id", "123"),
        ("relationships", "share", "150"),
        ("revenue", "month", "December"),
        ("revenue", "amount", "a lot"),
        ("revenue", "currency", "EURO"),
    ],
)
def test_a_value_the_import_refuses_is_refused_by_the_schema_too(
    kind: str, field: str, value: str, steward: Any
) -> None:
    body = _body([{**VALID[kind], field: value}])
    assert not admits(COMPONENTS[kind], body)
    result = steward.post(f"/api/v1/sync/{kind}", body, format="json").json()["results"][0]
    assert result["status"] == "error"
    assert result["errors"][0]["field"] == field
