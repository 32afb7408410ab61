"""The rules of selections and their messages: names, sharing, ownership and filters.

A selection's filters are checked by the one party FilterSet (``parties.filters``), the same
that checks the party list's and the API's query parameters: a name it does not know, a value
a field refuses and filters that do not fit together are refused naming the parameter.
"""

import datetime as dt
from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import QueryDict
from django.utils.translation import gettext as _

from verbund.core.roles import ROLES
from verbund.parties.filters import OTHER_PARAMS, party_filterset
from verbund.revenue.periods import Period, add_months, month_start, parse_month
from verbund.selections.models import Selection

NAME_MAX = 200
# No hierarchy the rules allow is deeper than this (hierarchies walk at most 64 levels).
MAX_DEPTH = 64
# The filters a membership filter reads.
MEMBERSHIP = ("group", "chain", "association")
MEMBERSHIP_PARAMETERS = ("as_of", "depth_min", "depth_max")
REVENUE_FILTERS = ("revenue_min", "revenue_max", "revenue_change_min", "revenue_change_max")
# Values a saved filter may hold: text, numbers, yes/no, or a list of them (a repeated parameter).
MAX_FILTERS = 50
MAX_VALUES = 100
MAX_VALUE_LENGTH = 500


def month(text: str, field: str = "month") -> dt.date:
    """``YYYY-MM`` as the first day of the month; refused with revenue's message."""
    try:
        return parse_month(text, field)
    except ValidationError as exc:
        raise ValidationError(exc.message_dict[field]) from None


def period(data: dict[str, Any]) -> Period:
    """The period of the revenue filters: ``revenue_from`` to ``revenue_to`` (checked by
    ``check_together``), this calendar year where neither is given, the rest of the first
    month's year where only it is."""
    first: dt.date | None = data.get("revenue_from")
    last: dt.date | None = data.get("revenue_to")
    if first is None and last is None:
        return Period.year(dt.date.today().year)
    if first is None:
        assert last is not None
        first = dt.date(last.year, 1, 1)
    if last is None:
        last = dt.date(first.year, 12, 1)
    return Period(first, last)


def check_together(data: dict[str, Any]) -> None:
    """Filters valid alone but not together: ``ValidationError`` by parameter name."""
    errors: dict[str, list[str]] = {}
    member = any(data.get(name) not in (None, "") for name in MEMBERSHIP)
    for name in MEMBERSHIP_PARAMETERS:
        if data.get(name) not in (None, "") and not member:
            errors[name] = [_("Only together with a group, chain or association.")]
    low, high = data.get("depth_min"), data.get("depth_max")
    if low is not None and high is not None and int(low) > int(high):
        errors["depth_max"] = [_("The level to must not be below the level from.")]
    for first, last in (("revenue_from", "revenue_to"), ("no_revenue_from", "no_revenue_to")):
        if data.get(first) and data.get(last) and data[last] < data[first]:
            errors[last] = [_("The period ends before it begins.")]
    for low_name, high_name in (
        ("revenue_min", "revenue_max"),
        ("revenue_change_min", "revenue_change_max"),
    ):
        low, high = data.get(low_name), data.get(high_name)
        if low is not None and high is not None and low > high:
            errors[high_name] = [_("The upper bound must not be below the lower bound.")]
    if errors:
        raise ValidationError(errors)


def last_twelve_months(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The first and last month of "the last 12 months": this month and the eleven before."""
    this = month_start(today or dt.date.today())
    return add_months(this, -11), this


# --- saving -----------------------------------------------------------------------------------


def _as_query(filters: Any) -> QueryDict:
    if not isinstance(filters, dict):
        raise ValidationError(
            {"filters": [_("The filters must be an object of names and values.")]}
        )
    if len(filters) > MAX_FILTERS:
        raise ValidationError({"filters": [_("At most %(n)s filters.") % {"n": MAX_FILTERS}]})
    query = QueryDict(mutable=True)
    errors: dict[str, list[str]] = {}
    for name, value in filters.items():
        values = value if isinstance(value, list) else [value]
        if len(values) > MAX_VALUES or not all(
            v is None or isinstance(v, str | int | float | bool) for v in values
        ):
            errors[str(name)] = [
                _("Give a value as text, a number, true or false, or a list of them.")
            ]
            continue
        texts = [
            "" if v is None else (str(v).lower() if isinstance(v, bool) else str(v)) for v in values
        ]
        if any(len(t) > MAX_VALUE_LENGTH or "\x00" in t for t in texts):
            errors[str(name)] = [_("This value is too long or holds a character no one types.")]
            continue
        query.setlist(str(name), texts)
    if errors:
        raise ValidationError(errors)
    return query


def clean_filters(filters: Any) -> dict[str, Any]:
    """The filters as they are saved, checked by the party FilterSet: unknown names (paging
    and sorting included) and bad values are refused naming the filter; empty values are
    dropped; a repeated parameter stays a list."""
    query = _as_query(filters)
    errors: dict[str, list[str]] = {
        name: [_("Unknown filter %(name)s.") % {"name": name}]
        for name in query
        if name in OTHER_PARAMS
    }
    filterset = party_filterset()(query)
    if not filterset.is_valid():
        for name, messages in filterset.errors.items():
            errors.setdefault(name, []).extend(str(m) for m in messages)
    if errors:
        raise ValidationError(errors)
    cleaned: dict[str, Any] = {}
    for name in query:
        values = [v for v in query.getlist(name) if v != ""]
        if values:
            cleaned[name] = values if len(values) > 1 else values[0]
    return cleaned


def check_only_paging(params: Any, allowed: set[str]) -> None:
    """A saved selection's parties take no filters of the request: its own are saved."""
    unknown = sorted(set(params) - allowed)
    if unknown:
        message = _("A selection runs with its saved filters; change them to filter otherwise.")
        raise ValidationError({name: [message] for name in unknown})


def check_name(name: Any) -> str:
    text = (name or "").strip() if isinstance(name, str) else ""
    if not text:
        raise ValidationError({"name": [_("A selection needs a name.")]})
    if len(text) > NAME_MAX:
        raise ValidationError({"name": [_("At most %(n)s characters.") % {"n": NAME_MAX}]})
    return text


def role_group(role: Any, actor: Any) -> Group | None:
    """The role a selection is shared with (None or "" for private): one of the roles, and
    one the actor holds (an administrator shares with any)."""
    if role in (None, ""):
        return None
    if not isinstance(role, str) or role not in ROLES:
        raise ValidationError({"shared_with": [_("Unknown role %(role)s.") % {"role": role}]})
    holds = actor is not None and (
        actor.is_superuser or actor.groups.filter(name__in=[role, "admin"]).exists()
    )
    if not holds:
        raise ValidationError({"shared_with": [_("You can share only with a role you hold.")]})
    return Group.objects.get_or_create(name=role)[0]


def check_owner(selection: Selection, actor: Any) -> None:
    """Only the owner changes or deletes a selection."""
    if actor is None or selection.owner_id != actor.pk:
        raise PermissionDenied(_("Only the owner can change or delete this selection."))


def check_unique_name(owner: Any, name: str, exclude: int | None = None) -> None:
    taken = Selection.objects.filter(owner=owner, name=name)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise ValidationError({"name": [_("You already have a selection of this name.")]})


def change_run_open_error(is_open: bool) -> str | None:
    """One change of a selection's parties at a time: while a background run of the selection
    is unfinished, another change (in the background or while the user waits) is refused."""
    if is_open:
        return _(
            "This selection's parties are being changed in the background; wait until that run "
            "is done."
        )
    return None
