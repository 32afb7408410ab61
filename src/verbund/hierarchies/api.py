"""REST API for hierarchies: a party's tree, its ancestors, and the hierarchies it belongs to.

GET /api/v1/parties/{id}/hierarchy/?type=KEY&as_of=YYYY-MM-DD&depth=N[&node=ID]
GET /api/v1/parties/{id}/ancestors/?type=KEY[&as_of=YYYY-MM-DD]
GET /api/v1/parties/{id}/group/?type=KEY[&as_of=YYYY-MM-DD]
POST /api/v1/parties/{id}/hierarchy/move/ {"to": ID, "type": KEY, "on": DATE, "dry_run": false}
Without ``type`` the first two list the party's hierarchies.
"""

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from verbund.core.errors import renamed
from verbund.core.schema import conflict_fields, integer
from verbund.core.serializers import ID_MAX, StrictFieldsMixin
from verbund.hierarchies import engine, group_api, selectors
from verbund.hierarchies.actions import check_move, do_move_subtree, move_summary
from verbund.hierarchies.facts import node_annotations
from verbund.parties.models import Party
from verbund.relationships.rules import RELINK_PERMISSIONS

PARAMS = [
    OpenApiParameter(
        "type", OpenApiTypes.STR, description="Hierarchy type key (group, chain, settlement, ...)."
    ),
    OpenApiParameter(
        "as_of", OpenApiTypes.DATE, description="The structure on this date (default today)."
    ),
]


def _int_param(request: Request, name: str, minimum: int = 0, maximum: int = ID_MAX) -> int | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    try:
        value = int(str(raw))
    except ValueError:
        raise ValidationError(
            {name: [_("%(value)s is not a whole number.") % {"value": raw}]}
        ) from None
    if value < minimum:
        raise ValidationError({name: [_("The value must be at least %(min)s.") % {"min": minimum}]})
    if value > maximum:
        raise ValidationError({name: [_("The value must be at most %(max)s.") % {"max": maximum}]})
    return value


def _as_of(request: Request) -> str | None:
    raw = request.query_params.get("as_of") or None
    if raw is not None:
        selectors._day(raw)  # raises naming as_of
    return raw


def annotate(nodes: list[dict[str, Any]], type_key: str, as_of: str | None, user: Any) -> None:
    """Let other apps (revenue, compliance) add per-node data under ``annotations``, what
    ``user`` may read of it (``facts.node_annotations``)."""
    extra = node_annotations([n["id"] for n in nodes], type_key, as_of, user)
    for n in nodes:
        if n["id"] in extra:
            n.setdefault("annotations", {}).update(extra[n["id"]])


def _walk(node: dict[str, Any]) -> list[dict[str, Any]]:
    out, stack = [], [node]
    while stack:
        n = stack.pop()
        out.append(n)
        stack.extend(n.get("children") or [])
    return out


class PartyHierarchyView(APIView):
    """The party's tree from its ultimate parent (or one node's children with ``node``)."""

    required_permission = "parties.view_party"

    @extend_schema(
        parameters=[
            *PARAMS,
            OpenApiParameter(
                "depth",
                integer(0, ID_MAX),
                description="Levels below the ultimate parent (the path to the party is always open).",
            ),
            OpenApiParameter(
                "node",
                integer(1, ID_MAX),
                description="Return only the children of this node (lazy loading).",
            ),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request, pk: int) -> Response:
        party = get_object_or_404(Party, pk=pk)
        type_key = request.query_params.get("type")
        if not type_key:
            return Response(
                {"party_id": party.pk, "hierarchies": selectors.party_hierarchies(party.pk)}
            )
        as_of = _as_of(request)
        depth = _int_param(request, "depth")
        node = _int_param(request, "node", minimum=1)
        selectors.hierarchy_type_id(type_key)
        with_notes = request.query_params.get("annotations") in ("1", "true", "yes")
        if node is not None:
            if not Party.objects.filter(pk=node).exists():
                raise ValidationError({"node": [_("No party with id %(id)s.") % {"id": node}]})
            kids = selectors.children(node, type_key, as_of)
            if with_notes:
                annotate(kids, type_key, as_of, request.user)
            return Response({"type": type_key, "as_of": as_of, "node": node, "children": kids})
        root = selectors.tree(party.pk, type_key, as_of, depth)
        if with_notes:
            annotate(_walk(root), type_key, as_of, request.user)
        return Response({"type": type_key, "as_of": as_of, "party_id": party.pk, "root": root})


class PartyAncestorsView(APIView):
    """The path from the ultimate parent down to the party."""

    required_permission = "parties.view_party"

    @extend_schema(parameters=PARAMS, responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, pk: int) -> Response:
        party = get_object_or_404(Party, pk=pk)
        type_key = request.query_params.get("type")
        if not type_key:
            return Response(
                {"party_id": party.pk, "hierarchies": selectors.party_hierarchies(party.pk)}
            )
        as_of = _as_of(request)
        nodes = selectors.ancestors(party.pk, type_key, as_of, child_counts=True)
        return Response(
            {"type": type_key, "as_of": as_of, "party_id": party.pk, "ancestors": nodes}
        )


class PartyGroupView(APIView):
    """Every member of the party's group (or chain, ...) in one response, for integrations that
    need the whole membership: ``columns`` names the fields once, ``rows`` holds one array per
    member, top-down by depth, the ultimate parent first."""

    required_permission = "parties.view_party"

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "type",
                OpenApiTypes.STR,
                description="Hierarchy type key (default group).",
            ),
            PARAMS[1],
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        party = get_object_or_404(Party.objects.only("id"), pk=pk)
        type_key = request.query_params.get("type") or "group"
        as_of = _as_of(request)
        root, count, rows = selectors.group_json(party.pk, type_key, as_of)
        head = json.dumps(
            {
                "type": type_key,
                "as_of": as_of,
                "party_id": party.pk,
                "root_id": root,
                "count": count,
                "columns": selectors.GROUP_COLUMNS,
            },
            ensure_ascii=False,
        )
        # The rows are JSON already (written by the database): spliced in, not parsed again.
        body = head[:-1].encode() + b', "rows": ' + rows + b"}"
        return HttpResponse(body, content_type="application/json")


