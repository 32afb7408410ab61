"""The request schemas say what the serializers refuse (core.schema.StrictRequestSchema):
schemathesis generates bodies from them, and a body the schema admits should not be refused
for its shape."""

import pytest
from rest_framework import serializers

from verbund.core.tests.openapi import admits, component
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
