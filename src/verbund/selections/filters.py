"""The party filters of selections, added to the one party FilterSet (``core.extensions``).

They need revenue, screening and duplicate data, which parties may not import, so they live
here, in a layer above those apps; the party list, ``/api/v1/parties/`` and every saved
selection filter with them under the same names:

- ``group``, ``chain`` (party id): the whole group or chain the party belongs to, from its
  ultimate parent (this ``group`` takes the place of hierarchies' filter of the same name and
  meaning, adding ``as_of`` and the depths); ``association`` (party id): the association and
  everything settled through it (its subtree along ``settlement``);
  ``as_of`` (YYYY-MM-DD): the structure of that day instead of today's;
  ``depth_min``, ``depth_max``: levels below the top (the ultimate parent, or the association)
- ``revenue_from``, ``revenue_to`` (YYYY-MM; default: this calendar year): the period of
  ``revenue_min``, ``revenue_max`` (EUR, the party's own revenue in the period) and of
  ``revenue_change_min``, ``revenue_change_max`` (percent against the same months a year
  before; parties without revenue then have no change and match neither)
- ``no_revenue_from``, ``no_revenue_to`` (YYYY-MM): no revenue in these months (open ends
  allowed: "no revenue since" is ``no_revenue_from`` alone)
- ``screening_hit`` (true/false): has an undecided sanctions screening hit
- ``duplicate`` (true/false): is in an open duplicate suggestion
- ``no_relationship_type`` (type key): has no relationship of the type (``relationship_type``
  of relationships is the one "present")
"""

import datetime as dt
from decimal import Decimal
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from verbund.core.filters import IdFilter, YesNoFilter
from verbund.parties.models import Party
from verbund.parties.widgets import PartyPickerWidget
from verbund.relationships.models import RelationshipType
from verbund.selections import rules, selectors
from verbund.selections.selectors import MEMBERSHIPS

EMPTY: tuple[Any, ...] = (None, "", [], ())


class MonthField(forms.CharField):
    """``YYYY-MM`` as the first day of that month; the message is revenue's own."""

    def clean(self, value: Any) -> dt.date | None:
        text = super().clean(value)
        if not text:
            return None
        return rules.month(text)


@extend_schema_field(OpenApiTypes.STR)
class MonthFilter(django_filters.CharFilter):
    field_class = MonthField

    def filter(self, qs: Any, value: Any) -> Any:
        return qs  # a parameter of other filters


@extend_schema_field(OpenApiTypes.DATE)
class ParameterDateFilter(django_filters.DateFilter):
    def filter(self, qs: Any, value: Any) -> Any:
        return qs


@extend_schema_field(OpenApiTypes.INT)
class ParameterNumberFilter(django_filters.NumberFilter):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", rules.MAX_DEPTH)
        kwargs.setdefault("decimal_places", 0)
        super().__init__(*args, **kwargs)

    def filter(self, qs: Any, value: Any) -> Any:
        return qs


class MemberFilter(IdFilter):
    """Members of a group, chain or association, on ``as_of`` and between the depths."""

    def __init__(self, type_key: str, whole_tree: bool, *args: Any, **kwargs: Any) -> None:
        self.type_key = type_key
        self.whole_tree = whole_tree
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet[Party], value: Any) -> QuerySet[Party]:
        if value in EMPTY:
            return qs
        data = self.parent.form.cleaned_data
        return qs.filter(
            selectors.members_q(
                self.type_key,
                int(value),
                whole_tree=self.whole_tree,
                as_of=data.get("as_of"),
                depth_min=_int(data.get("depth_min")),
                depth_max=_int(data.get("depth_max")),
                no_revenue=_no_revenue(data) if _carrier(data) == self.field_name else None,
            )
        )


def _int(value: Any) -> int | None:
    return None if value in EMPTY else int(value)


def _carrier(data: dict[str, Any]) -> str | None:
    """The member filter (the first given, in ``MEMBERSHIPS`` order) that tests "no revenue"
    on its members' ids, those of the closure rows it joins today (inside its subquery for
    another day; ``selectors.members_q``): for the "white space" of a group PostgreSQL then
    probes the members' months from the closure, as the raw count does (tested on the party
    rows, it took 2.6-3.4x). The condition is the same either way; it is applied once."""
    return next((name for name in MEMBERSHIPS if data.get(name) not in EMPTY), None)


def _no_revenue(data: dict[str, Any]) -> tuple[dt.date | None, dt.date | None] | None:
    first, last = data.get("no_revenue_from"), data.get("no_revenue_to")
    return None if first is None and last is None else (first, last)


