"""REST API of selections: /api/v1/selections/ (save, list, change, delete) and each
selection's parties (``/api/v1/selections/{id}/parties/``) and count (``.../count/``);
changing a selection's parties (``.../change-parties/``: now, or above 10,000 a background
run, 202) and such a run's status (``/api/v1/selection-change-runs/{id}/``, decision 0066).

The filters are the query parameters of ``/api/v1/parties/`` under the same names; a name
the party FilterSet does not know or a value it refuses is a 400 naming it.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.routers import DefaultRouter

from verbund.core.serializers import StrictFieldsMixin, stored_length
from verbund.parties import rules as party_rules
from verbund.parties.actions import KEEP
from verbund.parties.models import Tag
from verbund.parties.selectors import with_tags
from verbund.parties.serializers import PartySerializer
from verbund.selections import actions, rules, runs, selectors
from verbund.selections.models import ChangeRun, Selection

# The only parameters of a selection's parties: its filters are its own.
PAGE_PARAMS = {"cursor", "page_size", "format"}


class SelectionSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    name = serializers.CharField(max_length=stored_length(Selection, "name"))
    filters = serializers.JSONField(
        required=False,
        help_text="The party filters under the names of /api/v1/parties/ query parameters, "
        'e.g. {"group": 17, "no_revenue_from": "2025-01"}; a list repeats a parameter.',
    )
    shared_with = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text="A role (viewer, editor, steward, compliance, admin) whose members may open "
        "the selection; null or empty for a private one.",
    )
    owner = serializers.CharField(source="owner.username", read_only=True)

    class Meta:
        model = Selection
        fields = ["id", "name", "filters", "shared_with", "owner", "created_at", "updated_at"]
        read_only_fields = ["id", "owner", "created_at", "updated_at"]

    def to_representation(self, instance: Selection) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["shared_with"] = instance.shared_with.name if instance.shared_with else None
        return data


class ChangePartiesSerializer(StrictFieldsMixin, serializers.Serializer[Any]):
    responsible = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text="An active user's id: responsible for every party; null: nobody; "
        "left out: unchanged.",
    )
    add_tags = serializers.ListField(
        child=serializers.CharField(max_length=party_rules.TAG_LIMIT),
        required=False,
        help_text="Tags to add (an existing tag whatever its case, else a new one).",
    )
    remove_tags = serializers.ListField(
        child=serializers.CharField(max_length=party_rules.TAG_LIMIT),
        required=False,
        help_text="Tags to remove (existing ones, whatever their case).",
    )

    def validate_remove_tags(self, names: list[str]) -> list[Tag]:
        return [party_rules.known_tag(name) for name in names]

    # The schema says what "nothing to change" refuses (party_rules.nothing_to_change_error).
    request_schema = {
        "anyOf": [
            {"required": ["responsible"]},
            {"required": ["add_tags"], "properties": {"add_tags": {"minItems": 1}}},
            {"required": ["remove_tags"], "properties": {"remove_tags": {"minItems": 1}}},
        ]
    }

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        nothing = party_rules.nothing_to_change_error(
            "responsible" not in attrs, attrs.get("add_tags", []), attrs.get("remove_tags", [])
        )
        if nothing:
            raise serializers.ValidationError(nothing)
        return attrs


class ChangeRunSerializer(serializers.ModelSerializer):
    """A background change of a selection's parties (decision 0066). ``done``/``total`` and
    ``percent`` are its progress (read from its worker while it runs); ``changed`` how many
    parties it changed (when ``status`` is ``done``; a ``failed`` run changed none, ``error``
    says why)."""

    selection = serializers.IntegerField(source="selection_id", read_only=True, allow_null=True)
    created_by = serializers.CharField(
        source="created_by.username", read_only=True, default=None, allow_null=True
    )
    done = serializers.SerializerMethodField()
    total = serializers.SerializerMethodField()
    percent = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="This run's status (GET).")
    page = serializers.SerializerMethodField(help_text="This run's page in the UI.")

    class Meta:
        model = ChangeRun
        fields = [
            "id", "url", "page", "selection", "selection_name", "changes", "status", "done",
            "total", "percent", "changed", "error", "created_by", "created_at", "finished_at",
        ]  # fmt: skip
        read_only_fields = fields

    def _progress(self, run: ChangeRun) -> tuple[int, int, int]:
        cache = self.context.setdefault("progress", {})
        if run.pk not in cache:
            cache[run.pk] = runs.progress(run)
        return cache[run.pk]  # type: ignore[no-any-return]

    def get_done(self, run: ChangeRun) -> int:
        return self._progress(run)[0]

    def get_total(self, run: ChangeRun) -> int:
        return self._progress(run)[1]

    def get_percent(self, run: ChangeRun) -> int:
        return self._progress(run)[2]

    def get_url(self, run: ChangeRun) -> str:
        return reverse(
            "selection-change-run-detail", args=[run.pk], request=self.context.get("request")
        )

    def get_page(self, run: ChangeRun) -> str:
        return reverse("selection-change-run", args=[run.pk], request=self.context.get("request"))


class SelectionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Saved party filters, private or shared with a role. Only the owner changes or deletes."""

    queryset = Selection.objects.all()
    serializer_class = SelectionSerializer
    filter_backends: list[Any] = []
    # Changing the parties changes parties: the party list's edit permission, as the page asks.
    action_permissions = {"change_parties": ("selections.view_selection", "parties.change_party")}
    ordering = ["name", "id"]

    def get_queryset(self) -> QuerySet[Selection]:
        return selectors.visible(self.request.user).order_by("name", "id")

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        serializer.instance = actions.do_save_selection(
            actor=self.request.user,
            name=data["name"],
            filters=data.get("filters", {}),
            shared_with=data.get("shared_with"),
        )

    def perform_update(self, serializer: Any) -> None:
        changes = {
            k: v
            for k, v in serializer.validated_data.items()
            if k in ("name", "filters", "shared_with")
        }
        serializer.instance = actions.do_update_selection(
            serializer.instance, actor=self.request.user, **changes
        )

    def perform_destroy(self, instance: Selection) -> None:
        actions.do_delete_selection(instance, actor=self.request.user)

    def _check_params(self, request: Request) -> None:
        rules.check_only_paging(request.query_params, PAGE_PARAMS)
        if not request.user.has_perm("parties.view_party"):
            raise PermissionDenied

    @extend_schema(responses=PartySerializer(many=True))
    @action(detail=True, methods=["get"])
    def parties(self, request: Request, pk: Any = None) -> Response:
        """The parties the selection's filters select now (cursor-paged, by id)."""
        self._check_params(request)
        rows = with_tags(selectors.parties(self.get_object().filters))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(PartySerializer(page, many=True).data)

    @extend_schema(
        request=ChangePartiesSerializer,
        responses={
            status.HTTP_200_OK: inline_serializer(
                "PartiesChanged", {"changed": serializers.IntegerField()}
            ),
            status.HTTP_202_ACCEPTED: ChangeRunSerializer,
        },
        parameters=[
            OpenApiParameter(
                "Location",
                str,
                OpenApiParameter.HEADER,
                response=[status.HTTP_202_ACCEPTED],
                description="The background run's status (its url).",
            )
        ],
    )
    @action(detail=True, methods=["post"], url_path="change-parties")
    def change_parties(self, request: Request, pk: Any = None) -> Response:
        """Set the responsible user of every party the selection selects now, add tags,
        remove tags: all or nothing, one history record per party changed (as the page's
        "Change all…"). Up to 10,000 parties: changed now, 200 with how many changed. More
        (up to 250,000): 202 with a background run (its ``url`` answers its status and
        progress; all or nothing too). Refused (400) while a run of the selection is open."""
        body = ChangePartiesSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        selection = self.get_object()
        data = body.validated_data
        changed = actions.do_change_or_start(
            selection,
            actor=request.user,
            responsible=data.get("responsible", KEEP),
            add_tags=data.get("add_tags", []),
            remove_tags=data.get("remove_tags", []),
        )
        if isinstance(changed, ChangeRun):
            run = ChangeRunSerializer(changed, context={"request": request}).data
            return Response(run, status=status.HTTP_202_ACCEPTED, headers={"Location": run["url"]})
        return Response({"changed": changed})

    @extend_schema(
        responses=inline_serializer("SelectionCount", {"count": serializers.IntegerField()})
    )
    @action(detail=True, methods=["get"])
    def count(self, request: Request, pk: Any = None) -> Response:
        """How many parties the selection selects now."""
        self._check_params(request)
        return Response({"count": selectors.count(self.get_object().filters)})


class ChangeRunViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Background changes of a selection's parties (``change-parties`` above 10,000 parties):
    a run's status, progress and result. Visible to whom may change parties and open the
    selection (and to whoever started the run)."""

    queryset = ChangeRun.objects.all()
    serializer_class = ChangeRunSerializer
    filter_backends: list[Any] = []
    required_permission = ("selections.view_selection", "parties.change_party")

    def get_queryset(self) -> QuerySet[ChangeRun]:
        user = self.request.user
        return runs.visible(user, selectors.visible(user))


@extend_schema_serializer(many=False)
class FilterCountSerializer(serializers.Serializer[Any]):
    """The answer of /api/v1/party-counts/: one object, not a list."""

    count = serializers.IntegerField()


class FilterCountView(viewsets.ViewSet):
    """How many parties these filters select (the query parameters of /api/v1/parties/),
    before a selection is saved or the list is opened."""

    required_permission = "parties.view_party"

    @extend_schema(
        parameters=[],
        responses={
            status.HTTP_200_OK: FilterCountSerializer,
            status.HTTP_400_BAD_REQUEST: OpenApiTypes.OBJECT,
        },
    )
    def list(self, request: Request) -> Response:
        query = request.query_params
        filters = {n: v if len(v := query.getlist(n)) > 1 else v[0] for n in query}
        return Response({"count": selectors.count(rules.clean_filters(filters))})


def register(router: DefaultRouter) -> None:
    router.register("selections", SelectionViewSet, basename="selection")
    router.register("party-counts", FilterCountView, basename="party-count")
    router.register("selection-change-runs", ChangeRunViewSet, basename="selection-change-run")
