"""API representations of follow-ups and the bodies of their verbs."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from verbund.activities.models import ActivityKind
from verbund.core.serializers import NOTE_MAX_LENGTH, StrictFieldsMixin, stored_length
from verbund.followups.models import FollowUp
from verbund.parties.models import Party

SUBJECT_MAX = stored_length(FollowUp, "subject")
# What happened, as an activity's text: minutes of a meeting, not a book.
ACTIVITY_TEXT_MAX = 20_000

USERS = get_user_model().objects.all()


class FollowUpSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """A follow-up as read and as created: the party it is filed under is set once;
    ``assigned_to`` defaults to the caller (null on reading when the user was deleted)."""

    party = serializers.PrimaryKeyRelatedField(queryset=Party.objects.only("id", "merged_into"))
    party_number = serializers.CharField(source="party.number", read_only=True)
    party_name = serializers.CharField(source="party.display_name", read_only=True)
    due_on = serializers.DateField()
    assigned_to = serializers.PrimaryKeyRelatedField(
        queryset=USERS, allow_null=True, required=False, default=None
    )
    assigned_to_name = serializers.CharField(
        source="assigned_to.username", read_only=True, allow_null=True, default=None
    )
    # Blank reaches the action, which names the field with its own message.
    subject = serializers.CharField(
        allow_blank=True, max_length=SUBJECT_MAX, required=False, default=""
    )
    note = serializers.CharField(
        allow_blank=True, required=False, default="", max_length=NOTE_MAX_LENGTH
    )
    open = serializers.BooleanField(source="is_open", read_only=True)
    created_by = serializers.CharField(
        source="created_by.username", read_only=True, allow_null=True, default=None
    )
    done_at = serializers.DateTimeField(read_only=True, allow_null=True)
    done_by = serializers.CharField(
        source="done_by.username", read_only=True, allow_null=True, default=None
    )
    activity = serializers.IntegerField(source="activity_id", read_only=True, allow_null=True)

    class Meta:
        model = FollowUp
        fields = [
            "id", "party", "party_number", "party_name", "due_on", "assigned_to",
            "assigned_to_name", "subject", "note", "open", "done_at", "done_by", "activity",
            "created_by", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "created_at", "updated_at"]


class FollowUpUpdateSerializer(StrictFieldsMixin, serializers.Serializer):
    """What a change may touch: reschedule, reassign, reword; the party stays."""

    due_on = serializers.DateField(required=False)
    assigned_to = serializers.PrimaryKeyRelatedField(queryset=USERS, required=False)
    subject = serializers.CharField(required=False, allow_blank=True, max_length=SUBJECT_MAX)
    note = serializers.CharField(required=False, allow_blank=True, max_length=NOTE_MAX_LENGTH)


class CompleteSerializer(StrictFieldsMixin, serializers.Serializer):
    """Mark done; with ``log_activity`` an activity saying what happened is logged on the file
    (kind, subject and text; the subject defaults to the follow-up's)."""

    log_activity = serializers.BooleanField(required=False, default=False)
    activity_kind = serializers.ChoiceField(
        choices=ActivityKind.choices, required=False, default=ActivityKind.NOTE
    )
    activity_subject = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=SUBJECT_MAX
    )
    activity_text = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=ACTIVITY_TEXT_MAX
    )


class EmptySerializer(StrictFieldsMixin, serializers.Serializer):
    """No body."""
