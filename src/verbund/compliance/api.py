"""REST API for compliance, under /api/v1/compliance/.

lists (read; POST lists/import/ with multipart ``format``, ``files`` queues the import and
answers 202 with the job, read at uploads/{id}/), uploads (read), hits (read; POST
hits/{id}/confirm/ and hits/{id}/dismiss/ with ``reason``), runs (read; POST runs/ starts a
background screening of every party; runs/{id}/report.csv and report.pdf), ownership flags
(read), and POST screen/{party id}/ to screen one party now.
"""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView

from verbund.compliance import actions, reports, tasks, uploads
from verbund.compliance.filters import HIT_ORDER, RUN_ORDER, HitFilterSet, RunFilterSet, hit_rows
from verbund.compliance.models import (
    Hit,
    ListUpload,
    OwnershipFlag,
    SanctionsList,
    ScreeningRun,
)
from verbund.compliance.serializers import (
    FindingSerializer,
    HitSerializer,
    ImportSerializer,
    ListUploadSerializer,
    OwnershipFlagSerializer,
    ReviewSerializer,
    RunSerializer,
    SanctionsListSerializer,
    StartRunSerializer,
)
from verbund.core.filters import FiltersOnListMixin
from verbund.core.permissions import RolePermission
from verbund.parties.models import Party


class SanctionsListViewSet(viewsets.ReadOnlyModelViewSet[SanctionsList]):
    """Sanctions lists and their current versions."""

    queryset = SanctionsList.objects.select_related("current")
    serializer_class = SanctionsListSerializer
    permission_classes = [RolePermission]
    required_permission = "compliance.view_sanctionslist"
    write_permission = "compliance.add_listversion"

    @extend_schema(
        request={"multipart/form-data": ImportSerializer},
        responses={202: ListUploadSerializer},
    )
    # The one operation taking files: multipart only (the API takes JSON everywhere else).
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser])
    def import_list(self, request: Request) -> Response:
        """Queue a list snapshot's import as a background job, as the upload page does (OFAC
        takes half a minute): 202 with the job (``url``, also in ``Location``) to read until it
        is ``done`` or ``failed``. An unknown format or no file is refused at once with 400; a
        file that cannot be read fails the job and changes nothing."""
        if not request.user.has_perm("compliance.add_listversion"):
            raise PermissionDenied()
        body = ImportSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        files = [(f.name, f.read()) for f in body.validated_data["files"]]
        try:
            upload = uploads.do_queue_list_upload(
                body.validated_data["format"],
                files,
                actor=request.user,
                list_key=body.validated_data["list"],
            )
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc
        data = ListUploadSerializer(upload, context={"request": request}).data
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["url"]})


class ListUploadViewSet(viewsets.ReadOnlyModelViewSet[ListUpload]):
    """List imports queued through the API or the upload page, newest first: status, stage,
    the version made or the error."""

    queryset = ListUpload.objects.select_related("version__list").order_by("-pk")
    serializer_class = ListUploadSerializer
    permission_classes = [RolePermission]
    required_permission = "compliance.view_sanctionslist"


class HitViewSet(FiltersOnListMixin, viewsets.ReadOnlyModelViewSet[Hit]):
    """Screening hits, best first, with the queue's filters: ``status`` (default open;
    ``status=`` for every status), ``list`` (key), ``party`` and ``run`` (ids)."""

    serializer_class = HitSerializer
    permission_classes = [RolePermission]
    queryset = Hit.objects.all()
    filterset_class = HitFilterSet
    ordering = HIT_ORDER
    ordering_fields = ["id", "score", "created_at"]
    required_permission = "compliance.view_hit"
    write_permission = "compliance.review_hit"

    def get_queryset(self) -> QuerySet[Hit]:
        return hit_rows()

    def _review(self, request: Request, fn: Any) -> Response:
        body = ReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            hit = fn(self.get_object(), actor=request.user, reason=body.validated_data["reason"])
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        return Response(HitSerializer(hit).data)

    @extend_schema(request=ReviewSerializer, responses=HitSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: Any = None) -> Response:
        """Confirm a true match (blocks the party; with four-eyes, a second reviewer completes it)."""
        return self._review(request, actions.do_confirm_hit)

    @extend_schema(request=ReviewSerializer, responses=HitSerializer)
    @action(detail=True, methods=["post"])
    def dismiss(self, request: Request, pk: Any = None) -> Response:
        """Dismiss as a false positive; ``reason`` is required."""
        return self._review(request, actions.do_dismiss_hit)


class RunViewSet(
    FiltersOnListMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[ScreeningRun]
):
    """Screening runs with progress, newest first (filters ``status``, ``trigger``); POST starts
    screening every party in the background."""

    queryset = ScreeningRun.objects.all()
    serializer_class = RunSerializer
    filterset_class = RunFilterSet
    ordering = RUN_ORDER
    permission_classes = [RolePermission]
    required_permission = "compliance.view_screeningrun"
    write_permission = "compliance.run_screening"

    @extend_schema(request=StartRunSerializer, responses={202: RunSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not request.user.has_perm("compliance.run_screening"):
            raise PermissionDenied()
        StartRunSerializer(data=request.data).is_valid(raise_exception=True)
        run = tasks.start_screen_all(request.user)
        return Response(RunSerializer(run).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses=FindingSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def findings(self, request: Request, pk: Any = None) -> Response:
        """What the run found, as it stood when the run wrote it (the report's rows): an old
        run reads the same however later runs and reviews changed the hits."""
        rows = reports.run_findings(self.get_object())
        return Response(FindingSerializer(rows, many=True).data)

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR})
    @action(detail=True, methods=["get"], url_path="report.csv")
    def report_csv(self, request: Request, pk: Any = None) -> HttpResponse:
        run = self.get_object()
        response = HttpResponse(reports.run_csv(run), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="screening-{run.pk}.csv"'
        return response

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="report.pdf")
    def report_pdf(self, request: Request, pk: Any = None) -> HttpResponse:
        run = self.get_object()
        response = HttpResponse(reports.run_pdf(run), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="screening-{run.pk}.pdf"'
        return response


class OwnershipFlagViewSet(viewsets.ReadOnlyModelViewSet[OwnershipFlag]):
    """Parties flagged by the ownership rules, with the chains and percentages."""

    queryset = OwnershipFlag.objects.all()
    serializer_class = OwnershipFlagSerializer
    permission_classes = [RolePermission]


class ScreenPartyView(APIView):
    """Screen one party now; returns its current hits."""

    permission_classes = [RolePermission]
    required_permission = "compliance.view_hit"
    write_permission = "compliance.run_screening"

    @extend_schema(request=None, responses=HitSerializer(many=True))
    def post(self, request: Request, party_id: int) -> Response:
        party = get_object_or_404(Party, pk=party_id)
        hits = actions.do_screen_party(party, actor=request.user)
        return Response(HitSerializer(hits, many=True).data)


def register(router: DefaultRouter) -> None:
    router.register("compliance/lists", SanctionsListViewSet, basename="compliance-list")
    router.register("compliance/uploads", ListUploadViewSet, basename="compliance-upload")
    router.register("compliance/hits", HitViewSet, basename="compliance-hit")
    router.register("compliance/runs", RunViewSet, basename="compliance-run")
    router.register("compliance/ownership", OwnershipFlagViewSet, basename="compliance-ownership")


urlpatterns = [
    path(
        "compliance/screen/<id:party_id>/",
        ScreenPartyView.as_view(),
        name="compliance-screen-party",
    )
]
