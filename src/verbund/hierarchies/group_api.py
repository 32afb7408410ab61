"""REST API of a party's whole group: its members' contacts (mounted by ``hierarchies.api``).

GET /api/v1/parties/{id}/group/contacts/?type=KEY[&member=ID][&cursor=...][&page_size=N]
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from verbund.hierarchies import group
from verbund.parties.models import Party


class GroupContactSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    display_name = serializers.CharField()
    position = serializers.CharField(help_text="The person's role.")
    phone = serializers.CharField()
    email = serializers.CharField()
    member_id = serializers.IntegerField()
    member_number = serializers.CharField()
    member_name = serializers.CharField()


def member_param(request: Request) -> int | None:
    raw = request.query_params.get("member")
    if raw in (None, ""):
        return None
    try:
        value = int(str(raw))
    except ValueError:
        value = 0
    if not 0 < value < 2**63:
        raise ValidationError({"member": [_("%(value)s is no party id.") % {"value": raw}]})
    return value


def next_link(request: Request, cursor: str) -> str | None:
    """The URL of the next page (the same query with the cursor), None on the last page."""
    if not cursor:
        return None
    params = request.query_params.copy()
    params["cursor"] = cursor
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


class GroupContactsView(APIView):
    """The contacts of every member of the party's group by name: persons filed under a member
    and persons linked to one as its contact, each with the member."""

    required_permission = "parties.view_party"

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "type", OpenApiTypes.STR, description="Hierarchy type (default group)."
            ),
            OpenApiParameter(
                "member", OpenApiTypes.INT, description="Only this member's contacts."
            ),
            OpenApiParameter("cursor", OpenApiTypes.STR, description="The next page's cursor."),
            OpenApiParameter(
                "page_size", OpenApiTypes.INT, description="Rows per page (default 50)."
            ),
        ],
        responses=GroupContactSerializer(many=True),
    )
    def get(self, request: Request, pk: int) -> Response:
        party = get_object_or_404(Party.objects.only("id"), pk=pk)
        q = request.query_params
        page = group.contacts(
            party.pk,
            q.get("type") or "group",
            member=member_param(request),
            cursor=q.get("cursor") or "",
            size=group.page_size(q.get("page_size")),
        )
        body: dict[str, Any] = {
            "root_id": page.root,
            "next": next_link(request, page.next_cursor),
            "previous": None,
            "results": GroupContactSerializer(page.rows, many=True).data,
        }
        return Response(body)


urlpatterns = [
    path(
        "parties/<int:pk>/group/contacts/", GroupContactsView.as_view(), name="party-group-contacts"
    ),
]
