"""REST API for relationship types, relationships and each party's relationships
(/api/v1/parties/{id}/relationships/)."""

from typing import Any

from django.db.models import BigIntegerField, ExpressionWrapper, F, QuerySet
from django.urls import re_path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from verbund.core.api import ID_PATTERN, CursorPagination
from verbund.core.schema import conflict_fields, field_errors
from verbund.parties.models import Party
from verbund.relationships import actions
from verbund.relationships.filters import RelationshipFilterSet, RelationshipTypeFilterSet
from verbund.relationships.models import Relationship, RelationshipType
from verbund.relationships.selectors import party_relationships, seen_from
from verbund.relationships.serializers import (
    EndRelationshipSerializer,
    RelationshipSerializer,
    RelationshipTypeSerializer,
    RelationshipUpdateSerializer,
    ReopenRelationshipSerializer,
    SeenRelationshipSerializer,
)

# A change of what a type's links mean, refused while relationships of the type are stored.
SHAPE_CHANGE = OpenApiResponse(
    response=conflict_fields(*sorted(actions.TYPE_SHAPE_FIELDS)),
    description="The type is in use: relationships of it are stored, so what they mean "
    "(`symmetric`, `structure`, `from_kind`, `to_kind`, `carries_share`) stays. Each field "
    "the request would change is named with the reason (the same body as a 400's).",
)


