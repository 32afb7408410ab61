"""The schema states the bounds of every numeric query parameter, and they are the bounds the
views enforce: a value just outside is a 400 naming the parameter, the bound itself is not
refused for its size."""

from decimal import Decimal
from typing import Any

import pytest

from verbund.core.tests.openapi import api_schema

pytestmark = pytest.mark.django_db

# Parameters a view reads only together with another one.
CONTEXT = {"/api/v1/parties/{id}/hierarchy/": {"type": "group"}}
# DRF's cursor paging caps page_size instead of refusing it; its description says so.
CAPPED = "page_size"


def numeric_query_parameters() -> list[tuple[str, str, dict[str, Any]]]:
    """(path, name, schema with the parameter's description) of each GET's numeric parameter."""
    found = []
    for path, item in api_schema()["paths"].items():
        operation = item.get("get")
        for parameter in (operation or {}).get("parameters", []):
            schema = parameter["schema"]
            if parameter["in"] == "query" and schema.get("type") in ("integer", "number"):
                described = {**schema, "description": parameter.get("description", "")}
                found.append((path, parameter["name"], described))
    return found


def test_every_numeric_query_parameter_states_its_bounds():
    unbounded = [
        (path, name)
        for path, name, schema in numeric_query_parameters()
        if "enum" not in schema
        and not ("minimum" in schema and "maximum" in schema)
        and not (name == CAPPED and "more than 1000 gives 1000" in schema["description"])
    ]
    assert not unbounded


def test_the_cursor_page_size_is_capped_not_refused(admin_api, org):
    org("A")
    org("B")
    assert len(admin_api.get("/api/v1/parties/?page_size=1").json()["results"]) == 1
    assert admin_api.get("/api/v1/parties/?page_size=100000").status_code == 200
    assert admin_api.get("/api/v1/parties/?page_size=0").status_code == 200


def _get(client: Any, path: str, party: int, name: str, value: Any) -> tuple[int, list[str]]:
    url = path.replace("{id}", str(party))
    response = client.get(url, {**CONTEXT.get(path, {}), name: str(value)})
    if response.status_code != 400:
        return response.status_code, []
    return 400, [str(m) for m in response.json().get(name, [])]


def test_the_stated_bounds_are_the_ones_the_views_enforce(admin_api, org):
    party = org("Muster GmbH").pk
    checked = 0
    for path, name, schema in numeric_query_parameters():
        step = 1 if schema["type"] == "integer" else Decimal("0.01")
        for bound, outside in (("minimum", -step), ("maximum", step)):
            if bound not in schema:
                continue
            edge = Decimal(str(schema[bound]))
            if schema["type"] == "integer":
                edge = int(edge)
            status, refused = _get(admin_api, path, party, name, edge + outside)
            assert status == 400 and refused, (path, name, edge + outside, status)
            status, messages = _get(admin_api, path, party, name, edge)
            if bound == "minimum" and schema.get("exclusiveMinimum"):
                assert status == 400 and messages, (path, name, edge)
            else:
                # The bound is taken, or refused for another reason (a head that is no party).
                assert status != 400 or messages != refused, (path, name, edge, messages)
            checked += 1
    assert checked >= 30
