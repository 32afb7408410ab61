"""REST API of a party's whole group (mounted by ``hierarchies.api``).

GET /api/v1/parties/{id}/group/contacts/?type=KEY[&member=ID][&cursor=...][&page_size=N]
GET /api/v1/parties/{id}/hierarchy/changes/?type=KEY&from=DATE&to=DATE
GET /api/v1/parties/{id}/ownership/[?type=KEY][&as_of=DATE][&threshold=PERCENT]
GET|POST|DELETE /api/v1/parties/{id}/hierarchy/subscription/?type=KEY
"""

from decimal import Decimal
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

from verbund.core.schema import integer
from verbund.core.serializers import ID_MAX
from verbund.hierarchies import changes, group, ownership, selectors, subscriptions
from verbund.hierarchies.actions import do_subscribe_group, do_unsubscribe_group
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


def member_parameter(description: str) -> OpenApiParameter:
    """``member`` in the schema: a party id, as ``member_param`` reads it."""
    return OpenApiParameter("member", integer(1, ID_MAX), description=description)


# ``page_size`` in the schema of the group's pages, as ``group.page_size`` reads it.
PAGE_SIZE_PARAMETER = OpenApiParameter(
    "page_size",
    integer(1, group.MAX_PAGE_SIZE),
    description=f"Rows per page (default {group.PAGE_SIZE}).",
)


def member_param(request: Request) -> int | None:
    raw = request.query_params.get("member")
    if raw in (None, ""):
        return None
    try:
        value = int(str(raw))
    except ValueError:
        value = 0
    if not 0 < value <= ID_MAX:
        raise ValidationError({"member": [_("%(value)s is no party id.") % {"value": raw}]})
    return value


def next_link(request: Request, cursor: str) -> str | None:
    """The URL of the next page (the same query with the cursor), None on the last page."""
    if not cursor:
        return None
    params = request.query_params.copy()
    params["cursor"] = cursor
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


class GroupContactPageSerializer(serializers.Serializer[Any]):
    """One page of the group's contacts; ``next`` is the following page's URL (null on the
    last), ``previous`` is always null (cursor paging forwards)."""

    root_id = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = GroupContactSerializer(many=True)


class GroupContactsView(APIView):
    """The contacts of every member of the party's group by name: persons filed under a member
    and persons linked to one as its contact, each with the member."""

    required_permission = "parties.view_party"

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "type", OpenApiTypes.STR, description="Hierarchy type (default group)."
            ),
            member_parameter("Only this member's contacts."),
            OpenApiParameter("cursor", OpenApiTypes.STR, description="The next page's cursor."),
            PAGE_SIZE_PARAMETER,
        ],
        responses=GroupContactPageSerializer,
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


class GroupPartyRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    name = serializers.CharField()


class ChangeSerializer(serializers.Serializer):
    date = serializers.DateField()
    kind = serializers.ChoiceField(choices=sorted(changes.KINDS))
    party = GroupPartyRefSerializer()
    from_parent = GroupPartyRefSerializer(allow_null=True)
    to_parent = GroupPartyRefSerializer(allow_null=True)
    share_before = serializers.DecimalField(max_digits=7, decimal_places=4, allow_null=True)
    share_after = serializers.DecimalField(max_digits=7, decimal_places=4, allow_null=True)
    relationship_id = serializers.IntegerField(
        help_text="The link that caused the change (the new one; the ended one for 'left')."
    )
    ended_relationship_id = serializers.IntegerField(allow_null=True)
    members = serializers.IntegerField(help_text="Parties that changed with it (subtree).")


# Made with type(): one of its fields is named "from", a Python keyword.
ChangeLogSerializer = type(
    "ChangeLogSerializer",
    (serializers.Serializer,),
    {
        "type": serializers.CharField(),
        "root_id": serializers.IntegerField(),
        "from": serializers.DateField(),
        "to": serializers.DateField(),
        "count": serializers.IntegerField(),
        "changes": ChangeSerializer(many=True),
    },
)


