"""REST API for parties: /api/v1/parties/ and each party's relationships."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from verbund.parties import actions
from verbund.parties.filters import PartyFilterSet
from verbund.parties.models import Party
from verbund.parties.serializers import PartySerializer
from verbund.relationships.selectors import party_relationships, seen_from
from verbund.relationships.serializers import SeenRelationshipSerializer


class ArchiveSerializer(serializers.Serializer):
    archived = serializers.BooleanField(default=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class PartyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Organisations and persons. Parties are archived or merged, never deleted."""

    queryset = Party.objects.all()
    serializer_class = PartySerializer
    filterset_class = PartyFilterSet
    search_fields = ["name", "number", "city", "vat_id", "erp_id"]
    ordering_fields = ["id", "number", "name", "city", "postcode", "created_at", "updated_at"]

    def get_queryset(self) -> QuerySet[Party]:
        return Party.objects.prefetch_related("tags")

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        tags = data.pop("tag_names", ())
        serializer.instance = actions.do_create_party(actor=self.request.user, tags=tags, **data)

    def perform_update(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        tags = data.pop("tag_names", None)
        serializer.instance = actions.do_update_party(serializer.instance, actor=self.request.user, tags=tags, **data)

    @extend_schema(request=ArchiveSerializer, responses=PartySerializer)
    @action(detail=True, methods=["post"])
    def archive(self, request: Request, pk: Any = None) -> Response:
        """Archive (``archived: true``) or restore a party."""
        body = ArchiveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        party = actions.do_archive_party(self.get_object(), actor=request.user, **body.validated_data)
        return Response(PartySerializer(party).data, status=status.HTTP_200_OK)

    @extend_schema(responses=SeenRelationshipSerializer(many=True))
    @action(detail=True, methods=["get"])
    def relationships(self, request: Request, pk: Any = None) -> Response:
        """The party's relationships in both directions, each labelled as seen from this party."""
        party = self.get_object()
        rels = party_relationships(party.pk)
        page = self.paginate_queryset(rels)
        rows = seen_from(party.pk, page if page is not None else rels)
        data = SeenRelationshipSerializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)


def register(router: DefaultRouter) -> None:
    router.register("parties", PartyViewSet, basename="party")
