import builtins
from typing import Any

from rest_framework import serializers

from verbund.compliance.models import (
    Hit,
    ListUpload,
    ListVersion,
    OwnershipFlag,
    RunFinding,
    SanctionsList,
    ScreeningRun,
)
from verbund.compliance.parsers import PARSERS
from verbund.core.serializers import NOTE_MAX_LENGTH, StrictFieldsMixin


class ListVersionSerializer(serializers.ModelSerializer[ListVersion]):
    class Meta:
        model = ListVersion
        fields = [
            "id",
            "number",
            "imported_at",
            "files",
            "published",
            "entry_count",
            "added",
            "changed",
            "removed",
        ]


class SanctionsListSerializer(serializers.ModelSerializer[SanctionsList]):
    current = ListVersionSerializer(read_only=True)

    class Meta:
        model = SanctionsList
        fields = ["id", "key", "name", "kind", "format", "active", "current"]


class ImportSerializer(StrictFieldsMixin, serializers.Serializer[Any]):
    format = serializers.ChoiceField(choices=sorted(PARSERS))
    files = serializers.ListField(child=serializers.FileField(), allow_empty=False)
    # The model field's own rules (a slug of at most 64 characters), as the UI applies them.
    list = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        validators=[*SanctionsList._meta.get_field("key").validators],
        help_text="The list's key (default: the format's list).",
    )


class ListUploadSerializer(serializers.ModelSerializer[ListUpload]):
    """A list import running in the background (``POST lists/import/`` answers 202 with it):
    ``url`` is where its status is read until ``status`` is ``done`` or ``failed``; then
    ``version`` is the list version it made (or ``error`` says why nothing changed) and ``run``
    the screening of the parties against the changes, if any."""

    url = serializers.HyperlinkedIdentityField(view_name="compliance-upload-detail")
    # The format's key as sent (one of the import's formats), kept as text: the model's
    # choices and the import's are the same set, and one enum in the schema is enough.
    format = serializers.CharField(read_only=True)
    list = serializers.SerializerMethodField()
    file_names = serializers.SerializerMethodField()
    version = ListVersionSerializer(read_only=True, allow_null=True)
    run: serializers.PrimaryKeyRelatedField[ScreeningRun] = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True
    )

    class Meta:
        model = ListUpload
        fields = [
            "id", "url", "status", "stage", "format", "list", "file_names", "error", "version",
            "run", "created_at", "finished_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_list(self, upload: ListUpload) -> str:
        """The list's key: the one asked for, else that of the list the import wrote."""
        if upload.version_id and upload.version is not None:
            return str(upload.version.list.key)
        return str(upload.list_key)

    def get_file_names(self, upload: ListUpload) -> builtins.list[str]:
        return [str(f.get("name", "")) for f in upload.files or []]


class HitSerializer(serializers.ModelSerializer[Hit]):
    list: serializers.SlugRelatedField[SanctionsList] = serializers.SlugRelatedField(
        slug_field="key", read_only=True
    )
    party_name = serializers.CharField(source="party.display_name", read_only=True)

    class Meta:
        model = Hit
        fields = [
            "id", "party", "party_name", "list", "entry_external_id", "entry_name", "matched_name", "score",
            "explanation", "status", "reason", "first_reviewer", "reviewed_by", "reviewed_at", "run", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class ReviewSerializer(StrictFieldsMixin, serializers.Serializer[Any]):
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=NOTE_MAX_LENGTH
    )


class StartRunSerializer(StrictFieldsMixin, serializers.Serializer[Any]):
    """No fields: a run screens every party against the current lists."""


class RunSerializer(serializers.ModelSerializer[ScreeningRun]):
    progress = serializers.IntegerField(read_only=True)

    class Meta:
        model = ScreeningRun
        fields = [
            "id",
            "trigger",
            "started_at",
            "finished_at",
            "threshold",
            "versions",
            "total",
            "done",
            "progress",
            "hit_count",
            "new_hit_count",
            "status",
            "error",
        ]
        read_only_fields = fields


class OwnershipFlagSerializer(serializers.ModelSerializer[OwnershipFlag]):
    class Meta:
        model = OwnershipFlag
        fields = ["id", "party", "regime", "share", "chains", "computed_at"]
        read_only_fields = fields


class FindingSerializer(serializers.ModelSerializer[RunFinding]):
    """One finding of a run, as the run left it; ``hit`` is the live hit while it exists."""

    class Meta:
        model = RunFinding
        fields = [
            "id", "hit", "party", "party_number", "party_name", "list_key", "entry_external_id", "entry_name",
            "matched_name", "score", "status", "new", "reason", "reviewed_by", "reviewed_at",
        ]  # fmt: skip
        read_only_fields = fields
