"""The one FilterSet for parties, shared by the UI list and the API."""

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from verbund.core.text import fold
from verbund.parties.models import Party, PartyKind, PartyStatus
from verbund.relationships.filters import IdFilter
from verbund.relationships.models import Relationship, RelationshipType


class PartyFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    kind = django_filters.ChoiceFilter(choices=PartyKind.choices, label=_("Kind"))
    # One status per party: no DISTINCT (which would make PostgreSQL read all matches first).
    status = django_filters.MultipleChoiceFilter(
        choices=PartyStatus.choices, label=_("Status"), distinct=False
    )
    city = django_filters.CharFilter(lookup_expr="iexact", label=_("City"))
    postcode = django_filters.CharFilter(lookup_expr="startswith", label=_("Postcode"))
    country = django_filters.CharFilter(method="filter_country", label=_("Country"))
    vat_id = django_filters.CharFilter(label=_("VAT id"))
    lei = django_filters.CharFilter(label=_("LEI"))
    number = django_filters.CharFilter(label=_("Number"))
    erp_source = django_filters.CharFilter(label=_("ERP source"))
    erp_id = django_filters.CharFilter(label=_("ERP id"))
    tag = django_filters.CharFilter(field_name="tags__name", label=_("Tag"))
    archived = django_filters.BooleanFilter(label=_("Archived"))
    merged = django_filters.BooleanFilter(method="filter_merged", label=_("merged into"))
    organisation = IdFilter(field_name="organisation_id", label=_("Organisation"))
    relationship_type = django_filters.ModelChoiceFilter(
        queryset=RelationshipType.objects.all(),
        to_field_name="key",
        method="filter_relationship_type",
        label=_("Has relationship of type"),
    )
    group = IdFilter(method="filter_group", label=_("Member of the group of party"))

    class Meta:
        model = Party
        fields = ["kind", "status", "city", "country", "archived"]

    def filter_q(self, queryset: QuerySet[Party], name: str, value: str) -> QuerySet[Party]:
        words = fold(value).split()
        for word in words:
            queryset = queryset.filter(search_text__contains=word)
        return queryset

    def filter_merged(
        self, queryset: QuerySet[Party], name: str, value: bool | None
    ) -> QuerySet[Party]:
        if value is None:
            return queryset
        return queryset.filter(merged_into__isnull=not value)

    def filter_country(self, queryset: QuerySet[Party], name: str, value: str) -> QuerySet[Party]:
        return queryset.filter(country=value.upper())

    def filter_relationship_type(
        self, queryset: QuerySet[Party], name: str, value: RelationshipType
    ) -> QuerySet[Party]:
        if not value:
            return queryset
        rels = Relationship.objects.filter(type=value).filter(
            Q(from_party=OuterRef("pk")) | Q(to_party=OuterRef("pk"))
        )
        return queryset.filter(Exists(rels))

    def filter_group(self, queryset: QuerySet[Party], name: str, value: int) -> QuerySet[Party]:
        from verbund.hierarchies.selectors import group_member_ids

        return queryset.filter(pk__in=group_member_ids(int(value)))
