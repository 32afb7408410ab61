"""Saved filters in words, as the pages show them: the filter's label and its value in the
user's language (a party's name and number for an id, a choice's label, German dates and
amounts), never an internal key."""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from verbund.core.formatting import format_percent
from verbund.core.roles import ROLES
from verbund.parties.filters import party_filterset
from verbund.parties.models import Party
from verbund.relationships.models import RelationshipType
from verbund.selections import rules
from verbund.selections.selectors import as_query

PARTY_FILTERS = ("group", "chain", "association", "organisation")
TYPE_FILTERS = ("relationship_type", "no_relationship_type")
MONTH_FILTERS = ("revenue_from", "revenue_to", "no_revenue_from", "no_revenue_to")
AMOUNT_FILTERS = ("revenue_min", "revenue_max")
PERCENT_FILTERS = ("revenue_change_min", "revenue_change_max")
ROLE_NAMES = {
    "viewer": gettext_lazy("Viewers"),
    "editor": gettext_lazy("Editors"),
    "steward": gettext_lazy("Data stewards"),
    "compliance": gettext_lazy("Compliance officers"),
    "admin": gettext_lazy("Administrators"),
}


def role_names() -> list[tuple[str, str]]:
    return [(r, str(ROLE_NAMES.get(r, r))) for r in ROLES]


def role_name(role: str | None) -> str:
    return str(ROLE_NAMES.get(role or "", role or ""))


def filters(saved: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value) per saved filter, in the FilterSet's order."""
    filterset = party_filterset()(as_query(saved))
    form = filterset.form
    form.is_valid()
    ids = [int(v) for k in PARTY_FILTERS if str(saved.get(k, "")).isdigit() for v in [saved[k]]]
    names = {
        p.pk: f"{p.display_name} ({p.number})"
        for p in Party.objects.filter(pk__in=ids).only(
            "id", "kind", "name", "number", "title", "first_name", "last_name"
        )
    }
    types = {
        t.key: t.name
        for t in RelationshipType.objects.filter(key__in=[saved.get(k) for k in TYPE_FILTERS])
    }
    out: list[tuple[str, str]] = []
    for name, field in form.fields.items():
        raw = saved.get(name)
        values = [v for v in (raw if isinstance(raw, list) else [raw]) if v not in (None, "")]
        if not values:
            continue
        out.append(
            (
                str(field.label or name),
                ", ".join(_value(name, v, field, names, types) for v in values),
            )
        )
    return out


def _value(name: str, value: Any, field: Any, names: dict[int, str], types: dict[str, str]) -> str:
    text = str(value)
    if name in PARTY_FILTERS:
        return names.get(int(text), _("unknown party")) if text.isdigit() else text
    if name in TYPE_FILTERS:
        return str(types.get(text, text))
    if name in MONTH_FILTERS:
        try:
            return date_format(rules.month(text), "YEAR_MONTH_FORMAT")
        except ValidationError:
            return text
    if name == "as_of":
        try:
            return date_format(dt.date.fromisoformat(text), "SHORT_DATE_FORMAT")
        except ValueError:
            return text
    if name in PERCENT_FILTERS:
        return format_percent(text, at_most=2)
    if name in AMOUNT_FILTERS:
        try:
            number = number_format(Decimal(text), decimal_pos=2, use_l10n=True, force_grouping=True)
        except InvalidOperation:
            return text
        return f"{number} €"
    # A model's choices are keyed by the object's id as a number (a user for "responsible").
    choices = {str(key): label for key, label in getattr(field, "choices", []) or []}
    return str(choices.get(text, text))
