"""API representations of activities."""

from typing import Any

from rest_framework import serializers

from verbund.activities.models import Activity, ActivityKind
from verbund.core.serializers import StrictFieldsMixin
from verbund.parties.models import Party


class ActivitySerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """An activity as read and as created: the party it is filed under is set once."""

    party = serializers.PrimaryKeyRelatedField(queryset=Party.objects.only("id", "merged_into"))
    party_number = serializers.CharField(source="party.number", read_only=True)
    party_name = serializers.CharField(source="party.display_name", read_only=True)
    # A contact of the organisation ``party``; who is one is the action's rule (one message
    # for the form and the API).
    contact = serializers.PrimaryKeyRelatedField(
        queryset=Party.objects.all(), allow_null=True, required=False, default=None
    )
    contact_name = serializers.CharField(
        source="contact.display_name", read_only=True, allow_null=True, default=None
    )
    kind = serializers.ChoiceField(choices=ActivityKind.choices, default=ActivityKind.NOTE)
    happened_at = serializers.DateTimeField(required=False, allow_null=True)
    # Blank reaches the action, which names the field with its own message.
    subject = serializers.CharField(allow_blank=True, max_length=200, required=False, default="")
    text = serializers.CharField(allow_blank=True, required=False, default="")
    user = serializers.CharField(
        source="user.username", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Activity
        fields = [
            "id", "party", "party_number", "party_name", "kind", "happened_at", "contact",
            "contact_name", "subject", "text", "user", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "created_at", "updated_at"]


class ActivityUpdateSerializer(StrictFieldsMixin, serializers.Serializer):
    """What a correction may change; the party stays. ``contact`` null names nobody."""

    kind = serializers.ChoiceField(choices=ActivityKind.choices, required=False)
    happened_at = serializers.DateTimeField(required=False)
    contact = serializers.PrimaryKeyRelatedField(
        queryset=Party.objects.all(), allow_null=True, required=False
    )
    subject = serializers.CharField(required=False, allow_blank=True, max_length=200)
    text = serializers.CharField(required=False, allow_blank=True)


class GroupActivitySerializer(serializers.ModelSerializer):
    """An activity in a group's timeline, with the member it is filed under."""

    member_id = serializers.IntegerField(source="party_id", read_only=True)
    member_number = serializers.CharField(source="party.number", read_only=True)
    member_name = serializers.CharField(source="party.display_name", read_only=True)
    contact = serializers.IntegerField(source="contact_id", read_only=True, allow_null=True)
    contact_name = serializers.CharField(
        source="contact.display_name", read_only=True, allow_null=True, default=None
    )
    user = serializers.CharField(
        source="user.username", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Activity
        fields = [
            "id", "member_id", "member_number", "member_name", "kind", "happened_at", "contact",
            "contact_name", "subject", "text", "user",
        ]  # fmt: skip
        read_only_fields = fields


class GroupActivityPageSerializer(serializers.Serializer[Any]):
    """One page of the group's timeline; ``next`` is the following page's URL (null on the
    last), ``previous`` is always null (cursor paging forwards)."""

    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = GroupActivitySerializer(many=True)
