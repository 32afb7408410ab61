"""A type key with a NUL character names no type wherever a key is looked up: each lookup
refuses it naming ``type``, as for any unknown key. PostgreSQL refuses the character even in a
query, so without ``rules.could_be_type_key`` these would be 500s there."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from rest_framework import serializers

from verbund.hierarchies.ownership import share_type_ids
from verbund.hierarchies.selectors import hierarchy_type_id
from verbund.relationships.rules import could_be_type_key, unknown_type
from verbund.relationships.serializers import RelationshipSerializer
from verbund.revenue.selectors import hierarchy_type

NUL_KEYS = ["group\x00", "\x00", "a\x00b"]


def test_only_a_key_without_a_nul_character_can_name_a_type() -> None:
    assert could_be_type_key("group") and could_be_type_key("") and could_be_type_key(None)
    assert not any(could_be_type_key(key) for key in NUL_KEYS)


@pytest.mark.parametrize("key", NUL_KEYS)
@pytest.mark.parametrize(
    "lookup",
    [hierarchy_type, share_type_ids, hierarchy_type_id],
    ids=["revenue_hierarchy_type", "share_type_ids", "hierarchy_type_id"],
)
def test_every_type_lookup_refuses_a_key_with_a_nul_naming_type(
    db: Any, lookup: Callable[[str], Any], key: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        lookup(key)
    assert list(refused.value.message_dict) == ["type"]


@pytest.mark.parametrize("key", NUL_KEYS)
def test_the_api_refuses_a_type_key_with_a_nul_as_an_unknown_type(db: Any, key: str) -> None:
    field = RelationshipSerializer().fields["type"]
    with pytest.raises(serializers.ValidationError) as refused:
        field.to_internal_value(key)
    assert refused.value.detail == [unknown_type(key)]
