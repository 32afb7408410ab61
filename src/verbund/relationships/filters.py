"""FilterSets for relationship types and relationships, shared by the UI and the API."""

import datetime as dt
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from verbund.relationships.models import (
    Relationship,
    RelationshipSource,
    RelationshipType,
    Structure,
    valid_on_q,
)


class RelationshipTypeFilterSet(django_filters.FilterSet):
    structure = django_filters.ChoiceFilter(choices=Structure.choices, label=_("Structure"))
    active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = RelationshipType
        fields = ["structure", "active", "symmetric", "rolls_up_revenue", "carries_share"]


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """A database id: a whole number in the 64-bit range (SQLite cannot even compare larger ones)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        kwargs.setdefault("decimal_places", 0)
        super().__init__(*args, **kwargs)


@extend_schema_field(OpenApiTypes.STR)
class TypeKeyFilter(django_filters.ModelMultipleChoiceFilter):
    """Relationship types by key; repeat the parameter for several."""


class RelationshipFilterSet(django_filters.FilterSet):
    # Filtered on the key column through the join, as the values are keys (?type=group&type=chain).
    type = TypeKeyFilter(
        field_name="type__key",
        queryset=RelationshipType.objects.all(),
        to_field_name="key",
        label=_("Type"),
        # A relationship has one type: no duplicates to remove, and SELECT DISTINCT would make
        # PostgreSQL read every matching row before the first page.
        distinct=False,
    )
    party = IdFilter(method="filter_party", label=_("Party (either side)"))
    from_party = IdFilter(field_name="from_party_id", label=_("From party"))
    to_party = IdFilter(field_name="to_party_id", label=_("To party"))
    valid_on = django_filters.DateFilter(method="filter_valid_on", label=_("Valid on"))
    current = django_filters.BooleanFilter(method="filter_current", label=_("Currently valid"))
    source = django_filters.ChoiceFilter(choices=RelationshipSource.choices, label=_("Source"))
    external_ref = django_filters.CharFilter(label=_("External reference"))

    class Meta:
        model = Relationship
        fields = ["type", "source", "external_ref"]

    def filter_party(
        self, queryset: QuerySet[Relationship], name: str, value: int
    ) -> QuerySet[Relationship]:
        return queryset.filter(Q(from_party_id=value) | Q(to_party_id=value))

    def filter_valid_on(
        self, queryset: QuerySet[Relationship], name: str, value: dt.date
    ) -> QuerySet[Relationship]:
        return queryset.filter(valid_on_q(value))

    def filter_current(
        self, queryset: QuerySet[Relationship], name: str, value: bool
    ) -> QuerySet[Relationship]:
        today = valid_on_q(dt.date.today())
        return queryset.filter(today) if value else queryset.exclude(today)