@extend_schema_field(OpenApiTypes.NUMBER)
class AmountFilter(django_filters.NumberFilter):
    """An amount in EUR (at most two decimals) compared with the own revenue in the period."""

    def __init__(self, bound: str, *args: Any, **kwargs: Any) -> None:
        self.bound = bound
        kwargs.setdefault("max_digits", 15)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet[Party], value: Any) -> QuerySet[Party]:
        if value in EMPTY:
            return qs
        period = rules.period(self.parent.form.cleaned_data)
        return selectors.with_revenue(qs, period, self.bound, Decimal(value))


@extend_schema_field(OpenApiTypes.NUMBER)
class ChangeFilter(django_filters.NumberFilter):
    """A change in percent of the own revenue against the same months a year before."""

    def __init__(self, bound: str, *args: Any, **kwargs: Any) -> None:
        self.bound = bound
        kwargs.setdefault("max_digits", 9)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", -100)
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet[Party], value: Any) -> QuerySet[Party]:
        if value in EMPTY:
            return qs
        period = rules.period(self.parent.form.cleaned_data)
        return selectors.with_revenue_change(qs, period, self.bound, Decimal(value))


@extend_schema_field(OpenApiTypes.STR)
class NoRevenueFilter(django_filters.CharFilter):
    """No revenue from ``no_revenue_from`` to ``no_revenue_to`` (either may be open); the
    filter runs once, under the first of the two given (a form of the given parameters alone,
    ``PartyFilterSet(given_only=True)``, has no other), or not at all when a member filter
    carries it (``_carrier``)."""

    field_class = MonthField

    def filter(self, qs: QuerySet[Party], value: Any) -> QuerySet[Party]:
        data = self.parent.form.cleaned_data
        months = _no_revenue(data)
        if months is None or _carrier(data) is not None:
            return qs
        runs = "no_revenue_from" if months[0] is not None else "no_revenue_to"
        if self.field_name != runs:
            return qs
        return selectors.without_revenue(qs, *months)


class FlagFilter(YesNoFilter):
    def __init__(self, flag: str, *args: Any, **kwargs: Any) -> None:
        self.flag = flag
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet[Party], value: Any) -> QuerySet[Party]:
        if value is None or value == "":
            return qs
        return selectors.with_flag(qs, self.flag, bool(value))


def without_relationship_type(
    queryset: QuerySet[Party], name: str, value: RelationshipType | None
) -> QuerySet[Party]:
    if not value:
        return queryset
    return selectors.without_relationship_type(queryset, value)


def party_filters() -> dict[str, django_filters.Filter]:
    """The party list's filters of this app (see ``core.extensions``)."""
    return {
        # Chosen by name or number (parties.widgets), the id kept under the filter's name.
        "group": MemberFilter(
            *MEMBERSHIPS["group"],
            label=_("Member of the group of party"),
            widget=PartyPickerWidget(scope=_("Group of %(party)s")),
        ),
        "chain": MemberFilter(
            *MEMBERSHIPS["chain"],
            label=_("Member of the chain of party"),
            widget=PartyPickerWidget(scope=_("Chain of %(party)s")),
        ),
        "association": MemberFilter(
            *MEMBERSHIPS["association"],
            label=_("Settled through association"),
            widget=PartyPickerWidget(scope=_("Settled through %(party)s")),
        ),
        "as_of": ParameterDateFilter(label=_("Structure as of")),
        "depth_min": ParameterNumberFilter(label=_("Level from")),
        "depth_max": ParameterNumberFilter(label=_("Level to")),
        "revenue_from": MonthFilter(label=_("Revenue from month")),
        "revenue_to": MonthFilter(label=_("Revenue to month")),
        "revenue_min": AmountFilter("min", label=_("Revenue at least (EUR)")),
        "revenue_max": AmountFilter("max", label=_("Revenue at most (EUR)")),
        "revenue_change_min": ChangeFilter("min", label=_("Revenue change at least (%)")),
        "revenue_change_max": ChangeFilter("max", label=_("Revenue change at most (%)")),
        "no_revenue_from": NoRevenueFilter(
            field_name="no_revenue_from", label=_("No revenue from month")
        ),
        "no_revenue_to": NoRevenueFilter(
            field_name="no_revenue_to", label=_("No revenue to month")
        ),
        "screening_hit": FlagFilter("screening_hit", label=_("Open screening hit")),
        "duplicate": FlagFilter("duplicate", label=_("Duplicate suggestion")),
        "no_relationship_type": django_filters.ModelChoiceFilter(
            queryset=RelationshipType.objects.all(),
            to_field_name="key",
            method=without_relationship_type,
            label=_("Without relationship of type"),
        ),
    }


def check_party_filters(data: dict[str, Any]) -> dict[str, list[str]]:
    """Refusals of filters valid alone but not together (see ``core.extensions``)."""
    try:
        rules.check_together(data)
    except ValidationError as exc:
        return {name: list(messages) for name, messages in exc.message_dict.items()}
    return {}
