"""Pieces every domain's FilterSets share: bounded id filters and defaults the user can see.

A list page and its API twin filter through the same FilterSet (``<app>/filters.py``), so the
same query parameters give the same rows. A default that hides rows ("open hits only") is
applied when the parameter is absent and dropped when the parameter is present but empty
(``?status=``): the UI shows it as the selected value and as an active filter with a link that
clears it, and the API documents it.
"""

from dataclasses import dataclass
from typing import Any, ClassVar

import django_filters
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from verbund.core.forms import DayField
from verbund.core.serializers import ID_MAX


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """A database id: a whole number in the 64-bit range (SQLite cannot even compare larger ones)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        kwargs.setdefault("decimal_places", 0)
        super().__init__(*args, **kwargs)


@extend_schema_field(OpenApiTypes.BOOL)
class YesNoFilter(django_filters.TypedChoiceFilter):
    """Yes or no, as ``true``/``false``; anything else is refused naming the parameter. Not a BooleanFilter: that ignores a value it cannot read ("archived=vielleicht")
    and answers as if the filter were not there."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "choices",
            [("", _("all")), ("true", _("yes")), ("false", _("no"))],
        )
        kwargs.setdefault("coerce", lambda value: value == "true")
        kwargs.setdefault("empty_value", None)
        super().__init__(*args, **kwargs)
        help_text = kwargs.get("help_text")
        if help_text:
            # The schema is the class's boolean, which leaves out the filter's description:
            # this filter's own schema carries its help text (drf-spectacular reads it).
            self._spectacular_annotation = {
                "field": {**(build_basic_type(OpenApiTypes.BOOL) or {}), "description": help_text}
            }

    def filter(self, qs: Any, value: Any) -> Any:
        return qs if value is None or value == "" else super().filter(qs, value)


@dataclass(frozen=True)
class ActiveFilter:
    """One filter in effect as the UI shows it ("Status: Open"), with the query that clears it."""

    name: str
    label: str
    value: str
    clear_query: str
    is_default: bool


class DefaultsFilterSet(django_filters.FilterSet):
    """A FilterSet whose parameters may have defaults (``defaults = {"status": "open"}``).

    Contract: a parameter absent from the query takes its default; a parameter present with
    an empty value (``?status=``) filters nothing, so every default can be cleared. The form
    (``.form``) is bound to the query with the defaults filled in, so a select shows the
    default as chosen.
    """

    defaults: ClassVar[dict[str, str]] = {}

    def __init__(self, data: QueryDict | dict[str, Any] | None = None, *args: Any, **kwargs: Any):
        self.query = _as_query(data)
        filled = self.query.copy()
        for name, value in self.defaults.items():
            if name not in filled:
                filled[name] = value
        super().__init__(filled, *args, **kwargs)

    def active(self, ignore: tuple[str, ...] = ("page",)) -> list[ActiveFilter]:
        """The filters in effect (defaults included), each with the query string that clears it.

        Call after ``.qs`` or ``.is_valid()``: values come from the cleaned form."""
        if not self.is_valid():
            return []
        shown = []
        for name, field in self.form.fields.items():
            raw = self.form.data.getlist(name) if name in self.form.data else []
            if not any(raw):
                continue
            value = self.form.cleaned_data.get(name)
            choices = dict(getattr(field, "choices", []) or [])
            values = value if isinstance(value, list | tuple) else [value]
            text = ", ".join(str(choices.get(v, v)) for v in values if v not in (None, ""))
            if not text:
                continue
            clear = self.query.copy()
            for key in ignore:
                clear.pop(key, None)
            clear.setlist(name, [""] if name in self.defaults else [])
            shown.append(
                ActiveFilter(
                    name=name,
                    label=str(field.label or name),
                    value=text,
                    clear_query=clear.urlencode(),
                    is_default=name in self.defaults and name not in self.query,
                )
            )
        return shown

    def page_query(self) -> str:
        """The query string of the filters as given, for links to other pages of the list."""
        query = self.query.copy()
        query.pop("page", None)
        return query.urlencode()


def _as_query(data: QueryDict | dict[str, Any] | None) -> QueryDict:
    if isinstance(data, QueryDict):
        return data.copy()
    query = QueryDict(mutable=True)
    for key, value in (data or {}).items():
        if isinstance(value, list | tuple):
            query.setlist(key, [str(v) for v in value])
        else:
            query[key] = "" if value is None else str(value)
    return query


class FiltersOnListMixin:
    """For API viewsets whose FilterSet has defaults: filter the list only.

    A single object (``/hits/7/``, ``/hits/7/confirm/``) is found whatever its status; the
    list's default ("open only") must not turn a reviewed object into a 404.
    """

    def filter_queryset(self, queryset: Any) -> Any:
        if getattr(self, "action", None) != "list":
            return queryset
        return super().filter_queryset(queryset)  # type: ignore[misc]


@extend_schema_field(OpenApiTypes.DATE)
class DayFilter(django_filters.DateFilter):
    """A date filter that reads "5.12.2026" as well as "2026-12-05" (see core.forms.DayField);
    the API documents and keeps the ISO form."""

    field_class = DayField
