"""REST API for parties: /api/v1/parties/ and each party's relationships."""

from typing import Any

from django.db.models import BigIntegerField, ExpressionWrapper, F, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from verbund.core.api import CursorPagination
from verbund.parties import actions
from verbund.parties.filters import PartyFilterSet
from verbund.parties.models import Party
from verbund.parties.serializers import PartySerializer
from verbund.quality.entry import check_duplicates_or_raise, is_confirmed
from verbund.relationships.filters import RelationshipFilterSet
from verbund.relationships.selectors import party_relationships, seen_from
from verbund.relationships.serializers import SeenRelationshipSerializer


class SubListPagination(CursorPagination):
    """Cursor paging of a party's relationships, always by id (as ``seq``, see below): the party
    list's ordering parameters name party fields and do not apply here."""

    def get_ordering(self, request: Any, queryset: Any, view: Any) -> tuple[str, ...]:
        return ("seq",)


class ArchiveSerializer(serializers.Serializer):
    archived = serializers.BooleanField(default=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class PartyViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Organisations and persons. Parties are archived or merged, never deleted."""

    queryset = Party.objects.all()
    serializer_class = PartySerializer
    filterset_class = PartyFilterSet
    search_fields = ["name", "number", "city", "vat_id", "erp_id"]
    ordering_fields = ["id", "number", "name", "city", "postcode", "created_at", "updated_at"]
    ordering = ["id"]

    def get_queryset(self) -> QuerySet[Party]:
        if self.action == "relationships":
            # Only the party's existence matters there; its rows come from the relationships.
            return Party.objects.only("id")
        return Party.objects.prefetch_related("tags")

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        tags = data.pop("tag_names", ())
        # Similar parties answer 409 with the candidates unless the caller confirms.
        check_duplicates_or_raise(data, confirmed=is_confirmed(self.request))
        serializer.instance = actions.do_create_party(actor=self.request.user, tags=tags, **data)

    def perform_update(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        tags = data.pop("tag_names", None)
        serializer.instance = actions.do_update_party(
            serializer.instance, actor=self.request.user, tags=tags, **data
        )

    @extend_schema(request=ArchiveSerializer, responses=PartySerializer)
    @action(detail=True, methods=["post"])
    def archive(self, request: Request, pk: Any = None) -> Response:
        """Archive (``archived: true``) or restore a party."""
        body = ArchiveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        party = actions.do_archive_party(
            self.get_object(), actor=request.user, **body.validated_data
        )
        return Response(PartySerializer(party).data, status=status.HTTP_200_OK)

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
    router.register("parties", PartyViewSet, basename="party")
