"""Keyset paging: the next page starts after the last row's sort key, so no OFFSET; and the
count every list shows ("50 von 1.234"), counted no further than a cap."""

import base64
import json
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page as PaginatorPage
from django.db import OperationalError, connection, transaction
from django.db.models import Model, Q, QuerySet, Value
from django.db.models.functions import Concat

from verbund.core.formatting import format_count
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
    qs: QuerySet[Any],
    sort: str,
    cursor: str,
    size: int,
    keep: Callable[[Any], bool] | None = None,
    *,
    few: bool = False,
    walk_budget: float | None = None,
) -> Page:
    """One page of ``qs`` ordered by ``sort`` (a field of ``SORTABLE``, all NOT NULL: the sorted
    read orders by ``field || ''``, which would put NULLs elsewhere than the index does, and a
    cursor cannot hold one; "-" for descending) and then id.

    ``keep`` drops rows in Python (e.g. merged records, rare) where a SQL condition would
    mislead the planner; the page is refilled from further rows as needed. ``few`` says
    ``qs`` has few rows (at most ``COUNT_CAP``, counted): they are then read by its filters'
    indexes and sorted, never found by walking the sort field's index. ``walk_budget``
    (seconds) bounds such a walk where ``qs`` was not counted few: past it the rows are read
    and sorted as for ``few`` (a filter's matches bunched far along the sort order: a chain's
    18,000 branches, named alike, took 1.4 s to walk to at a million parties, decision 0045).
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
    order: list[Any] = [sort, "-id" if desc else "id"] if field != "id" else [sort]
    # The same order, by an expression no index holds: the planner costs a walk of the field's
    # index as if the matches were spread evenly through it, but a text search's matches
    # cluster (its words begin names: "Müller ...", decision 0045), and the walk read 800,000
    # rows for 50. Sorting at most COUNT_CAP rows (``few``) costs milliseconds; after a walk
    # past its budget the sort has no such bound (a chain's 18,358 rows: 67 ms), and only a
    # filter matching hundreds of thousands of clustered rows would pay for sorting them all.
    by: Any = Concat(field, Value(""))
    sorted_order = [by.desc() if desc else by.asc(), *order[1:]]
    if field == "id":
        rows = _read(qs.order_by(*order), size, keep)
    elif few:
        rows = _read(qs.order_by(*sorted_order), size, keep)
    elif walk_budget is None:
        rows = _read(qs.order_by(*order), size, keep)
    else:
        try:
            with time_budget(walk_budget):
                rows = _read(qs.order_by(*order), size, keep)
        except OperationalError:
            rows = _read(qs.order_by(*sorted_order), size, keep)
    next_cursor = ""
    if len(rows) > size:
        rows = rows[:size]
        last: Model = rows[-1]
        next_cursor = _encode([getattr(last, field), last.pk])
    return Page(rows=rows, next_cursor=next_cursor, sort=sort)


def _read(ordered: QuerySet[Any], size: int, keep: Callable[[Any], bool] | None) -> list[Any]:
    """The first ``size + 1`` rows of ``ordered`` that ``keep`` keeps (all without it)."""
    if keep is None:
        return list(ordered[: size + 1])
    rows: list[Any] = []
    start = 0
    while len(rows) <= size:
        chunk = list(ordered[start : start + size + 1])
        rows.extend(r for r in chunk if keep(r))
        if len(chunk) < size + 1:
            break
        start += len(chunk)
    return rows[: size + 1]


# A list counts its rows up to this many and beyond says "50 von über 10.000": counting stops
# after 10,001 index entries, a few milliseconds at a million parties, where a full COUNT(*)
# reads every row that matches.
COUNT_CAP = 10_000
# ... and for this long: a filter no index answers, matching fewer rows than the cap, is a scan
# of the whole table (SQLite 0.4-2 s, PostgreSQL 0.2-0.4 s at a million parties, measured);
# past the budget the list says "über N" with the rows counted so far (SQLite) or the rows it
# shows (PostgreSQL).
COUNT_BUDGET_S = 0.1


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Cancel the statement running past ``seconds`` with an OperationalError, so a page never
    blocks on a full scan; the caller catches it (and keeps what it read before).

    SQLite: a progress handler interrupts the statement once the block has run ``seconds``.
    PostgreSQL: a ``statement_timeout`` of ``seconds`` for each statement, set local to a
    savepoint (or a transaction) that is always rolled back, even when the caller suppresses
    the error inside the block: the rollback takes the limit back and leaves the connection
    usable, so the block may only read (rows it fetched are kept). In a savepoint that is
    four statements more: savepoint, limit, rollback, release (``core.testing``'s
    ``list_count_queries``, ``time_budget_queries``); outside a transaction three (begin,
    limit, rollback). Meant for one read statement per block: PostgreSQL's limit is each
    statement's, SQLite's the whole block's."""
    if connection.vendor == "postgresql":
        with transaction.atomic():
            try:
                with connection.cursor() as cur:
                    limit = str(max(1, int(seconds * 1000)))
                    cur.execute("SELECT set_config('statement_timeout', %s, true)", [limit])
                yield
            finally:
                # Also after a cancel the caller suppressed: the savepoint is aborted then, and
                # only its rollback makes the connection usable and takes the limit back.
                transaction.set_rollback(True)
        return
    connection.ensure_connection()  # the handler belongs to the open connection
    raw = connection.connection
    deadline = time.monotonic() + seconds
    raw.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
    try:
        yield
    finally:
        raw.set_progress_handler(None, 0)


