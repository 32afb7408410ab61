"""API representations of the quality app."""

from typing import Any

from rest_framework import serializers

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


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class MergeRequestSerializer(serializers.Serializer):
    source = serializers.PrimaryKeyRelatedField(  # type: ignore[assignment]
        queryset=Party.objects.all(), help_text="The record that is merged away."
    )
    survivor = serializers.PrimaryKeyRelatedField(
        queryset=Party.objects.all(), help_text="The record that stays."
    )
    values = serializers.DictField(
        required=False,
        default=dict,
        help_text=f"Field values the survivor takes: {', '.join(MERGEABLE_FIELDS)}",
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class MergeRecordSerializer(serializers.ModelSerializer):
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
        ]
        read_only_fields = fields


class RunSerializer(serializers.ModelSerializer):
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


class SimilarQuerySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["organisation", "person"], default="organisation")
    name = serializers.CharField(required=False, allow_blank=True, default="")
    first_name = serializers.CharField(required=False, allow_blank=True, default="")
    last_name = serializers.CharField(required=False, allow_blank=True, default="")
    street = serializers.CharField(required=False, allow_blank=True, default="")
    postcode = serializers.CharField(required=False, allow_blank=True, default="")
    city = serializers.CharField(required=False, allow_blank=True, default="")
    country = serializers.CharField(required=False, allow_blank=True, default="DE")
    phone = serializers.CharField(required=False, allow_blank=True, default="")
    email = serializers.CharField(required=False, allow_blank=True, default="")
    vat_id = serializers.CharField(required=False, allow_blank=True, default="")
    lei = serializers.CharField(required=False, allow_blank=True, default="")
    birth_date = serializers.DateField(required=False, allow_null=True, default=None)
    organisation = serializers.IntegerField(required=False, allow_null=True, default=None)
    exclude = serializers.IntegerField(required=False, allow_null=True, default=None)
    limit = serializers.IntegerField(required=False, default=10, min_value=1, max_value=50)

    def to_data(self) -> dict[str, Any]:
        data = dict(self.validated_data)
        data["organisation_id"] = data.pop("organisation")
        return data
