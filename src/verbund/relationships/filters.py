"""FilterSets for relationship types and relationships, shared by the UI and the API."""

import datetime as dt

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from verbund.core.filters import DayFilter, IdFilter
from verbund.parties.models import Party
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
    valid_on = DayFilter(method="filter_valid_on", label=_("Valid on"))
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


def has_relationship_of_type(
    queryset: QuerySet[Party], name: str, value: RelationshipType | None
) -> QuerySet[Party]:
    """Parties with a relationship of this type, on either side."""
    if not value:
        return queryset
    rels = Relationship.objects.filter(type=value).filter(
        Q(from_party=OuterRef("pk")) | Q(to_party=OuterRef("pk"))
    )
    return queryset.filter(Exists(rels))


def party_filters() -> dict[str, django_filters.Filter]:
    """The party list's filter of this app (see ``core.extensions``)."""
    return {
        "relationship_type": django_filters.ModelChoiceFilter(
            queryset=RelationshipType.objects.all(),
            to_field_name="key",
            method=has_relationship_of_type,
            label=_("Has relationship of type"),
        )
    }
