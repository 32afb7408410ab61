"""Relationship types: unlimited, user-defined; the built-in ones editable but kept while in use."""

import pytest
from django.core.exceptions import ValidationError

from verbund.core.errors import Conflict
from verbund.core.models import AuditRecord
from verbund.relationships.actions import (
    do_create_relationship,
    do_create_relationship_type,
    do_deactivate_relationship_type,
    do_delete_relationship_type,
    do_update_relationship_type,
)
from verbund.relationships.builtin import BUILTIN_TYPES
from verbund.relationships.models import RelationshipType

pytestmark = pytest.mark.django_db

NEW_TYPE = {
    "key": "franchise",
    "name_de": "Franchise",
    "name_en": "Franchise",
    "label_forward_de": "ist Franchisenehmer von",
    "label_forward_en": "is a franchisee of",
    "label_inverse_de": "ist Franchisegeber von",
    "label_inverse_en": "is the franchisor of",
    "structure": "network",
}


def test_the_built_in_types_are_there_after_migrate():
    keys = set(RelationshipType.objects.filter(builtin=True).values_list("key", flat=True))
    assert keys == {spec["key"] for spec in BUILTIN_TYPES}
    assert keys >= {"group", "sister", "chain", "settlement", "supplier", "consultant", "contact"}
    assert RelationshipType.objects.get(key="sister").symmetric
    assert RelationshipType.objects.get(key="group").carries_share
    assert RelationshipType.objects.get(key="chain").is_hierarchy


def test_creating_a_type_is_audited(make_user):
    user = make_user("steward")
    rtype = do_create_relationship_type(actor=user, **NEW_TYPE)
    record = AuditRecord.objects.get(action="relationship_type.create", object_id=str(rtype.pk))
    assert record.actor == user and record.before is None and record.after["key"] == "franchise"


def test_many_types_can_be_defined():
    for i in range(30):
        do_create_relationship_type(actor=None, **{**NEW_TYPE, "key": f"type-{i}"})
    assert RelationshipType.objects.filter(key__startswith="type-").count() == 30


def test_a_type_key_is_unique():
    do_create_relationship_type(actor=None, **NEW_TYPE)
    with pytest.raises(ValidationError) as exc:
        do_create_relationship_type(actor=None, **NEW_TYPE)
    assert "key" in exc.value.message_dict


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"key": "not a slug"}, "key"),
        ({"structure": "tree"}, "structure"),
        ({"from_kind": "robot"}, "from_kind"),
        ({"colour": "red"}, "colour"),
        ({"label_inverse_de": "", "label_inverse_en": ""}, "label_inverse_de"),
        (
            {
                "symmetric": True,
                "structure": "hierarchy",
                "label_inverse_de": "",
                "label_inverse_en": "",
            },
            "symmetric",
        ),
        ({"symmetric": True, "from_kind": "person", "to_kind": "organisation"}, "to_kind"),
        ({"name_de": ""}, "name_de"),
    ],
)
def test_it_refuses_a_bad_type_naming_the_field(changes, field):
    with pytest.raises(ValidationError) as exc:
        do_create_relationship_type(actor=None, **{**NEW_TYPE, **changes})
    assert field in exc.value.message_dict


def test_it_refuses_unknown_type_fields():
    with pytest.raises(ValidationError) as exc:
        do_create_relationship_type(actor=None, **NEW_TYPE, builtin=True)
    assert "builtin" in exc.value.message_dict


def test_built_in_types_are_editable_and_the_edit_is_audited(make_user):
    user = make_user("steward")
    group = RelationshipType.objects.get(key="group")
    do_update_relationship_type(group, actor=user, label_forward_de="gehört zu", colour="#000000")
    group.refresh_from_db()
    assert group.label_forward_de == "gehört zu" and group.builtin
    record = AuditRecord.objects.get(action="relationship_type.update", object_id=str(group.pk))
    assert record.before["label_forward_de"] == "ist Tochtergesellschaft von"
    assert record.after["label_forward_de"] == "gehört zu"