def _share(field: serializers.Field, value: Decimal | None) -> str | None:
    # The serializer's own field writes the number (its places and rounding), so the hand-built
    # answers below cannot drift from the schema's.
    return None if value is None else field.to_representation(value)


_CHANGE_SHARE = ChangeSerializer().fields["share_before"]


def change_json(change: dict[str, Any]) -> dict[str, Any]:
    """A change as ``ChangeSerializer`` writes it (which stays the schema): built by hand,
    because the serializer's field machinery costs 150 ms for a year of a big group's
    changes (2,844), more than reading them."""
    return {
        "date": change["date"].isoformat(),
        "kind": change["kind"],
        "party": change["party"],
        "from_parent": change["from_parent"],
        "to_parent": change["to_parent"],
        "share_before": _share(_CHANGE_SHARE, change["share_before"]),
        "share_after": _share(_CHANGE_SHARE, change["share_after"]),
        "relationship_id": change["relationship_id"],
        "ended_relationship_id": change["ended_relationship_id"],
        "members": change["members"],
    }


class GroupChangesView(APIView):
    """What changed in the party's group between two dates (the group as it stands on ``to``):
    who joined, left or moved (from which parent to which) and whose share changed, each with
    its day and the relationship that caused it."""

    required_permission = "parties.view_party"

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "type", OpenApiTypes.STR, description="Hierarchy type (default group)."
            ),
            OpenApiParameter(
                "from", OpenApiTypes.DATE, description="First day (default a year before to)."
            ),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Last day (default today)."),
        ],
        responses=ChangeLogSerializer,
    )
    def get(self, request: Request, pk: int) -> Response:
        party = get_object_or_404(Party.objects.only("id"), pk=pk)
        q = request.query_params
        log = changes.changes(party.pk, q.get("type") or "group", q.get("from"), q.get("to"))
        return Response(
            {
                "type": log["type"],
                "root_id": log["root_id"],
                "from": log["from"],
                "to": log["to"],
                "count": len(log["changes"]),
                "changes": [change_json(c) for c in log["changes"]],
            }
        )


class OwnerRefSerializer(GroupPartyRefSerializer):
    kind = serializers.CharField()


class OwnershipPathSerializer(serializers.Serializer):
    parties = serializers.ListField(
        child=serializers.IntegerField(), help_text="From the owner down to the party."
    )
    shares = serializers.ListField(
        child=serializers.DecimalField(max_digits=7, decimal_places=4),
        help_text="The share of each link, in percent, in the same order.",
    )


class DirectOwnerSerializer(serializers.Serializer):
    owner = OwnerRefSerializer()
    share = serializers.DecimalField(max_digits=7, decimal_places=4)


class EffectiveOwnerSerializer(serializers.Serializer):
    owner = OwnerRefSerializer()
    effective_share = serializers.DecimalField(max_digits=12, decimal_places=4)
    paths = OwnershipPathSerializer(many=True)


class HoldingSerializer(serializers.Serializer):
    party = OwnerRefSerializer()
    effective_share = serializers.DecimalField(max_digits=12, decimal_places=4)


class OwnershipSerializer(serializers.Serializer):
    party = OwnerRefSerializer()
    as_of = serializers.DateField()
    threshold = serializers.DecimalField(max_digits=7, decimal_places=4)
    direct_owners = DirectOwnerSerializer(many=True)
    owners = EffectiveOwnerSerializer(many=True)
    beneficial_owners = EffectiveOwnerSerializer(many=True)
    holdings = HoldingSerializer(many=True)
    complete = serializers.BooleanField(
        help_text="False when cross-holdings made more paths than are walked."
    )


_HOLDING_SHARE = HoldingSerializer().fields["effective_share"]


def holding_json(holding: dict[str, Any]) -> dict[str, Any]:
    """A holding as ``HoldingSerializer`` writes it (which stays the schema): built by hand,
    as a big group's head holds 9,000 parties, which the serializer takes 200 ms over."""
    party = holding["party"]
    return {
        "party": {k: party[k] for k in ("id", "number", "name", "kind")},
        "effective_share": _share(_HOLDING_SHARE, holding["effective_share"]),
    }


