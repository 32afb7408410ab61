"""API shapes of the privacy app."""

from typing import Any

from rest_framework import serializers

from verbund.core.serializers import StrictFieldsMixin
from verbund.privacy.models import Channel, Consent, ConsentStatus, Purpose


class ConsentSerializer(StrictFieldsMixin, serializers.ModelSerializer[Consent]):
    channel = serializers.ChoiceField(choices=Channel.choices)
    purpose = serializers.ChoiceField(choices=Purpose.choices)
    status = serializers.ChoiceField(choices=ConsentStatus.choices)
    date = serializers.DateField(required=False)
    source = serializers.CharField(  # type: ignore[assignment]
        max_length=200, required=False, allow_blank=True, default=""
    )

    class Meta:
        model = Consent
        fields = ["id", "channel", "purpose", "status", "date", "source", "recorded_at"]
        read_only_fields = ["id", "recorded_at"]


class ReasonSerializer(StrictFieldsMixin, serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=500)


class HoldSerializer(StrictFieldsMixin, serializers.Serializer[Any]):
    until = serializers.DateField()
    reason = serializers.CharField(max_length=500)


class ErasureSerializer(serializers.Serializer[Any]):
    party_ids = serializers.ListField(child=serializers.IntegerField())
    fields = serializers.ListField(child=serializers.CharField())  # type: ignore[assignment]
    activities = serializers.IntegerField()
    audit_records = serializers.IntegerField()
    relationships_kept = serializers.IntegerField()
    revenue_months_kept = serializers.IntegerField()
    erased_keys = serializers.ListField(child=serializers.CharField())
    other_rows = serializers.IntegerField()
    contact_activities = serializers.IntegerField()
    follow_ups = serializers.IntegerField()