def test_the_key_of_a_built_in_type_cannot_change():
    with pytest.raises(ValidationError) as exc:
        do_update_relationship_type(
            RelationshipType.objects.get(key="group"), actor=None, key="konzern"
        )
    assert "key" in exc.value.message_dict


def test_a_type_in_use_cannot_be_deleted(org):
    supplier = RelationshipType.objects.get(key="supplier")
    do_create_relationship(actor=None, type=supplier, from_party=org("A"), to_party=org("B"))
    # A conflict with stored data (the API's 409), a refusal like any other for pages and
    # commands.
    with pytest.raises(Conflict) as exc:
        do_delete_relationship_type(supplier, actor=None)
    assert isinstance(exc.value, ValidationError)
    assert "type" in exc.value.message_dict
    assert RelationshipType.objects.filter(key="supplier").exists()


def test_a_type_not_in_use_can_be_deleted_and_the_deletion_is_audited():
    rtype = do_create_relationship_type(actor=None, **NEW_TYPE)
    pk = rtype.pk
    do_delete_relationship_type(rtype, actor=None)
    assert not RelationshipType.objects.filter(pk=pk).exists()
    record = AuditRecord.objects.get(action="relationship_type.delete", object_id=str(pk))
    assert record.before["key"] == "franchise" and record.after is None


def test_the_shape_of_a_type_in_use_is_fixed(org):
    supplier = RelationshipType.objects.get(key="supplier")
    do_create_relationship(actor=None, type=supplier, from_party=org("A"), to_party=org("B"))
    for field, value in (
        ("symmetric", True),
        ("structure", "hierarchy"),
        ("carries_share", True),
        ("to_kind", "person"),
    ):
        # The stored relationships refuse it, not the request: a Conflict (the API's 409).
        with pytest.raises(Conflict) as exc:
            do_update_relationship_type(supplier, actor=None, **{field: value})
        assert list(exc.value.message_dict) == [field]
    # Labels and colours stay editable.
    assert do_update_relationship_type(supplier, actor=None, name_en="Vendor").name_en == "Vendor"


def test_a_shape_change_of_a_type_in_use_beside_a_fault_of_the_request_is_bad_input(org):
    supplier = RelationshipType.objects.get(key="supplier")
    do_create_relationship(actor=None, type=supplier, from_party=org("A"), to_party=org("B"))
    with pytest.raises(ValidationError) as exc:
        do_update_relationship_type(supplier, actor=None, structure="hierarchy", colour="blau")
    assert not isinstance(exc.value, Conflict)
    assert set(exc.value.message_dict) == {"structure", "colour"}


def test_a_deactivated_type_keeps_its_relationships(org):
    rtype = RelationshipType.objects.get(key="consultant")
    rel = do_create_relationship(actor=None, type=rtype, from_party=org("A"), to_party=org("B"))
    do_deactivate_relationship_type(rtype, actor=None)
    rtype.refresh_from_db()
    assert not rtype.active
    assert rtype.relationships.get() == rel
    assert AuditRecord.objects.filter(
        action="relationship_type.update", object_id=str(rtype.pk)
    ).exists()
    do_deactivate_relationship_type(rtype, actor=None, active=True)
    rtype.refresh_from_db()
    assert rtype.active


def test_labels_follow_the_active_language():
    from django.utils import translation

    group = RelationshipType.objects.get(key="group")
    with translation.override("de"):
        assert (group.label_forward, group.label_inverse) == (
            "ist Tochtergesellschaft von",
            "ist Muttergesellschaft von",
        )
    with translation.override("en"):
        assert (group.label_forward, group.label_inverse) == (
            "is a subsidiary of",
            "is the parent company of",
        )
    sister = RelationshipType.objects.get(key="sister")
    assert sister.label_inverse == sister.label_forward
