"""REST API for parties: /api/v1/parties/. (Each party's relationships are served by
relationships.api; its filters from other apps come with ``party_filterset()``.)"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from verbund.core import extensions
from verbund.core.schema import conflict_fields
from verbund.core.serializers import NOTE_MAX_LENGTH, StrictFieldsMixin
from verbund.parties import actions, rules
from verbund.parties.filters import PartyFilterSet, party_filterset
from verbund.parties.models import Party, Tag
from verbund.parties.selectors import tags_with_counts, with_tags, word_search
from verbund.parties.serializers import PartySerializer


def check_before_create(data: dict[str, Any], request: Request) -> None:
    """Run every app's entry check (``verbund.<app>.entry``, see ``core.extensions``)."""
    for found in extensions.modules("entry"):
        check = getattr(found, "check_duplicates_or_raise", None)
        if callable(check):
            confirmed = getattr(found, "is_confirmed", lambda request: False)(request)
            check(data, confirmed=confirmed)


class ArchiveSerializer(StrictFieldsMixin, serializers.Serializer):
    archived = serializers.BooleanField(default=True)
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=NOTE_MAX_LENGTH
    )


# The number and the ERP key are unique: another party holding one refuses the write (409).
TAKEN = conflict_fields("number", "erp_id")
TAKEN_TEXT = (
    "Stored data refuses the write: `number` or `erp_id` names a number or ERP key another "
    "party holds (the same body as a 400's)."
)
# A new party that looks like stored ones (the duplicate check of the quality app, when
# installed): repeat with ``confirm_duplicate: true`` or ``?confirm=1`` to create it anyway.
SIMILAR = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "confirm": {"type": "string"},
        "candidates": {"type": "array", "items": {"type": "object"}},
    },
    "required": ["detail", "candidates"],
}


@extend_schema_view(
    create=extend_schema(
        responses={
            201: PartySerializer,
            409: OpenApiResponse(
                response={"oneOf": [TAKEN, SIMILAR]},
                description=f"{TAKEN_TEXT} Or similar parties are stored: `candidates` lists "
                "them; repeat with `confirm_duplicate: true` or `?confirm=1` to create anyway.",
            ),
        }
    ),
    update=extend_schema(
        responses={200: PartySerializer, 409: OpenApiResponse(TAKEN, description=TAKEN_TEXT)}
    ),
    partial_update=extend_schema(
        responses={200: PartySerializer, 409: OpenApiResponse(TAKEN, description=TAKEN_TEXT)}
    ),
)
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
    # Archiving changes a party, as an edit does (not a POST's add_party).
    action_permissions = {"archive": "parties.change_party"}
    # ``search=``: every word in the folded search text (name, number, city, postcode, VAT id),
    # served by its trigram index (core.api.BoundedSearchFilter, decision 0045).
    search_fields = ["search_text"]
    search_words = staticmethod(word_search)
    ordering_fields = ["id", "number", "name", "city", "postcode", "created_at", "updated_at"]
    ordering = ["id"]

    @property
    def filterset_class(self) -> type[PartyFilterSet]:
        # With the filters other apps add; built on first use, once every app is loaded.
        return party_filterset()

    def get_queryset(self) -> QuerySet[Party]:
        return with_tags(Party.objects.all())

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        tags = data.pop("tag_names", ())
        # Other apps may refuse first: similar parties answer 409 with the candidates unless
        # the caller confirms (quality's entry check).
        check_before_create(data, self.request)
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


class TagSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    # No unique validator: another tag's name merges (the action decides, and refuses it for a
    # new tag).
    name = serializers.CharField(max_length=rules.TAG_LIMIT)
    parties = serializers.IntegerField(
        source="held", read_only=True, help_text="How many parties hold the tag."
    )

    class Meta:
        model = Tag
        fields = ["id", "name", "parties"]
        read_only_fields = ["id", "parties"]


class TagViewSet(viewsets.ModelViewSet):
    """Tags on parties, by name, each with how many parties hold it. Renaming a tag to the name
    of another (whatever its case) merges it into that one, which is answered, and needs the
    permission to delete tags too; deleting takes it off every party (each party's history
    records it). The parties' own ``tag_names`` set a party's tags."""

    serializer_class = TagSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Tag]:
        # Paged by id, as every list of the API.
        return tags_with_counts()

    def perform_create(self, serializer: Any) -> None:
        tag = actions.do_create_tag(serializer.validated_data["name"], actor=self.request.user)
        serializer.instance = self.get_queryset().get(pk=tag.pk)

    def perform_update(self, serializer: Any) -> None:
        tag = serializer.instance
        name = serializer.validated_data.get("name", tag.name)
        if not self.request.user.has_perms(rules.tag_rename_permissions(tag, name)):
            raise PermissionDenied
        kept = actions.do_rename_tag(tag, name, actor=self.request.user)
        serializer.instance = self.get_queryset().get(pk=kept.pk)

    def perform_destroy(self, instance: Tag) -> None:
        actions.do_delete_tag(instance, actor=self.request.user)


def register(router: DefaultRouter) -> None:
    router.register("parties", PartyViewSet, basename="party")
    router.register("tags", TagViewSet, basename="tag")