class OwnershipView(APIView):
    """Who owns the party: its direct owners, its effective owners (the product of the shares
    along each path of share-carrying links, summed over the paths; cross-holdings included
    and walked once per path), the persons among them at or above the beneficial-owner
    threshold (25 % by default), and the effective share it holds in each party below it."""

    required_permission = "parties.view_party"

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "type", OpenApiTypes.STR, description="One share-carrying type (default all)."
            ),
            OpenApiParameter("as_of", OpenApiTypes.DATE, description="Links valid on this day."),
            OpenApiParameter(
                "threshold",
                # Above 0, at most 100 (ownership.threshold).
                {"type": "number", "minimum": 0, "exclusiveMinimum": True, "maximum": 100},
                description="Beneficial owners from (percent).",
            ),
        ],
        responses=OwnershipSerializer,
    )
    def get(self, request: Request, pk: int) -> Response:
        party = get_object_or_404(Party.objects.only("id"), pk=pk)
        q = request.query_params
        data = ownership.ownership(
            party.pk, q.get("type") or None, q.get("as_of"), q.get("threshold")
        )
        body = OwnershipSerializer({**data, "holdings": []}).data
        body["holdings"] = [holding_json(h) for h in data["holdings"]]
        return Response(body)


class SubscriptionSerializer(serializers.Serializer):
    party_id = serializers.IntegerField()
    type = serializers.CharField()
    subscribed = serializers.BooleanField(
        help_text="Whether the caller follows this group's changes (start page)."
    )


class SubscriptionView(APIView):
    """Whether the caller follows the changes of the party's group along a hierarchy type
    (GET), follow them (POST; again is no error) or stop (DELETE). The start page lists the
    changes of the last 30 days of every group followed. Same permission as the hierarchy."""

    required_permission = "parties.view_party"
    # Following is the caller's own setting, not a change of the party: readers may.
    write_permission = "parties.view_party"
    type_param = OpenApiParameter(
        "type", OpenApiTypes.STR, description="Hierarchy type (default group)."
    )

    def _answer(self, request: Request, pk: int, status: int = 200) -> Response:
        type_key = request.query_params.get("type") or "group"
        selectors.hierarchy_type(type_key)
        body = {
            "party_id": pk,
            "type": type_key,
            "subscribed": type_key in subscriptions.subscribed_types(request.user, pk),
        }
        return Response(SubscriptionSerializer(body).data, status=status)

    @extend_schema(parameters=[type_param], responses=SubscriptionSerializer)
    def get(self, request: Request, pk: int) -> Response:
        party = get_object_or_404(Party.objects.only("id"), pk=pk)
        return self._answer(request, party.pk)

    @extend_schema(parameters=[type_param], request=None, responses=SubscriptionSerializer)
    def post(self, request: Request, pk: int) -> Response:
        party = get_object_or_404(Party, pk=pk)
        do_subscribe_group(request.user, party, request.query_params.get("type") or "group")
        return self._answer(request, party.pk)

    @extend_schema(parameters=[type_param], responses={200: SubscriptionSerializer})
    def delete(self, request: Request, pk: int) -> Response:
        party = get_object_or_404(Party, pk=pk)
        do_unsubscribe_group(request.user, party, request.query_params.get("type") or "group")
        return self._answer(request, party.pk)


urlpatterns = [
    path("parties/<id:pk>/ownership/", OwnershipView.as_view(), name="party-ownership"),
    path(
        "parties/<id:pk>/hierarchy/subscription/",
        SubscriptionView.as_view(),
        name="party-hierarchy-subscription",
    ),
    path(
        "parties/<id:pk>/hierarchy/changes/",
        GroupChangesView.as_view(),
        name="party-hierarchy-changes",
    ),
    path(
        "parties/<id:pk>/group/contacts/", GroupContactsView.as_view(), name="party-group-contacts"
    ),
]