@extend_schema_view(
    update=extend_schema(responses={200: RelationshipTypeSerializer, 409: SHAPE_CHANGE}),
    partial_update=extend_schema(responses={200: RelationshipTypeSerializer, 409: SHAPE_CHANGE}),
    destroy=extend_schema(
        responses={
            204: None,
            409: OpenApiResponse(
                response=field_errors("type"),
                description="The type is in use: relationships of it are stored. "
                "`type` says why and what to do instead.",
            ),
        }
    ),
)
class RelationshipTypeViewSet(viewsets.ModelViewSet):
    """User-defined relationship types. Both sides of a symmetric type allow the same kinds
    (``from_kind`` equals ``to_kind``). A built-in type keeps its key; while a type is in use,
    what its links mean (``symmetric``, ``structure``, the kinds, ``carries_share``) stays
    (changing it is refused with 409), and deleting it is refused (409: deactivate it
    instead). A built-in type is never deleted (400): the imports look it up by key."""

    queryset = RelationshipType.objects.all()
    serializer_class = RelationshipTypeSerializer
    filterset_class = RelationshipTypeFilterSet
    search_fields = ["key", "name_de", "name_en", "label_forward_de", "label_forward_en"]
    ordering_fields = ["order", "key", "id"]
    ordering = ["order", "key"]

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = actions.do_create_relationship_type(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = actions.do_update_relationship_type(
            serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance: RelationshipType) -> None:
        actions.do_delete_relationship_type(instance, actor=self.request.user)


# Stored links refuse a link, not the request (decision 0038, revision 2).
LINK_CONFLICT = OpenApiResponse(
    response=conflict_fields("to_party", "valid_from"),
    description="Stored links refuse the link: `to_party` when the same link is open "
    "already, or (hierarchy types) when the child would have a second parent or the link "
    "would close a cycle at some date (the message names the path); `valid_from` when the "
    "same link is stored over some of its days. The same body as a 400's; a request with "
    "faults of its own is a 400 naming these fields beside them.",
)


# The stored end refuses an end on or after it (decision 0038, revision 3).
ALREADY_ENDED = OpenApiResponse(
    response=conflict_fields("valid_to"),
    description="The relationship's stored end is on or before the requested `valid_to`: it "
    "ended already; the message names the day it ended. The same body as a 400's.",
)


# What stored data refuses a reopening: no end to take back, or the stored links now.
REOPEN_REFUSED = OpenApiResponse(
    response=conflict_fields("to_party", "valid_from", "valid_to"),
    description="`valid_to` when the relationship has no end; otherwise the link's conflicts "
    "as for a new link (see 409 of creating one): `to_party` when the same link is open "
    "again, or (hierarchy types) the child has another parent or the link would close a "
    "cycle (the message names the path); `valid_from` when the same link is stored over "
    "some of its days. The same body as a 400's.",
)


@extend_schema_view(
    create=extend_schema(responses={201: RelationshipSerializer, 409: LINK_CONFLICT}),
    # The answer is the whole relationship, as ``update`` below writes it.
    update=extend_schema(responses={200: RelationshipSerializer, 409: LINK_CONFLICT}),
    partial_update=extend_schema(responses={200: RelationshipSerializer, 409: LINK_CONFLICT}),
)
class RelationshipViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Dated links between parties. Ending sets valid_to, reopening clears it again;
    relationships are never deleted. A link the stored ones refuse (the same link open or
    overlapping; for hierarchy types a second parent or a cycle at some date) is a 409 naming
    ``to_party`` or ``valid_from``."""

    queryset = Relationship.objects.all()
    filterset_class = RelationshipFilterSet
    # Ending and reopening change a link's last day, as their pages ask (relationships.views).
    action_permissions = {
        "end": "relationships.change_relationship",
        "reopen": "relationships.change_relationship",
    }
    ordering_fields = ["id", "valid_from", "valid_to", "created_at"]
    ordering = ["id"]
    search_fields = ["external_ref", "note"]

    def get_queryset(self) -> QuerySet[Relationship]:
        return Relationship.objects.select_related("type")

    def get_serializer_class(self) -> Any:
        if self.action in ("update", "partial_update"):
            return RelationshipUpdateSerializer
        return RelationshipSerializer

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = actions.do_create_relationship(
            actor=self.request.user, **serializer.validated_data
        )

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        body = RelationshipUpdateSerializer(instance, data=request.data, partial=partial)
        body.is_valid(raise_exception=True)
        rel = actions.do_update_relationship(instance, actor=request.user, **body.validated_data)
        return Response(RelationshipSerializer(rel).data)

    @extend_schema(
        request=EndRelationshipSerializer,
        responses={200: RelationshipSerializer, 409: ALREADY_ENDED},
    )
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: Any = None) -> Response:
        """End the relationship at ``valid_to`` (its last valid day; default today): on or
        after its first day, and before the end it has (a relationship that ended on that day
        or earlier ended already: 409 naming ``valid_to``)."""
        body = EndRelationshipSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rel = actions.do_end_relationship(
            self.get_object(), actor=request.user, **body.validated_data
        )
        return Response(RelationshipSerializer(rel).data, status=status.HTTP_200_OK)

    @extend_schema(
        request=ReopenRelationshipSerializer,
        responses={200: RelationshipSerializer, 409: REOPEN_REFUSED},
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: Any = None) -> Response:
        """Take the relationship's end back (``valid_to`` becomes null): it holds open-ended
        again. Every rule of a link is checked anew, as the stored links stand now (409: the
        relationship has no end, the same link is stored again, or for hierarchy types the
        child has another parent or the link would close a cycle)."""
        body = ReopenRelationshipSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rel = actions.do_reopen_relationship(
            self.get_object(), actor=request.user, **body.validated_data
        )
        return Response(RelationshipSerializer(rel).data, status=status.HTTP_200_OK)


class SubListPagination(CursorPagination):
    """Cursor paging of a party's relationships, always by id (as ``seq``, see below): the party
    list's ordering parameters name party fields and do not apply here."""

    def get_ordering(self, request: Any, queryset: Any, view: Any) -> tuple[str, ...]:
        return ("seq",)


class PartyRelationshipViewSet(viewsets.GenericViewSet):
    """A party's relationships, at /api/v1/parties/{id}/relationships/ (mounted by
    ``urlpatterns`` below, beside the parties' own routes)."""

    # Only the party's existence matters (and reading it needs parties.view_party); its rows
    # come from the relationships.
    queryset = Party.objects.only("id")
    pagination_class = SubListPagination
    # The query parameters filter the relationships (RelationshipFilterSet), not the party.
    filter_backends: list[Any] = []

    @extend_schema(
        responses=SeenRelationshipSerializer(many=True),
        parameters=[
            OpenApiParameter("type", str, many=True, description="Relationship type key(s)."),
            OpenApiParameter(
                "valid_on", OpenApiTypes.DATE, description="Only links valid on this day."
            ),
            OpenApiParameter(
                "current", bool, description="Only links valid today (true) or not (false)."
            ),
            OpenApiParameter("source", str, description="Only links from this source."),
        ],
        filters=False,
    )
    @action(detail=True, methods=["get"], pagination_class=SubListPagination)
    def relationships(self, request: Request, pk: Any = None) -> Response:
        """The party's relationships in both directions, each labelled as seen from this party,
        with the other party's id, number and name. Filters as on /relationships/."""
        if not request.user.has_perm("relationships.view_relationship"):
            raise PermissionDenied()
        party = self.get_object()
        filters = RelationshipFilterSet(
            data=request.query_params, queryset=party_relationships(party.pk), request=request
        )
        if not filters.is_valid():
            raise ValidationError(filters.errors)
        # Ordered by id + 0 rather than id: with "ORDER BY id LIMIT 51" PostgreSQL walks the
        # primary key and filters, reading hundreds of thousands of rows when a party's links
        # were written late (measured 645 ms for a 6,000-link party in 1M); with the expression
        # it combines the from/to indexes and sorts the party's own links (28 ms).
        rels = filters.qs.annotate(
            seq=ExpressionWrapper(F("id") + 0, output_field=BigIntegerField())
        )
        page = self.paginate_queryset(rels)
        rows = seen_from(party.pk, page if page is not None else rels)
        data = SeenRelationshipSerializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)


def register(router: DefaultRouter) -> None:
    router.register("relationship-types", RelationshipTypeViewSet, basename="relationshiptype")
    router.register("relationships", RelationshipViewSet, basename="relationship")


urlpatterns = [
    # As the router would mount a detail action of the party viewset: same path, same name.
    re_path(
        rf"^parties/(?P<pk>{ID_PATTERN})/relationships/$",
        PartyRelationshipViewSet.as_view({"get": "relationships"}, detail=True, basename="party"),
        name="party-relationships",
    ),
]
