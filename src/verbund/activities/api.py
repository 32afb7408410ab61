"""REST API for activities.

/api/v1/activities/ (list, read, create, update, delete; filter by party, by a party's group,
contact person, kind and period) and /api/v1/parties/{id}/group/activities/?type=KEY&since=DATE (the group's timeline,
cursor-paged, newest first). Writes go through ``activities.actions``.
"""

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView

from verbund.activities import actions, group
from verbund.activities.models import Activity, ActivityKind
from verbund.activities.serializers import (
    ActivitySerializer,
    ActivityUpdateSerializer,
    GroupActivityPageSerializer,
    GroupActivitySerializer,
)
from verbund.core.api import CursorPagination
from verbund.core.filters import IdFilter
from verbund.hierarchies import group as hgroup
from verbund.hierarchies.group_api import (
    PAGE_SIZE_PARAMETER,
    member_param,
    member_parameter,
    next_link,
)
from verbund.parties.models import Party


class ActivityFilterSet(django_filters.FilterSet):
    party = IdFilter(field_name="party_id", label=_("Party"))
    contact = IdFilter(field_name="contact_id", label=_("Contact person"))
    group = IdFilter(method="filter_group", label=_("Group of this party"))
    type = django_filters.CharFilter(
        method="filter_nothing", label=_("Hierarchy type of the group (default group)")
    )
    kind = django_filters.ChoiceFilter(choices=ActivityKind.choices, label=_("Kind"))
    since = django_filters.DateFilter(method="filter_since", label=_("From (day)"))
    until = django_filters.DateFilter(method="filter_until", label=_("Until (day)"))

    class Meta:
        model = Activity
        fields = ["party", "contact", "kind"]

    def filter_nothing(self, queryset: QuerySet[Activity], name: str, value: Any) -> Any:
        return queryset  # read by filter_group

    def filter_group(self, queryset: QuerySet[Activity], name: str, value: Any) -> Any:
        type_key = self.data.get("type") or "group"
        return queryset & group.of_group(int(value), type_key)

    def filter_since(self, queryset: QuerySet[Activity], name: str, value: Any) -> Any:
        return group.filtered(queryset, since=value)

    def filter_until(self, queryset: QuerySet[Activity], name: str, value: Any) -> Any:
        return group.filtered(queryset, until=value)


class ActivityPagination(CursorPagination):
    ordering = "-happened_at"


class ActivityViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Activities (calls, visits, notes, mails), newest first. Deleting one leaves an audit
    record of what it said on the party's history."""

    queryset = Activity.objects.all()
    filterset_class = ActivityFilterSet
    pagination_class = ActivityPagination
    ordering_fields = ["happened_at", "id"]
    ordering = ["-happened_at", "-id"]
    search_fields = ["subject"]

    def get_queryset(self) -> QuerySet[Activity]:
        return Activity.objects.select_related("party", "user", "contact")

    def get_serializer_class(self) -> Any:
        if self.action in ("update", "partial_update"):
            return ActivityUpdateSerializer
        return ActivitySerializer

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = actions.do_create_activity(actor=self.request.user, **data)

    @extend_schema(request=ActivityUpdateSerializer, responses=ActivitySerializer)
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        body = ActivityUpdateSerializer(data=request.data, partial=partial)
        body.is_valid(raise_exception=True)
        activity = actions.do_update_activity(instance, actor=request.user, **body.validated_data)
        return Response(ActivitySerializer(activity).data)

    def perform_destroy(self, instance: Activity) -> None:
        actions.do_delete_activity(instance, actor=self.request.user)

    @extend_schema(request=ActivityUpdateSerializer, responses=ActivitySerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, partial=True, **kwargs)


GROUP_PARAMS = [
    OpenApiParameter("type", OpenApiTypes.STR, description="Hierarchy type key (default group)."),
    member_parameter("Only this member's activities."),
    OpenApiParameter("kind", OpenApiTypes.STR, description="call, visit, note or mail."),
    OpenApiParameter("since", OpenApiTypes.DATE, description="From this day on."),
    OpenApiParameter("until", OpenApiTypes.DATE, description="Up to and including this day."),
    OpenApiParameter("cursor", OpenApiTypes.STR, description="The next page's cursor."),
    PAGE_SIZE_PARAMETER,
]


class GroupActivitiesView(APIView):
    """The activities of every member of the party's group as one timeline, newest first;
    as readable as the members' files (parties and activities may be read)."""

    required_permission = "activities.view_activity"

    @extend_schema(parameters=GROUP_PARAMS, responses=GroupActivityPageSerializer)
    def get(self, request: Request, pk: int) -> Response:
        if not request.user.has_perm("parties.view_party"):
            raise PermissionDenied
        party = get_object_or_404(Party.objects.only("id"), pk=pk)
        q = request.query_params
        found = group.timeline(
            party.pk,
            q.get("type") or "group",
            member=member_param(request),
            kind=q.get("kind") or None,
            since=q.get("since"),
            until=q.get("until"),
            cursor=q.get("cursor") or "",
            size=hgroup.page_size(q.get("page_size")),
        )
        return Response(
            {
                "next": next_link(request, found.next_cursor),
                "previous": None,
                "results": GroupActivitySerializer(found.rows, many=True).data,
            }
        )


def register(router: DefaultRouter) -> None:
    router.register("activities", ActivityViewSet, basename="activity")


urlpatterns = [
    path(
        "parties/<id:pk>/group/activities/",
        GroupActivitiesView.as_view(),
        name="party-group-activities",
    ),
]
