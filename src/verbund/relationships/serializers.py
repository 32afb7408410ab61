"""API representations of relationship types and relationships."""

from typing import Any

from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from verbund.core.schema import one_of
from verbund.core.serializers import NOTE_MAX_LENGTH, StrictFieldsMixin
from verbund.parties.models import Party
from verbund.relationships import actions, rules
from verbund.relationships.models import Relationship, RelationshipType, Structure
from verbund.relationships.selectors import SeenRelationship

# rules.share_range_error as the request schema states it (core.schema.StrictRequestSchema);
# whether the type takes a share at all depends on the stored type.
SHARE_SCHEMA = {"properties": {"share": {"pattern": rules.SHARE_PATTERN}}}


class RelationshipTypeSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = RelationshipType
        fields = [
            "id", "key", "name_de", "name_en", "label_forward_de", "label_forward_en", "label_inverse_de",
            "label_inverse_en", "symmetric", "structure", "from_kind", "to_kind", "rolls_up_revenue",
            "carries_share", "active", "builtin", "order", "colour",
        ]  # fmt: skip
        read_only_fields = ["id", "builtin"]
        validators: list[Any] = []

    # actions._validate_type's checks as the request schema states them
    # (core.schema.StrictRequestSchema): a colour like #1f4e79; a type that is not symmetric
    # has both inverse labels, a symmetric one is no hierarchy. (That both sides of a symmetric
    # type allow the same kinds compares two fields, which a schema cannot; the description says it.)
    request_schema = {
        "properties": {"colour": {"pattern": actions.COLOUR_FORM.pattern}},
        "anyOf": [
            {
                "required": ["label_inverse_de", "label_inverse_en"],
                "properties": {
                    "symmetric": one_of(False),
                    "label_inverse_de": {"pattern": r"\S"},
                    "label_inverse_en": {"pattern": r"\S"},
                },
            },
            {
                "required": ["symmetric"],
                "properties": {
                    "symmetric": one_of(True),
                    "structure": one_of(*(s for s in Structure.values if s != Structure.HIERARCHY)),
                },
            },
        ],
    }

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        fields["key"].validators = [
            v for v in fields["key"].validators if not isinstance(v, UniqueValidator)
        ]
        return fields


class TypeKeyField(serializers.SlugRelatedField[RelationshipType]):
    """A relationship type by key; an unknown key is refused with the rule's message."""

    def to_internal_value(self, data: Any) -> RelationshipType:
        if isinstance(data, str):
            found = (
                RelationshipType.objects.filter(key=data).first()
                if rules.could_be_type_key(data)
                else None
            )
            if found is None:
                raise serializers.ValidationError(rules.unknown_type(data))
            return found
        return super().to_internal_value(data)


class RelationshipSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    type = TypeKeyField(slug_field="key", queryset=RelationshipType.objects.all())
    from_party = serializers.PrimaryKeyRelatedField(queryset=Party.objects.all())
    to_party = serializers.PrimaryKeyRelatedField(queryset=Party.objects.all())
    share = serializers.DecimalField(
        max_digits=7, decimal_places=4, required=False, allow_null=True
    )

    class Meta:
        model = Relationship
        fields = [
            "id",
            "type",
            "from_party",
            "to_party",
            "valid_from",
            "valid_to",
            "share",
            "source",
            "external_ref",
            "note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        extra_kwargs = {"note": {"max_length": NOTE_MAX_LENGTH}}
        validators: list[Any] = []

    request_schema = SHARE_SCHEMA


class RelationshipUpdateSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    share = serializers.DecimalField(
        max_digits=7, decimal_places=4, required=False, allow_null=True
    )

    class Meta:
        model = Relationship
        fields = ["valid_from", "valid_to", "share", "source", "external_ref", "note"]
        extra_kwargs = {"note": {"max_length": NOTE_MAX_LENGTH}}
        validators: list[Any] = []

    request_schema = SHARE_SCHEMA


class EndRelationshipSerializer(StrictFieldsMixin, serializers.Serializer):
    valid_to = serializers.DateField(
        required=False, allow_null=True, help_text="Last valid day; default today."
    )
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=NOTE_MAX_LENGTH
    )


class ReopenRelationshipSerializer(StrictFieldsMixin, serializers.Serializer):
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=NOTE_MAX_LENGTH,
        help_text="Note for the audit trail.",
    )


class SeenRelationshipSerializer(serializers.Serializer):
    """A relationship as seen from one party (GET /parties/{id}/relationships/)."""

    id = serializers.IntegerField(source="relationship.id")
    type = serializers.CharField(source="relationship.type.key")
    # "label" and "source" shadow attributes of DRF's Field in the stubs; as API names they are right.
    label = serializers.CharField()  # type: ignore[assignment]
    direction = serializers.SerializerMethodField()
    other_party_id = serializers.IntegerField(source="other.id")
    other_party_number = serializers.CharField(source="other.number")
    other_party_name = serializers.CharField(source="other.name")
    other_party_kind = serializers.CharField(source="other.kind")
    # Open-ended links have no start or no end: the schema says null may come.
    valid_from = serializers.DateField(source="relationship.valid_from", allow_null=True)
    valid_to = serializers.DateField(source="relationship.valid_to", allow_null=True)
    share = serializers.DecimalField(
        source="relationship.share", max_digits=7, decimal_places=4, allow_null=True
    )
    source = serializers.CharField(source="relationship.source")  # type: ignore[assignment]
    external_ref = serializers.CharField(source="relationship.external_ref")
    note = serializers.CharField(source="relationship.note")
    is_current = serializers.BooleanField(source="relationship.is_current")

    def get_direction(self, obj: SeenRelationship) -> str:
        if obj.relationship.type.symmetric:
            return "symmetric"
        return "forward" if obj.forward else "inverse"
