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
