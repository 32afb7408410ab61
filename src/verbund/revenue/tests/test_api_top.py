"""GET /api/v1/revenue/top/: its answers match the published schema exactly, and a bad
parameter answers 400 naming it (#18.1)."""

from typing import Any

import jsonschema
import pytest
import yaml

from verbund.relationships.actions import do_create_relationship
from verbund.revenue.actions import do_record_revenue

pytestmark = pytest.mark.django_db

URL = "/api/v1/revenue/top/"


@pytest.fixture
def world(org: Any) -> dict[str, Any]:
    h, t = org("Holding AG"), org("Tochter GmbH")
    do_create_relationship(
        actor=None, type="group", from_party=t, to_party=h, valid_from="2010-01-01"
    )
    do_record_revenue(actor=None, party=h, month="2025-03", amount="100.00")
    do_record_revenue(actor=None, party=t, month="2024-03", amount="80.00")
    return {"h": h, "t": t}


def _schema(client: Any) -> dict[str, Any]:
    answer = client.get("/api/schema/")
    assert answer.status_code == 200
    return yaml.safe_load(answer.content)


def _strict(schema: Any) -> Any:
    """The schema with every object closed (no property it does not name, every one it names
    present) and OpenAPI's ``nullable`` in JSON Schema's words."""
    if isinstance(schema, dict):
        out = {k: _strict(v) for k, v in schema.items()}
        if out.get("type") == "object" and "properties" in out:
            out.setdefault("additionalProperties", False)
            out["required"] = sorted(out["properties"])
        if out.pop("nullable", False):
            # OpenAPI 3.0's nullable, as JSON Schema says it.
            return {"anyOf": [out, {"type": "null"}]}
        return out
    if isinstance(schema, list):
        return [_strict(v) for v in schema]
    return schema


@pytest.mark.parametrize(
    "params",
    [
        {
            "kind": "group",
            "from": "2025-01",
            "to": "2025-12",
            "compare": "previous_year",
            "mode": "current",
        },
        {"kind": "group", "from": "2025-01", "to": "2025-06", "mode": "historic"},
        {"kind": "chain", "year": "2025", "quarter": "1"},
        {"kind": "association", "year": "2025"},
        {"kind": "group", "year": "2025", "head": "HEAD"},
    ],
)
def test_the_answer_matches_the_published_schema_exactly(api_for, world, params):
    client = api_for("viewer")
    spec = _schema(client)
    operation = spec["paths"][URL]["get"]
    declared = {p["name"] for p in operation["parameters"]}
    assert {"kind", "from", "to", "compare", "mode"} <= declared
    assert set(params) <= declared
    enums = {p["name"]: set(p["schema"].get("enum") or []) for p in operation["parameters"]}
    assert enums["kind"] == {"group", "chain", "association"}
    assert enums["mode"] == {"current", "historic"}
    assert enums["compare"] == {"previous_year"}
    if params.get("head") == "HEAD":
        params = {**params, "head": str(world["h"].pk)}
    answer = client.get(URL, params)
    assert answer.status_code == 200, answer.content
    body = answer.json()
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    components = _strict(spec["components"])
    schema = {**components["schemas"][ref.rsplit("/", 1)[1]], "components": components}
    resolver_schema = jsonschema.Draft202012Validator(schema)
    # $refs point to #/components/...: resolve within the document we built.
    resolver_schema.validate(body)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "store"}, "kind"),
        ({"mode": "yesterday"}, "mode"),
        ({"compare": "budget"}, "compare"),
        ({"from": "2025-13"}, "from"),
        ({"from": "2025-01", "to": "banana"}, "to"),
        ({"from": "2025-06", "to": "2025-01"}, "to"),
        ({"year": "2025", "quarter": "5"}, "quarter"),
        ({"quarter": "2"}, "year"),
        ({"limit": "0"}, "limit"),
        ({"limit": "many"}, "limit"),
        ({"head": "999999"}, "head"),
    ],
)
def test_a_bad_parameter_answers_400_naming_it(api_for, world, params, field):
    answer = api_for("viewer").get(URL, params)
    assert answer.status_code == 400, answer.content
    assert field in answer.json()
