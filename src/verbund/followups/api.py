"""REST API for follow-ups.

/api/v1/follow-ups/ (list, read, create, change, delete; filters ``assigned_to`` (``me`` or an
id, default me), ``party``, ``open`` (default true), ``due_after``, ``due_before``), and
/api/v1/follow-ups/{id}/complete/ and /reopen/. Writes go through ``followups.actions``.
"""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from verbund.core.api import CursorPagination
from verbund.core.filters import FiltersOnListMixin
from verbund.followups import actions
from verbund.followups.filters import ORDER, FollowUpFilterSet
from verbund.followups.models import FollowUp
from verbund.followups.serializers import (
    CompleteSerializer,
    EmptySerializer,
    FollowUpSerializer,
    FollowUpUpdateSerializer,
)

LOG_PERMISSION = "activities.add_activity"


class FollowUpPagination(CursorPagination):
    ordering = "due_on"


class FollowUpViewSet(
    FiltersOnListMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Follow-ups (reminders to contact a party again on a day), soonest first; the list shows
    the caller's open ones unless ``assigned_to`` or ``open`` say otherwise. Completing one may
    log an activity on the party's file (``log_activity``, which needs the right to log
    activities)."""

    queryset = FollowUp.objects.all()
    filterset_class = FollowUpFilterSet
    pagination_class = FollowUpPagination
    ordering_fields = ["due_on", "id"]
    ordering = ORDER
    search_fields = ["subject"]
    action_permissions = {
        "complete": "followups.change_followup",
        "reopen": "followups.change_followup",
    }

    def get_queryset(self) -> QuerySet[FollowUp]:
        return FollowUp.objects.select_related(
            "party", "assigned_to", "created_by", "done_by"
        ).order_by(*ORDER)

    def get_serializer_class(self) -> Any:
        if self.action in ("update", "partial_update"):
            return FollowUpUpdateSerializer
        return FollowUpSerializer

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = actions.do_create_follow_up(actor=self.request.user, **data)

    @extend_schema(request=FollowUpUpdateSerializer, responses=FollowUpSerializer)
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        body = FollowUpUpdateSerializer(data=request.data, partial=partial)
        body.is_valid(raise_exception=True)
        follow_up = actions.do_change_follow_up(instance, actor=request.user, **body.validated_data)
        return Response(FollowUpSerializer(follow_up).data)

    @extend_schema(request=FollowUpUpdateSerializer, responses=FollowUpSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, partial=True, **kwargs)

    def perform_destroy(self, instance: FollowUp) -> None:
        actions.do_delete_follow_up(instance, actor=self.request.user)

    @extend_schema(request=CompleteSerializer, responses=FollowUpSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: Any = None) -> Response:
        """Mark done, optionally logging what happened as an activity. A follow-up done
        already is answered as it is (nothing is logged twice)."""
        instance = self.get_object()
        body = CompleteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if body.validated_data["log_activity"] and not request.user.has_perm(LOG_PERMISSION):
            raise PermissionDenied
        follow_up = actions.do_complete_follow_up(
            instance, actor=request.user, **body.validated_data
        )
        return Response(FollowUpSerializer(follow_up).data)

    @extend_schema(request=EmptySerializer, responses=FollowUpSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: Any = None) -> Response:
        """Open a done follow-up again; the activity logged on completion stays on the file."""
        body = EmptySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        follow_up = actions.do_reopen_follow_up(self.get_object(), actor=request.user)
        return Response(FollowUpSerializer(follow_up).data)


def register(router: DefaultRouter) -> None:
    router.register("follow-ups", FollowUpViewSet, basename="follow-up")