class MoveSerializer(StrictFieldsMixin, serializers.Serializer):
    to = serializers.IntegerField(
        allow_null=True,
        min_value=1,
        max_value=ID_MAX,
        help_text="Id of the new parent; null ends the link (the party becomes a root).",
    )
    type = serializers.CharField(default="group", help_text="Hierarchy type key.")
    on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="First day under the new parent (default today); the old link ends the day before.",
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    dry_run = serializers.BooleanField(
        default=False, help_text="Check the move and count its members, write nothing."
    )


class MoveResultSerializer(serializers.Serializer):
    party_id = serializers.IntegerField()
    type = serializers.CharField()
    on = serializers.DateField()
    members = serializers.IntegerField(help_text="Parties that move: the party and its subtree.")
    from_parent_id = serializers.IntegerField(allow_null=True)
    to_parent_id = serializers.IntegerField(allow_null=True)
    relationship_id = serializers.IntegerField(
        allow_null=True, help_text="The new link (null on a dry run or without a new parent)."
    )
    dry_run = serializers.BooleanField()


MOVE_FIELDS = {"to_party": "to", "valid_from": "on", "valid_to": "on"}
# Stored links refuse the move, not the request (decision 0038, revisions 2 and 3).
MOVE_CONFLICT = OpenApiResponse(
    response=conflict_fields("to", "on"),
    description="Stored links refuse the move: `to` is the parent the party has on `on`, "
    "the new link would give the party a second parent or close a cycle at some date (the "
    "message names the path), or `to` is null and the party has no parent on `on`; `on`: the "
    "same link is stored over some of the new link's days, or the party's current link only "
    "starts on `on` (correct that link instead). The same body as a 400's; a dry run answers "
    "alike.",
)


class PartyMoveView(APIView):
    """Move the party with its whole subtree under another parent ("Umhängen"): the link valid
    on ``on`` ends the day before, the new one starts on ``on`` and keeps the old one's
    planned end; one transaction, locked and checked like every hierarchy write. With
    ``dry_run`` the move is checked (refusals as for the real move) and nothing is written.
    Stored links refusing the move (the parent the party has, a second parent, a cycle, no
    parent to leave, a current link starting that day) answer 409 naming ``to`` or ``on``.
    Needs the permissions to add and to change relationships (it ends one and starts one)."""

    required_permission = "parties.view_party"
    write_permission = RELINK_PERMISSIONS

    @extend_schema(
        request=MoveSerializer, responses={200: MoveResultSerializer, 409: MOVE_CONFLICT}
    )
    def post(self, request: Request, pk: int) -> Response:
        party = get_object_or_404(Party, pk=pk)
        body = MoveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        new_parent = None
        if data["to"] is not None:
            new_parent = Party.objects.filter(pk=data["to"]).first()
            if new_parent is None:
                raise ValidationError({"to": [_("No party with id %(id)s.") % {"id": data["to"]}]})
        type_key = data["type"]
        selectors.hierarchy_type(type_key)
        args = (party, new_parent, type_key)
        kwargs = {"actor": request.user, "on": data.get("on"), "note": data["note"]}
        try:
            if data["dry_run"]:
                result = {**check_move(*args, **kwargs), "relationship_id": None}
            else:
                day = data.get("on") or engine.today()
                summary = move_summary(party, new_parent, type_key, day)
                rel = do_move_subtree(*args, **{**kwargs, "on": day})
                result = {**summary, "relationship_id": rel.pk if rel else None}
        except ValidationError as exc:
            raise renamed(exc, MOVE_FIELDS) from None
        result["dry_run"] = data["dry_run"]
        return Response(MoveResultSerializer(result).data)


urlpatterns = [
    path("parties/<id:pk>/hierarchy/", PartyHierarchyView.as_view(), name="party-hierarchy"),
    path("parties/<id:pk>/ancestors/", PartyAncestorsView.as_view(), name="party-ancestors"),
    path("parties/<id:pk>/hierarchy/move/", PartyMoveView.as_view(), name="party-move"),
    path("parties/<id:pk>/group/", PartyGroupView.as_view(), name="party-group"),
]
urlpatterns += group_api.urlpatterns
