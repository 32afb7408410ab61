"""The relationship type request schema states the type's rules (actions._validate_type)."""

import pytest
from django.core.exceptions import ValidationError

from verbund.core.tests.openapi import admits, component
from verbund.relationships.actions import _validate_type
from verbund.relationships.models import RelationshipType

LABELS = {
    "key": "beliefert",
    "name_de": "Lieferung",
    "name_en": "Supply",
    "label_forward_de": "beliefert",
    "label_forward_en": "supplies",
}


@pytest.mark.parametrize(
    "extra",
    [
        {"label_inverse_de": "wird beliefert von", "label_inverse_en": "is supplied by"},
        {},
        {"label_inverse_de": "wird beliefert von"},
        {"symmetric": True},
        {"symmetric": True, "structure": "hierarchy"},
        {"symmetric": False, "label_inverse_de": " ", "label_inverse_en": "x"},
        {"colour": "#1f4e79", "symmetric": True},
        {"colour": "1f4e79", "symmetric": True},
    ],
)
@pytest.mark.django_db
def test_the_schema_admits_a_type_exactly_when_the_type_rules_do(extra):
    body = {**LABELS, **extra}
    stripped = {k: v.strip() if isinstance(v, str) else v for k, v in body.items()}
    try:
        _validate_type(RelationshipType(**stripped))
        valid = True
    except ValidationError:
        valid = False
    assert admits("RelationshipTypeRequest", body) == valid


def test_the_symmetric_alternatives_keep_their_own_values():
    # drf-spectacular's enum hook would merge [true] and [false] under one component name.
    alternatives = component("RelationshipTypeRequest")["anyOf"]
    symmetric = [a["properties"]["symmetric"] for a in alternatives]
    assert symmetric == [{"allOf": [{"enum": [False]}]}, {"allOf": [{"enum": [True]}]}]


@pytest.mark.parametrize(
    "text",
    [
        "100",
        "100.0000",
        "100.0001",
        "101",
        "0",
        "0.0000",
        "0.0001",
        ".5",
        "50",
        "99.9999",
        "-5",
        "7.12345",
    ],
)
def test_the_schema_admits_a_share_exactly_when_the_serializer_and_the_share_rule_do(text):
    # In plain notation: the serializer also reads 1e2, the schema states the plain form.
    from decimal import Decimal

    from rest_framework import serializers

    from verbund.relationships import rules
    from verbund.relationships.serializers import RelationshipSerializer

    try:
        share = RelationshipSerializer().fields["share"].run_validation(text)
        valid = rules.share_range_error(Decimal(share)) is None
    except serializers.ValidationError:
        valid = False
    body = {"type": "group", "from_party": 1, "to_party": 2, "share": text}
    assert admits("RelationshipRequest", body) == valid, text