@dataclass(frozen=True)
class ListCount:
    """How many rows a list shows (``shown``, from its ``first``) of how many it has (``total``;
    more than that when ``capped``). ``str()`` is the one wording of every list."""

    shown: int
    total: int
    capped: bool = False
    first: int = 1

    def __str__(self) -> str:
        return format_count(self.shown, self.total, first=self.first, capped=self.capped)

    @property
    def last(self) -> int:
        """The number of the page's last row: what the next page's link gives as ``seen``
        (``first_row``)."""
        return self.first - 1 + self.shown

    @classmethod
    def of_page(cls, page: PaginatorPage[Any]) -> "ListCount":
        """A page of Django's paginator (which has counted its rows already)."""
        total = page.paginator.count
        shown = len(page.object_list) if total else 0
        return cls(shown=shown, total=total, first=page.start_index() if shown else 1)


# What a list counts: a queryset, or a query as SQL and its parameters (a page read in SQL).
Counted = QuerySet[Any] | tuple[str, Sequence[Any]]


def bounded_count(
    rows: Counted, cap: int | None = None, budget: float | None = None
) -> tuple[int, bool]:
    """The rows of a queryset or an SQL query, counted up to ``cap`` (``COUNT_CAP``):
    ``(cap, True)`` when there are more, ``(n, True)`` when the ``budget`` (``COUNT_BUDGET_S``)
    ran out after ``n`` rows. One query with ``LIMIT cap + 1`` and no ordering. On SQLite its
    ids are counted as they come, so that an interrupted count still knows how far it got; on
    PostgreSQL a ``COUNT(*)`` over it under a statement_timeout (a cursor read in batches
    was slower than the count itself, the planner choosing fast-start plans), which when
    canceled knows nothing: ``(0, True)``."""
    cap = COUNT_CAP if cap is None else cap
    if isinstance(rows, tuple):
        sql, params = f"{rows[0]} LIMIT %s", [*rows[1], cap + 1]
    else:
        sql, raw_params = rows.order_by().values_list("pk")[: cap + 1].query.sql_with_params()
        params = list(raw_params)
    seconds = COUNT_BUDGET_S if budget is None else budget
    if connection.vendor == "postgresql":
        n, stopped = _count_in_time(sql, params, seconds)
    else:
        n, stopped = _count_as_they_come(sql, params, seconds)
    return (cap, True) if n > cap else (n, stopped)


def _count_as_they_come(sql: str, params: Sequence[Any], seconds: float) -> tuple[int, bool]:
    """SQLite: the rows of ``sql`` counted as they come for at most ``seconds``; ``(n, True)``
    when the time ran out after ``n`` rows."""
    n = 0
    try:
        with connection.cursor() as cur, time_budget(seconds):
            cur.execute(sql, params)
            while chunk := cur.fetchmany(100):
                n += len(chunk)
    except OperationalError:  # interrupted at the budget
        return n, True
    return n, False


def _count_in_time(sql: str, params: Sequence[Any], seconds: float) -> tuple[int, bool]:
    """PostgreSQL: ``COUNT(*)`` over ``sql`` within ``time_budget(seconds)``; ``(0, True)``
    when it ran out (the caller knows the rows it shows: "über" those)."""
    try:
        with time_budget(seconds), connection.cursor() as cur:
            cur.execute(f"SELECT COUNT(*) FROM ({sql}) counted", params)
            return int(cur.fetchone()[0]), False
    except OperationalError:  # canceled at the budget
        return 0, True


# A later page of a keyset list knows where it starts from its link: the page before writes the
# rows shown so far into ``seen`` (a word of the link, not a fact of the database: where rows
# came or went in between, the place is off by as many, the count of all rows never is).
SEEN_DIGITS = 9


def first_row(cursor: str, seen: str) -> int:
    """The number of a page's first row: 1 on the first page (no cursor), else ``seen`` + 1
    when the link gives it (a whole number of at most ``SEEN_DIGITS`` digits), else 1."""
    if not cursor or not seen.isdigit() or len(seen) > SEEN_DIGITS:
        return 1
    return int(seen) + 1


def list_count(
    rows: Counted,
    shown: int,
    *,
    complete: bool = False,
    first: int = 1,
    cap: int | None = None,
    counted: tuple[int, bool] | None = None,
) -> ListCount:
    """The count of a list showing ``shown`` of ``rows`` (from its ``first``, when the page
    knows it). ``complete`` says the page holds every row (a first page with no next): then
    nothing is counted in the database; nor when ``counted`` gives ``bounded_count(rows)``
    already (a list that counted before reading its page)."""
    if complete:
        return ListCount(shown=shown, total=shown)
    total, capped = bounded_count(rows, cap) if counted is None else counted
    # A later page (``first``: ``first_row``) has at least the rows up to its last.
    return ListCount(shown=shown, total=max(total, first - 1 + shown), capped=capped, first=first)


def newest(rows: QuerySet[Any], n: int) -> tuple[list[Any], ListCount]:
    """The first ``n`` of ``rows`` (in their order: the newest, for the "last runs" lists of a
    page) and their count."""
    shown = list(rows[:n])
    return shown, list_count(rows, len(shown), complete=len(shown) < n)
