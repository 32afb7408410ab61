"""API representations of the quality app."""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from verbund.core.serializers import ID_MAX, NOTE_MAX_LENGTH, StrictFieldsMixin, stored_length
from verbund.parties.models import Party
from verbund.parties.serializers import PartyRefSerializer
from verbund.quality.actions import MERGEABLE_FIELDS
from verbund.quality.models import DedupeRun, DuplicateCandidate, MergeRecord


class CandidateSerializer(serializers.ModelSerializer):
    party_a = PartyRefSerializer(read_only=True)
    party_b = PartyRefSerializer(read_only=True)

    class Meta:
        model = DuplicateCandidate
        fields = [
            "id",
            "party_a",
            "party_b",
            "score",
            "points",
            "evidence",
            "category",
            "cluster",
            "status",
            "run",
            "created_at",
        ]
        read_only_fields = fields


class NoteSerializer(StrictFieldsMixin, serializers.Serializer):
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=NOTE_MAX_LENGTH
    )


class MergeRequestSerializer(StrictFieldsMixin, serializers.Serializer):
    source = serializers.PrimaryKeyRelatedField(  # type: ignore[assignment]
        queryset=Party.objects.all(),
        required=False,
        help_text="The record that is merged away (or give ``sources``).",
    )
    sources = serializers.ListField(
        child=serializers.PrimaryKeyRelatedField(queryset=Party.objects.all()),
        required=False,
        min_length=1,
        max_length=50,
        help_text="Several records merged away in one step (a cluster), undone as one.",
    )
    survivor = serializers.PrimaryKeyRelatedField(
        queryset=Party.objects.all(), help_text="The record that stays."
    )
    values = serializers.DictField(
        required=False,
        default=None,
        help_text="Field values the survivor takes: "
        f"{', '.join(MERGEABLE_FIELDS)}. Omitted: the survivor keeps its values and fills its "
        "empty fields from the merged records (never loses a value); {} takes none.",
    )
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=NOTE_MAX_LENGTH
    )
    # validate() below, as the request schema states it (core.schema.StrictRequestSchema).
    request_schema = {"oneOf": [{"required": ["source"]}, {"required": ["sources"]}]}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("source" in attrs) == ("sources" in attrs):
            raise serializers.ValidationError({"sources": [_("Give either source or sources.")]})
        attrs["sources"] = attrs.pop("sources", None) or [attrs.pop("source")]
        return attrs


class MergeRecordSerializer(serializers.ModelSerializer):
    cluster_members: Any = serializers.PrimaryKeyRelatedField(
        many=True,
        read_only=True,
        help_text="On the first merge of a one-step cluster merge: the other merges of it "
        "(each names the first as cluster_head); undo of any undoes them all.",
    )

    class Meta:
        model = MergeRecord
        fields = [
            "id",
            "source",
            "survivor",
            "actor",
            "created_at",
            "values",
            "survivor_before",
            "moved",
            "report",
            "note",
            "undone_at",
            "undone_by",
            "cluster_head",
            "cluster_members",
        ]
        read_only_fields = fields


@extend_schema_serializer(component_name="DedupeRun")
class RunSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = DedupeRun
        fields = [
            "id",
            "kind",
            "threshold",
            "status",
            "stats",
            "error",
            "created_by",
            "created_at",
            "finished_at",
        ]
        read_only_fields = [
            "id",
            "status",
            "stats",
            "error",
            "created_by",
            "created_at",
            "finished_at",
        ]


def _text(name: str, default: str = "") -> serializers.CharField:
    """A search field, bounded like the party field it is compared with."""
    return serializers.CharField(
        required=False,
        allow_blank=True,
        default=default,
        max_length=stored_length(Party, name),
    )


class SimilarQuerySerializer(StrictFieldsMixin, serializers.Serializer):
    kind = serializers.ChoiceField(choices=["organisation", "person"], default="organisation")
    name = _text("name")
    first_name = _text("first_name")
    last_name = _text("last_name")
    street = _text("street")
    postcode = _text("postcode")
    city = _text("city")
    country = _text("country", "DE")
    phone = _text("phone")
    email = _text("email")
    vat_id = _text("vat_id")
    lei = _text("lei")
    birth_date = serializers.DateField(required=False, allow_null=True, default=None)
    organisation = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=ID_MAX
    )
    exclude = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=ID_MAX
    )
    limit = serializers.IntegerField(required=False, default=10, min_value=1, max_value=50)

    def to_data(self) -> dict[str, Any]:
        data = dict(self.validated_data)
        data["organisation_id"] = data.pop("organisation")
        return data


class MergePlanItemSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=["moved", "ended", "stays"])
    text = serializers.CharField()
    why = serializers.CharField()
    record = serializers.CharField(help_text="Number of the merged record it belongs to.")


class MergePlanSectionSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    items = MergePlanItemSerializer(many=True)


class MergePlanSerializer(serializers.Serializer):
    values = serializers.DictField(help_text="Field values the survivor would take.")
    refused = serializers.ListField(
        child=serializers.CharField(), help_text="Why the merge would be refused (else empty)."
    )
    sections = MergePlanSectionSerializer(many=True)
