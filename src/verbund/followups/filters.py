"""The follow-ups' FilterSet, shared by the list page and the API: the user's open ones unless
the query says otherwise."""

from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from verbund.core.filters import DayFilter, DefaultsFilterSet, IdFilter
from verbund.core.forms import id_param
from verbund.core.serializers import ID_MAX
from verbund.followups.models import FollowUp

ME = "me"
# Soonest first; the id makes the order total (cursor paging and the pages agree).
ORDER = ["due_on", "id"]


class AssigneeField(forms.CharField):
    """``me`` or a user's id."""

    widget = forms.Select

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if value in ("", None, ME):
            return value
        found = id_param(value)
        if found is None or not 1 <= found <= ID_MAX:
            # The value as a param: django-filter formats the message again.
            raise ValidationError(
                _("“%(value)s” is neither “me” nor a user's id."), params={"value": value}
            )
        return found


@extend_schema_field(OpenApiTypes.STR)
class AssigneeFilter(django_filters.Filter):
    field_class = AssigneeField

    def filter(self, qs: QuerySet[FollowUp], value: Any) -> QuerySet[FollowUp]:
        if value in ("", None):
            return qs
        if value == ME:
            user = getattr(self.parent.request, "user", None)
            return qs.filter(assigned_to_id=getattr(user, "pk", None) or 0)
        return qs.filter(assigned_to_id=value)


class OpenFilter(django_filters.ChoiceFilter):
    """Open (``true``) or done (``false``); a choice rather than a boolean, so that the list's
    active filters name it in words ("Status: offen")."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("choices", [("true", _("open")), ("false", _("done"))])
        kwargs.setdefault("empty_label", _("open and done"))
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet[FollowUp], value: Any) -> QuerySet[FollowUp]:
        if value in ("", None):
            return qs
        return qs.filter(done_at__isnull=value == "true")


def _described(filter_: Any, kind: OpenApiTypes) -> Any:
    """The filter with its help text in the schema (a class-level schema type leaves it out,
    as ``core.filters.YesNoFilter`` explains)."""
    filter_._spectacular_annotation = {
        "field": {**(build_basic_type(kind) or {}), "description": str(filter_.extra["help_text"])}
    }
    return filter_


class FollowUpFilterSet(DefaultsFilterSet):
    """The user's open follow-ups unless ``assigned_to`` or ``open`` say otherwise
    (``?assigned_to=&open=``: everyone's, open and done)."""

    defaults = {"assigned_to": ME, "open": "true"}

    assigned_to = _described(
        AssigneeFilter(
            label=_("Assigned to"),
            help_text=_(
                "“me” or a user's id. Default: me. An empty assigned_to= lists everyone's."
            ),
        ),
        OpenApiTypes.STR,
    )
    party = IdFilter(field_name="party_id", label=_("Party"))
    open = _described(
        OpenFilter(
            label=_("Status"),
            help_text=_(
                "true: not done yet; false: done. Default: true. An empty open= lists both."
            ),
        ),
        OpenApiTypes.BOOL,
    )
    due_after = _described(
        DayFilter(
            field_name="due_on",
            lookup_expr="gte",
            label=_("Due from"),
            help_text=_("Due on or after."),
        ),
        OpenApiTypes.DATE,
    )
    due_before = _described(
        DayFilter(
            field_name="due_on",
            lookup_expr="lte",
            label=_("Due until"),
            help_text=_("Due on or before."),
        ),
        OpenApiTypes.DATE,
    )

    class Meta:
        model = FollowUp
        fields = ["assigned_to", "party", "open", "due_after", "due_before"]
