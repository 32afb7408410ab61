"""ERP sync API (/api/v1/sync/parties|relationships|revenue) and the import-run history."""

from typing import Any

from django.core.validators import ProhibitNullCharactersValidator
from django.db.models import QuerySet
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView

from verbund.core.serializers import StrictFieldsMixin
from verbund.interfaces import actions, selectors
from verbund.interfaces.filters import RUN_ORDER, ImportRunFilterSet
from verbund.interfaces.models import ImportKind, ImportRun
from verbund.interfaces.parsers import ImportFileError
from verbund.interfaces.records import by_field, record_schema


class ImportRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImportRun
        fields = [
            "id", "kind", "source", "mapping", "format", "channel", "file_name", "file_hash", "file_size", "dry_run",
            "full", "skip_invalid", "status", "counts", "report", "actor", "actor_name", "confirms", "created_at", "started_at", "finished_at", "duration",
        ]  # fmt: skip
        read_only_fields = fields


class ImportRunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Every import run (files, API batches) with counts and report, newest first, with the
    import page's filters (``kind``, ``source``, ``status``, ``channel``, ``dry_run``). Read only."""

    queryset = ImportRun.objects.all()
    serializer_class = ImportRunSerializer
    filterset_class = ImportRunFilterSet
    ordering = RUN_ORDER

    def get_queryset(self) -> QuerySet[ImportRun]:
        return selectors.run_rows()


class SyncRequestSerializer(StrictFieldsMixin, serializers.Serializer):
    source = serializers.CharField(max_length=32)  # type: ignore[assignment]
    records = serializers.ListField(
        child=serializers.DictField(), max_length=actions.MAX_API_RECORDS, allow_empty=False
    )
    dry_run = serializers.BooleanField(default=False)
    atomic = serializers.BooleanField(
        default=True,
        help_text="All or nothing (the default): one invalid record and nothing is written; "
        "the other records answer `unchanged`. `false` writes the valid records and answers "
        "`error` for the invalid ones.",
    )
    full = serializers.BooleanField(
        default=False, help_text="Archive / end what this source holds but the batch lacks."
    )

    def validate_records(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """No NUL character in a key or value: PostgreSQL can store none, not even in the
        run's report, so such a record would fail the whole batch with a server error."""
        message = ProhibitNullCharactersValidator.message
        errors = {
            str(i): {
                str(k).replace("\x00", ""): [message] for k, v in record.items() if _has_nul(k, v)
            }
            for i, record in enumerate(records)
            if any(_has_nul(k, v) for k, v in record.items())
        }
        if errors:
            raise serializers.ValidationError(errors)
        return records


class SyncPartiesSerializer(SyncRequestSerializer):
    request_schema = {"properties": {"records": {"items": record_schema(ImportKind.PARTIES)}}}


class SyncRelationshipsSerializer(SyncRequestSerializer):
    request_schema = {"properties": {"records": {"items": record_schema(ImportKind.RELATIONSHIPS)}}}


class SyncRevenueSerializer(SyncRequestSerializer):
    request_schema = {"properties": {"records": {"items": record_schema(ImportKind.REVENUE)}}}


def _has_nul(*values: Any) -> bool:
    return any("\x00" in str(value) for value in values)


class SyncRecordResultSerializer(serializers.Serializer):
    key = serializers.CharField()
    status = serializers.ChoiceField(
        choices=["created", "updated", "unchanged", "error", "archived", "ended"]
    )
    errors = serializers.ListField(child=serializers.DictField())  # type: ignore[assignment]


class SyncResponseSerializer(serializers.Serializer):
    run = serializers.IntegerField()
    status = serializers.CharField()
    counts = serializers.DictField()
    results = SyncRecordResultSerializer(many=True)


def _record_key(kind: str, record: dict[str, Any]) -> str:
    """The key the import answers a record under, from its keys as ``do_sync`` names them."""
    named = by_field(kind, record)

    def text(name: str) -> str:
        value = named.get(name, "")
        return "" if value is None else str(value).strip()

    if kind == ImportKind.PARTIES:
        return text("external_id")
    if kind == ImportKind.RELATIONSHIPS:
        return text("external_id") or f"{text('type')}:{text('from')}:{text('to')}"
    return f"{text('party')}:{text('month')}:{text('settled_by')}:{text('reference')}"


class SyncView(APIView):
    """Upsert up to 10,000 records keyed by source + external id; answers per record."""

    kind = ImportKind.PARTIES
    # Each kind's serializer states the kind's records in the schema; all validate alike.
    serializer_class: type[SyncRequestSerializer] = SyncPartiesSerializer
    required_permission = "interfaces.add_importrun"
    write_permission = "interfaces.add_importrun"

    @extend_schema(responses=SyncResponseSerializer)
    def post(self, request: Request) -> Response:
        body = self.serializer_class(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        records = data["records"]
        try:
            run, outcome = actions.do_sync(
                actor=request.user, kind=self.kind, source=data["source"], records=records,
                dry_run=data["dry_run"], atomic=data["atomic"], full=data["full"],
            )  # fmt: skip
        except ImportFileError as exc:
            return Response({"non_field_errors": [str(exc)]}, status=status.HTTP_400_BAD_REQUEST)
        run.refresh_from_db()
        if outcome is None:
            return Response(
                {"run": run.pk, "status": run.status, "errors": run.report.get("errors", [])},
                status=status.HTTP_400_BAD_REQUEST,
            )
        by_row: dict[int, list[dict[str, Any]]] = {}
        for issue in outcome.errors:
            by_row.setdefault(issue.row, []).append(
                {"field": issue.field, "value": issue.value[:200], "reason": issue.reason}
            )
        outcomes = outcome.outcomes or {}
        results = []
        failed_run = run.status == "failed"
        for i, record in enumerate(records, start=1):
            key = _record_key(self.kind, record)
            errors = by_row.get(i, [])
            got = outcomes.get(key, {})
            state = "error" if errors else got.get("status", "unchanged")
            if failed_run and state != "error":
                # All or nothing: nothing was written, so nothing was created or updated.
                state = "unchanged"
            results.append({"key": key, "status": state, "errors": errors or got.get("errors", [])})
        extra = [
            {"key": k, "status": v["status"], "errors": []}
            for k, v in outcomes.items()
            if v["status"] in ("archived", "ended")
        ]
        return Response(
            {"run": run.pk, "status": run.status, "counts": run.counts, "results": results + extra}
        )


class SyncPartiesView(SyncView):
    kind = ImportKind.PARTIES


class SyncRelationshipsView(SyncView):
    kind = ImportKind.RELATIONSHIPS
    serializer_class = SyncRelationshipsSerializer


class SyncRevenueView(SyncView):
    kind = ImportKind.REVENUE
    serializer_class = SyncRevenueSerializer


def register(router: DefaultRouter) -> None:
    router.register("import-runs", ImportRunViewSet, basename="import-run")


urlpatterns = [
    path("sync/parties", SyncPartiesView.as_view(), name="sync-parties"),
    path("sync/relationships", SyncRelationshipsView.as_view(), name="sync-relationships"),
    path("sync/revenue", SyncRevenueView.as_view(), name="sync-revenue"),
]
