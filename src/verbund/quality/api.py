"""REST API of the quality app, under /api/v1/quality/."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView

from verbund.core.api import validation_error_detail
from verbund.core.filters import FiltersOnListMixin
from verbund.core.schema import conflict_fields
from verbund.quality import actions
from verbund.quality.entry import find_similar
from verbund.quality.filters import CANDIDATE_ORDER, CandidateFilterSet, candidate_rows
from verbund.quality.models import DedupeRun, DuplicateCandidate, MergeRecord
from verbund.quality.serializers import (
    CandidateSerializer,
    MergePlanSerializer,
    MergeRecordSerializer,
    MergeRequestSerializer,
    NoteSerializer,
    RunSerializer,
    SimilarQuerySerializer,
)


class CandidateViewSet(FiltersOnListMixin, viewsets.ReadOnlyModelViewSet):
    """Duplicate candidates (the review queue), best first; the queue's filters
    (``status``, default open, ``status=`` for all; ``category``, ``party``, ``run``)."""

    queryset = DuplicateCandidate.objects.all()
    serializer_class = CandidateSerializer
    filterset_class = CandidateFilterSet
    write_permission = "quality.add_notduplicate"
    action_permissions = {"reopen": "quality.delete_notduplicate"}
    ordering_fields = ["id", "score", "created_at"]
    ordering = CANDIDATE_ORDER

    def get_queryset(self) -> QuerySet[DuplicateCandidate]:
        return candidate_rows()

    @extend_schema(request=NoteSerializer, responses=CandidateSerializer)
    @action(detail=True, methods=["post"], url_path="not-duplicate")
    def not_duplicate(self, request: Request, pk: Any = None) -> Response:
        """Decide "not a duplicate": the pair is not proposed again."""
        body = NoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        cand = self.get_object()
        actions.do_mark_not_duplicate(
            cand.party_a, cand.party_b, actor=request.user, note=body.validated_data["note"]
        )
        cand.refresh_from_db()
        return Response(CandidateSerializer(cand).data)

    @extend_schema(
        request=None,
        responses={
            200: CandidateSerializer,
            409: OpenApiResponse(
                response=conflict_fields(),
                description="The pair is not marked as different parties (`non_field_errors`).",
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: Any = None) -> Response:
        """Withdraw the decision "not a duplicate": the suggestion is open again."""
        cand = self.get_object()
        actions.do_reopen_pair(cand.party_a, cand.party_b, actor=request.user)
        cand.refresh_from_db()
        return Response(CandidateSerializer(cand).data)


class MergeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Merges: POST source, survivor and the values the survivor takes; undo with /undo/."""

    queryset = MergeRecord.objects.prefetch_related("cluster_members")
    serializer_class = MergeRecordSerializer
    write_permission = "quality.add_mergerecord"
    # Undoing asks for what the merge page's undo asks for (quality.views.undo).
    action_permissions = {"undo": "quality.change_mergerecord"}

    @extend_schema(request=MergeRequestSerializer, responses=MergeRecordSerializer)
    def create(self, request: Request) -> Response:
        body = MergeRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        try:
            records = actions.do_merge_cluster(
                d["sources"], d["survivor"], actor=request.user, values=d["values"], note=d["note"]
            )
        except DjangoValidationError as exc:
            raise _values_nested(exc, d["values"] or {}) from None
        return Response(MergeRecordSerializer(records[0]).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MergeRequestSerializer, responses=MergePlanSerializer)
    @action(detail=False, methods=["post"])
    def plan(self, request: Request) -> Response:
        """What the merge would move or end, without merging (the merge run and rolled back)."""
        body = MergeRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        plan = actions.plan_merge(
            d["sources"], d["survivor"], actor=request.user, values=d["values"]
        )
        return Response(MergePlanSerializer(plan).data)

    @extend_schema(
        request=None,
        responses={
            200: MergeRecordSerializer,
            # Links restored by the undo pass the link rules again (decision 0038, revision 2).
            409: OpenApiResponse(
                response=conflict_fields("to_party", "valid_from"),
                description="A link the undo restores meets one stored since the merge (the "
                "same link, a second parent or a cycle), or a later merge must be undone "
                "first (`non_field_errors`: the survivor was merged again, or another record "
                "was merged into this one); nothing is undone.",
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def undo(self, request: Request, pk: Any = None) -> Response:
        """Undo a merge: the merged record and everything that moved come back."""
        record = actions.do_undo_merge(self.get_object(), actor=request.user)
        return Response(MergeRecordSerializer(record).data)


def _values_nested(exc: DjangoValidationError, values: dict[str, Any]) -> ValidationError:
    """The merge's refusal with the errors of the survivor's new values under ``values``."""
    detail: Any = validation_error_detail(exc)
    if isinstance(detail, dict):
        nested = {k: v for k, v in detail.items() if k in values}
        detail = {k: v for k, v in detail.items() if k not in values}
        if nested:
            detail["values"] = nested
    return ValidationError(detail)


class RunViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Bulk duplicate detection runs; POST starts one as a background job."""

    queryset = DedupeRun.objects.all()
    serializer_class = RunSerializer

    def perform_create(self, serializer: Any) -> None:
        from verbund.quality.tasks import run_dedupe

        run = actions.do_create_run(actor=self.request.user, **serializer.validated_data)
        run_dedupe.enqueue(run.pk)
        run.refresh_from_db()
        serializer.instance = run


class SimilarView(APIView):
    """Parties similar to the given data, best first, each with the evidence for its score."""

    required_permission = "parties.view_party"
    write_permission = "parties.view_party"

    @extend_schema(
        request=SimilarQuerySerializer,
        responses=inline_serializer(
            "SimilarParties",
            {"results": serializers.ListField(child=serializers.DictField())},
        ),
    )
    def post(self, request: Request) -> Response:
        body = SimilarQuerySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.to_data()
        found = find_similar(data, limit=data.pop("limit"), exclude_id=data.pop("exclude"))
        return Response({"results": [s.as_dict() for s in found]})


def register(router: DefaultRouter) -> None:
    router.register("quality/candidates", CandidateViewSet, basename="quality-candidate")
    router.register("quality/merges", MergeViewSet, basename="quality-merge")
    router.register("quality/runs", RunViewSet, basename="quality-run")


from django.urls import path  # noqa: E402

urlpatterns = [path("quality/similar/", SimilarView.as_view(), name="quality-similar-api")]
