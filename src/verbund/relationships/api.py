"""REST API for relationship types and relationships."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from verbund.relationships import actions
from verbund.relationships.filters import RelationshipFilterSet, RelationshipTypeFilterSet
from verbund.relationships.models import Relationship, RelationshipType
from verbund.relationships.serializers import (
    EndRelationshipSerializer,
    RelationshipSerializer,
    RelationshipTypeSerializer,
    RelationshipUpdateSerializer,
)


class RelationshipTypeViewSet(viewsets.ModelViewSet):
    """User-defined relationship types. Deleting is refused while a type is in use."""

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


class RelationshipViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Dated links between parties. Ending sets valid_to; relationships are never deleted."""

    queryset = Relationship.objects.all()
    filterset_class = RelationshipFilterSet
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

    @extend_schema(request=EndRelationshipSerializer, responses=RelationshipSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: Any = None) -> Response:
        """End the relationship at ``valid_to`` (its last valid day; default today)."""
        body = EndRelationshipSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rel = actions.do_end_relationship(
            self.get_object(), actor=request.user, **body.validated_data
        )
        return Response(RelationshipSerializer(rel).data, status=status.HTTP_200_OK)


def register(router: DefaultRouter) -> None:
    router.register("relationship-types", RelationshipTypeViewSet, basename="relationshiptype")
    router.register("relationships", RelationshipViewSet, basename="relationship")
