"""The request schemas say what the serializers refuse (core.schema.StrictRequestSchema):
schemathesis generates bodies from them, and a body the schema admits should not be refused
for its shape."""

import pytest
from jsonschema import Draft7Validator
from rest_framework import serializers

from verbund.core.schema import NO_NUL, NOT_BLANK
from verbund.core.tests.openapi import admits, api_schema, component
from verbund.revenue.api import RevenueMonthSerializer


def test_a_strict_serializer_s_request_body_admits_no_other_property():
    assert component("ReviewRequest")["additionalProperties"] is False
    assert admits("ReviewRequest", {"reason": "Kein Treffer"})
    assert not admits("ReviewRequest", {"reason": "Kein Treffer", "grund": "x"})


def test_a_response_body_keeps_its_open_schema():
    # The mixin checks what comes in; what goes out is described by drf-spectacular as it is.
    assert "additionalProperties" not in component("Party")


def test_a_length_the_serializer_leaves_to_the_rules_stays_in_the_schema():
    # rule_checked drops the serializer's length check (the action checks it with the rule's
    # message); the request is refused all the same, so the schema keeps the limit.
    properties = component("PartyRequest")["properties"]
    assert properties["name"]["maxLength"] == 200
    assert properties["city"]["maxLength"] == 100
    assert not admits("PartyRequest", {"name": "x" * 201})


def test_a_list_that_may_not_be_empty_needs_an_item_in_the_schema():
    assert component("SyncPartiesRequest")["properties"]["records"]["minItems"] == 1
    assert not admits("SyncPartiesRequest", {"source": "SAP", "records": []})
    assert admits("SyncPartiesRequest", {"source": "SAP", "records": [{"id": "1"}]})


@pytest.mark.parametrize(
    "text",
    ["", "-", ".", "-.", "1", "-1", "12.5", "12.", ".5", "-0.05", "12345678901234.99", "1.234"],
)
def test_the_schema_admits_a_decimal_text_exactly_when_the_serializer_does(text):
    field = RevenueMonthSerializer().fields["amount"]
    try:
        field.run_validation(text)
        accepted = True
    except serializers.ValidationError:
        accepted = False
    body = {"party": "1", "month": "2025-01", "amount": text}
    assert admits("RevenueMonthRequest", body) == accepted, text


def test_a_partial_update_leaves_the_joined_rules_to_the_stored_fields():
    # A PATCH of a person's phone names neither name nor kind: the stored ones still hold.
    assert "anyOf" in component("PartyRequest")
    assert "anyOf" not in component("PatchedPartyRequest")
    assert admits("PatchedPartyRequest", {"phone": "0221 123"})


def _strict_serializers() -> list[type]:
    """Every serializer that refuses unknown fields, with the modules that define them
    imported (the URL conf imports every API)."""
    import verbund.urls  # noqa: F401
    from verbund.core.serializers import StrictFieldsMixin

    found, todo = [], list(StrictFieldsMixin.__subclasses__())
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


TEXTS = ["x", " x ", "", "   ", "\t\n", "a\x00b", "\x00", " \x00 "]


def test_a_text_s_schema_admits_a_nul_or_blank_text_only_when_drf_does():
    # DRF refuses a NUL character and trims whitespace before the blank check; the schema says
    # so (core.schema.NO_NUL, NOT_BLANK) for every plain text field of a strict serializer.
    assert component("SyncPartiesRequest")["properties"]["source"]["pattern"] == NOT_BLANK
    assert component("ActivityRequest")["properties"]["subject"]["pattern"] == NO_NUL
    assert not admits("ReviewRequest", {"reason": "kein\x00Treffer"})
    checked = 0
    for cls in _strict_serializers():
        name = cls.__name__.removesuffix("Serializer") + "Request"
        schema = api_schema()["components"]["schemas"].get(name)
        if schema is None:
            continue
        for field_name, field in cls().fields.items():
            prop = schema["properties"].get(field_name, {})
            if not isinstance(field, serializers.CharField) or prop.get("pattern") not in (
                NO_NUL,
                NOT_BLANK,
            ):
                continue
            for text in TEXTS:
                try:
                    field.run_validation(text)
                    accepted = True
                except serializers.ValidationError:
                    accepted = False
                # maxLength left out: DRF measures the trimmed text, the schema what is sent.
                shape = {k: v for k, v in prop.items() if k in ("type", "pattern", "minLength")}
                admitted = Draft7Validator(shape).is_valid(text)
                assert admitted == accepted, (name, field_name, text)
            checked += 1
    assert checked >= 20


def _texts(schema: dict) -> list[tuple[str, dict]]:
    """The text properties of a request body (a list's items too), by name."""
    found = []
    for name, prop in (schema.get("properties") or {}).items():
        if prop.get("type") == "array" and isinstance(prop.get("items"), dict):
            name, prop = f"{name}[]", prop["items"]
        if prop.get("type") == "string" and not prop.get("readOnly"):
            found.append((name, prop))
    return found


def test_every_text_of_a_json_request_body_states_that_a_nul_is_refused():
    # Every text a JSON body takes is refused with a NUL in it (DRF's text fields, the key
    # look-ups): the schema says so with a pattern, or a form or choice that has none.
    missing = []
    for name, schema in api_schema()["components"]["schemas"].items():
        if not name.endswith("Request") or name == "ImportRequest":  # a file upload
            continue
        for field, prop in _texts(schema):
            if not {"pattern", "format", "enum", "oneOf"} & set(prop):
                missing.append(f"{name}.{field}")
    assert missing == []


PARTY_PATHS = {
    "consent": ("/api/v1/parties/{}/consents/", {"channel": "email", "purpose": "advertising",
                                                  "status": "granted", "source": "Messe"}),
    "hold": ("/api/v1/parties/{}/hold/", {"until": "2999-12-31", "reason": "Prüfung"}),
    "lift": ("/api/v1/parties/{}/hold/lift/", {"reason": "Ende"}),
    "erase": ("/api/v1/parties/{}/erase/", {"reason": "DS-1"}),
    "move": ("/api/v1/parties/{}/hierarchy/move/", {"to": None, "type": "group", "note": "x",
                                                     "dry_run": True}),
}  # fmt: skip


@pytest.mark.parametrize("operation", list(PARTY_PATHS))
def test_the_privacy_and_move_bodies_refuse_a_nul_or_an_unknown_field_naming_it(
    operation, admin_api, person
):
    path, body = PARTY_PATHS[operation]
    url = path.format(person().pk)
    for field, value in body.items():
        if not isinstance(value, str) or field in ("channel", "purpose", "status", "until"):
            continue
        response = admin_api.post(url, {**body, field: value[:1] + "\x00"}, format="json")
        assert response.status_code == 400, (field, response.content)
        assert list(response.json()) == [field]
    response = admin_api.post(url, {**body, "grund": "x"}, format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()) == ["grund"]
