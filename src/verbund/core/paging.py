"""Keyset paging: the next page starts after the last row's sort key, so no OFFSET and no COUNT."""

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, Q, QuerySet

from verbund.core.serializers import ID_MAX

SORTABLE = {"name", "number", "city", "postcode", "id"}


@dataclass
class Page:
    rows: list[Any]
    next_cursor: str
    sort: str


def _encode(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


# A cursor holds one sort value and an id; a longer one was not made here.
MAX_CURSOR = 1000


def _decode(cursor: str) -> list[Any] | None:
    """The (sort value, id) a cursor names, or None for anything this module did not write
    (the first page then): deep nesting, ids beyond 64 bits, objects as sort values."""
    if len(cursor) > MAX_CURSOR:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError, RecursionError):
        return None
    if not (isinstance(data, list) and len(data) == 2):
        return None
    value, last_id = data
    if not (type(last_id) is int and 0 < last_id <= ID_MAX):
        return None
    if value is not None and not isinstance(value, str | int | float):
        return None
    return data


def keyset_page(
    qs: QuerySet[Any], sort: str, cursor: str, size: int, keep: Callable[[Any], bool] | None = None
) -> Page:
    """One page of ``qs`` ordered by ``sort`` (a field, "-" for descending) and then id.

    ``keep`` drops rows in Python (e.g. merged records, rare) where a SQL condition would
    mislead the planner; the page is refilled from further rows as needed.
    """
    field = sort.lstrip("-")
    if field not in SORTABLE:
        sort, field = "name", "name"
    desc = sort.startswith("-")
    after = _decode(cursor) if cursor else None
    if after is not None:
        value, last_id = after
        op = "lt" if desc else "gt"
        if field == "id":
            qs = qs.filter(**{f"id__{op}": last_id})
        else:
            qs = qs.filter(
                Q(**{f"{field}__{op}": value}) | Q(**{field: value, f"id__{op}": last_id})
            )
    order = [sort, "-id" if desc else "id"] if field != "id" else [sort]
    ordered = qs.order_by(*order)
    if keep is None:
        rows = list(ordered[: size + 1])
    else:
        rows = []
        start = 0
        while len(rows) <= size:
            chunk = list(ordered[start : start + size + 1])
            rows.extend(r for r in chunk if keep(r))
            if len(chunk) < size + 1:
                break
            start += len(chunk)
        rows = rows[: size + 1]
    next_cursor = ""
    if len(rows) > size:
        rows = rows[:size]
        last: Model = rows[-1]
        next_cursor = _encode([getattr(last, field), last.pk])
    return Page(rows=rows, next_cursor=next_cursor, sort=sort)
