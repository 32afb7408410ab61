"""The set-based import engine: parse and validate streaming, compare in bulk, write in bulk.

One run = one transaction. Rows are validated one by one in Python (cheap checks only), the
existing records of the source are loaded once as (external id -> id, hash of the mapped
values), and writes go out in chunks with executemany / COPY (``demo.bulk.BulkLoad``). No
per-row action is called; the caller (``interfaces.actions``) writes one audit record for the
run and keeps a per-party summary in the run's report.

Keys: a party is ``(erp_source, erp_id)``. Links derived from party rows carry
``external_ref = "<source>/parent"`` (group) or ``"<source>/main"`` (settlement) and belong to
the import; links from relationship files carry ``"<source>:<external id>"`` (the external id
defaults to ``type:from:to``). Other links (manual, other sources) are never changed by an
import; clashing with them (a second parent) is an error.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import itertools
import os
import re
import threading
import time
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection
from django.db.models import CharField
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from verbund.demo.bulk import (
    PARTY_COLUMNS,
    RELATIONSHIP_COLUMNS,
    BulkLoad,
    derive_search_columns,
    search_pieces,
    search_text_with,
)
from verbund.hierarchies import engine as hierarchy_engine
from verbund.interfaces.parsers import parse_date, parse_decimal
from verbund.interfaces.pipeline import Forked
from verbund.parties.models import Party, PartyKind, PartyStatus
from verbund.parties.validators import validate_country, validate_lei, validate_vat_id
from verbund.relationships.models import (
    Relationship,
    RelationshipSource,
    RelationshipType,
    Structure,
)

PT = Party._meta.db_table
RT = Relationship._meta.db_table
CHUNK = 5000
MAX_STORED_ERRORS = 10_000
SAMPLE = 50
SUMMARY_LIMIT = 10_000
PARTY_CHAR_LIMITS = {
    f.name: f.max_length for f in Party._meta.fields if isinstance(f, CharField) and f.max_length
}
# Above this many touched parties the whole source is loaded at once; below, only the keys in play.
WHOLE_SOURCE = 20_000
# Up to this many hierarchy children written, the closure is patched child by child afterwards;
# beyond, it is rebuilt (and the children need not be kept).
TOUCH_LIMIT = 2000


def _choice_lookup(choices: Any, extra: dict[str, str]) -> dict[str, str]:
    table = dict(extra)
    for value, label in choices:
        table[str(value).lower()] = value
        for lang in ("de", "en"):
            with translation.override(lang):
                table[str(label).lower()] = value
    return table


KIND_VALUES = _choice_lookup(
    PartyKind.choices,
    {"org": "organisation", "organization": "organisation", "o": "organisation", "firma": "organisation", "company": "organisation",
     "unternehmen": "organisation", "p": "person", "kontakt": "person", "contact": "person"},
)  # fmt: skip
STATUS_VALUES = _choice_lookup(PartyStatus.choices, {})


# --- results --------------------------------------------------------------------------------


@dataclass
class Issue:
    row: int
    field: str
    value: str
    reason: str
    key: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "key": self.key,
            "field": self.field,
            "value": self.value[:200],
            "reason": self.reason,
        }


@dataclass
class Outcome:
    """What the engine did; ``outcomes`` (per external id) only when asked (API batches)."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ["rows", "created", "updated", "unchanged", "archived", "ended", "links_created", "links_ended", "skipped", "errors", "warnings"], 0))  # fmt: skip
    errors: list[Issue] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    diffs: list[dict[str, Any]] = field(default_factory=list)
    archived: list[str] = field(default_factory=list)
    ended: list[str] = field(default_factory=list)
    summary: list[dict[str, Any]] = field(default_factory=list)
    outcomes: dict[str, dict[str, Any]] | None = None
    hierarchy_types: set[str] = field(default_factory=set)
    # (type id, child id) of every hierarchy link written, for closure upkeep; beyond
    # TOUCH_LIMIT only ``touched_many`` (the closure of ``hierarchy_types`` is rebuilt whole).
    touched: set[tuple[int, int]] = field(default_factory=set)
    touched_many: bool = False
    party_ids: list[range] = field(default_factory=list)
    updated_ids: array[int] = field(default_factory=lambda: array("q"))

    def error(self, issue: Issue) -> None:
        self.counts["errors"] += 1
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append(issue)
        if self.outcomes is not None and issue.key:
            entry = self.outcomes.setdefault(issue.key, {"status": "error", "errors": []})
            entry["status"] = "error"
            entry["errors"].append(
                {"field": issue.field, "value": issue.value[:200], "reason": issue.reason}
            )

    def warn(self, row: int, reason: str, **extra: Any) -> None:
        self.counts["warnings"] += 1
        if len(self.warnings) < MAX_STORED_ERRORS:
            self.warnings.append({"row": row, "reason": reason, **extra})

    def outcome(self, key: str, status: str) -> None:
        if self.outcomes is not None:
            entry = self.outcomes.setdefault(key, {"status": status, "errors": []})
            if entry["status"] != "error":
                entry["status"] = status

    def note_summary(self, item: dict[str, Any]) -> None:
        if len(self.summary) < SUMMARY_LIMIT:
            self.summary.append(item)

    def report(self) -> dict[str, Any]:
        return {
            "errors": [e.as_dict() for e in self.errors],
            "errors_total": self.counts["errors"],
            "warnings": self.warnings,
            "diffs": self.diffs,
            "archived": self.archived,
            "ended": self.ended,
            "parties": self.summary,
        }


@dataclass
class Context:
    source: str
    skip_invalid: bool = False
    full: bool = False
    numbers: str = "auto"
    dates: str = "auto"
    today: dt.date = field(default_factory=dt.date.today)
    progress: Callable[[float, str], None] | None = None
    track_outcomes: bool = False
    create_missing: bool = False
    _reported: float = 0.0

    def report_progress(self, fraction: float, message: str, *, often: bool = False) -> None:
        """``often``: a per-chunk report, passed on at most twice a second (a file write each)."""
        if self.progress:
            now = time.monotonic()
            if often and now - self._reported < 0.5:
                return
            self._reported = now
            self.progress(fraction, message)


class Abort(Exception):
    """All-or-nothing run with errors: roll back (the outcome holds the errors)."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__("import aborted")
        self.outcome = outcome


# --- database helpers -----------------------------------------------------------------------


def _stream(sql: str, params: list[Any], size: int = 20_000) -> Iterator[tuple[Any, ...]]:
    """Rows of a big query without holding them all (server-side cursor on PostgreSQL)."""
    with connection.chunked_cursor() as cur:
        cur.execute(sql, params)
        while True:
            rows = cur.fetchmany(size)
            if not rows:
                break
            yield from rows


def release_free_memory() -> None:
    """Give back what the process holds and does not use: this connection's SQLite page cache
    (its pages are read again from the file or its mapping when needed) and the heap's free
    pages (glibc keeps them otherwise).

    Called after a big run, so that a worker does not carry its peak into the next job, and
    before the row reader is forked: every inherited page this process changes afterwards (a
    cache page replaced, a freed object's memory reused) stays behind in the child as a copy
    of its own until it ends. On the 1M import bench a re-import's child grew to 456 MB that
    way, against 150 MB forked from a fresh process."""
    if connection.vendor == "sqlite" and connection.connection is not None:
        # On the driver's connection: no data is read, and it must work after a failed
        # statement too, when Django refuses queries until the rollback.
        connection.connection.execute("PRAGMA shrink_memory")
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(items)
    while True:
        chunk = list(itertools.islice(it, size))
        if not chunk:
            return
        yield chunk


def _select_in(
    sql: str, params: list[Any], column: str, values: list[Any]
) -> Iterator[tuple[Any, ...]]:
    """``sql AND column IN (...)`` in chunks small enough for SQLite's parameter limit."""
    for chunk in _chunks(values, 900):
        marks = ", ".join(["%s"] * len(chunk))
        with connection.cursor() as cur:
            cur.execute(f"{sql} AND {column} IN ({marks})", [*params, *chunk])
            yield from cur.fetchall()


def _db_date(value: dt.date | None) -> Any:
    return value.isoformat() if value is not None else None


def _as_date_value(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _parse_share(text: str, numbers: str) -> str:
    """A share in percent (more than 0, at most 100) as its key; ValueError otherwise."""
    d = parse_decimal(text, numbers)
    if not (Decimal(0) < d <= Decimal(100)):
        raise ValueError(text)
    return _share_key(d)


def _share_key(value: Any) -> str:
    if value is None or value == "":
        return ""
    return format(Decimal(str(value)).normalize(), "f")


def _executemany(sql: str, rows: list[tuple[Any, ...]]) -> None:
    if rows:
        with connection.cursor() as cur:
            cur.executemany(sql, rows)


def _update_by_id(table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """``UPDATE table SET columns WHERE id``; each row is (*values, id).

    SQLite: executemany (one cheap statement per row in process). PostgreSQL: the rows go by
    COPY into a temporary table and out with one UPDATE ... FROM, instead of a round trip per
    row.
    """
    if not rows:
        return
    if connection.vendor != "postgresql" or len(rows) < 50:
        sets = ", ".join(f"{c} = %s" for c in columns)
        _executemany(f"UPDATE {table} SET {sets} WHERE id = %s", rows)
        return
    cols = ", ".join(columns)
    with connection.cursor() as wrapper:
        cur = wrapper.cursor
        cur.execute("DROP TABLE IF EXISTS verbund_import_update")
        # The columns' own types, taken from the table.
        cur.execute(
            f"CREATE TEMPORARY TABLE verbund_import_update ON COMMIT DROP AS SELECT {cols}, id FROM {table} WITH NO DATA"
        )
        with cur.copy(f"COPY verbund_import_update ({cols}, id) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        sets = ", ".join(f"{c} = u.{c}" for c in columns)
        cur.execute(f"UPDATE {table} t SET {sets} FROM verbund_import_update u WHERE t.id = u.id")
        cur.execute("DROP TABLE verbund_import_update")


# --- party rows -----------------------------------------------------------------------------


def _check_kind(v: str) -> tuple[str, str | None]:
    if not v:
        return PartyKind.ORGANISATION, None
    k = KIND_VALUES.get(v.lower())
    return (k, None) if k is not None else (v, _("Unknown kind; use organisation or person."))


def _check_status(v: str) -> tuple[str, str | None]:
    if not v:
        return PartyStatus.CUSTOMER, None
    s = STATUS_VALUES.get(v.lower())
    return (s, None) if s is not None else (v, _("Unknown status."))


def _check_country(v: str) -> tuple[str, str | None]:
    v = v.upper() or "DE"
    if len(v) != 2 or not v.isalpha():
        return v, _("%(value)s is not an ISO 3166 country code.") % {"value": v}
    try:
        validate_country(v)
    except ValidationError as exc:
        return v, exc.messages[0]
    return v, None


def _check_vat_id(v: str) -> tuple[str, str | None]:
    v = v.replace(" ", "").upper()
    if v:
        try:
            validate_vat_id(v)
        except ValidationError as exc:
            return v, exc.messages[0]
    return v, None


def _check_lei(v: str) -> tuple[str, str | None]:
    v = v.upper()
    if v:
        try:
            validate_lei(v)
        except ValidationError as exc:
            return v, exc.messages[0]
    return v, None


def _check_email(v: str) -> tuple[str, str | None]:
    if v:
        try:
            validate_email(v)
        except ValidationError:
            return v, _("%(value)s is not an e-mail address.") % {"value": v}
    return v, None


class PartyRowChecker:
    """Turns one mapped row into normalised field values, naming every bad field."""

    # Fields whose few distinct values (kinds, countries ...) are checked once per value.
    MEMO_FIELDS = frozenset(("kind", "status", "country"))

    def __init__(self, fields: list[str], ctx: Context) -> None:
        self.fields = fields
        self.ctx = ctx
        checks: dict[str, Callable[[str], tuple[str, str | None]]] = {
            "kind": _check_kind,
            "status": _check_status,
            "country": _check_country,
            "vat_id": _check_vat_id,
            "lei": _check_lei,
            "email": _check_email,
            "birth_date": self._check_birth_date,
        }
        self.plan = [(f, checks.get(f), PARTY_CHAR_LIMITS.get(f)) for f in fields]
        self._memo: dict[tuple[str, str], tuple[str, str | None]] = {}

    def _check_birth_date(self, v: str) -> tuple[str, str | None]:
        if not v:
            return v, None
        try:
            return parse_date(v, self.ctx.dates).isoformat(), None
        except ValueError:
            return v, _("%(value)s is not a date (31.12.2025 or 2025-12-31).") % {"value": v}

    def clean(
        self, values: dict[str, str], row: int, key: str, report: Callable[[Issue], None]
    ) -> tuple[list[str], bool]:
        ok = True
        result: list[str] = []
        memo = self._memo
        for f, check, limit in self.plan:
            v = values.get(f)
            if v is None:
                # Absent (an API record without this key): keep what the party has.
                result.append(None)  # type: ignore[arg-type]
                continue
            if check is not None:
                if f in self.MEMO_FIELDS:
                    got = memo.get((f, v))
                    if got is None:
                        got = check(v)
                        if len(memo) < 10_000:
                            memo[(f, v)] = got
                else:
                    got = check(v)
                v, reason = got
                if reason is not None:
                    ok = False
                    report(Issue(row, f, v, reason, key))
            if limit and len(v) > limit:
                ok = False
                reason = _("Longer than %(limit)s characters.") % {"limit": limit}
                report(Issue(row, f, v, reason, key))
            result.append(v)
        return result, ok


class _PartyRows:
    """The per-row work that needs no state of the run: map, check, normalise, derive.

    Pure, so that big files can run it in a second process (``interfaces.pipeline``) while
    this one compares and writes. Yields per row ``(row, key, cleaned, issues or None, name_issue,
    has_name_columns, share, parent, main_address, derived)``; ``cleaned`` is None when the
    key itself is unusable, ``derived`` the search columns without the number
    (``demo.bulk.search_pieces``) when the row is complete and valid and ``derive`` is on.
    """

    def __init__(
        self, columns: dict[str, str], fields: list[str], ctx: Context, derive: bool = True
    ) -> None:
        self.col_items = list(columns.items())
        # Only worth it when most rows are new: for an unchanged row it is a third of its cost
        # (the writer derives what it creates when the stage did not).
        self.eager_derive = derive
        self.mapped = set(columns.values())
        self.fields = fields
        self.has_share = "parent_share" in self.mapped
        self.numbers = ctx.numbers
        self.checker = PartyRowChecker(fields, ctx)
        pos = {f: i for i, f in enumerate(fields)}
        self._pos = [
            pos.get(f)
            for f in ("kind", "name", "first_name", "last_name", "name2", "city", "postcode")
        ] + [pos.get("vat_id")]

    def derive(self, cleaned: list[str]) -> tuple[str, str, str]:
        p_kind, p_name, p_first, p_last, p_name2, p_city, p_pc, p_vat = self._pos

        def at(p: int | None, default: str = "") -> str:
            return cleaned[p] if p is not None else default

        name = at(p_name)
        if at(p_kind, PartyKind.ORGANISATION) == "person" and not name:
            name = " ".join(x for x in (at(p_first), at(p_last)) if x)
        return search_pieces(name, at(p_name2), at(p_city), at(p_pc), at(p_vat))

    def __call__(self, rows: Iterable[tuple[int, dict[str, str]]]) -> Iterator[tuple[Any, ...]]:
        col_items, checker, mapped = self.col_items, self.checker, self.mapped
        for row_no, raw in rows:
            values = {f: raw[c].strip() for c, f in col_items if c in raw}
            key = values.get("external_id", "")
            if not key or len(key) > 64:
                issue = (
                    Issue(row_no, "external_id", "", _("The external id is empty."))
                    if not key
                    else Issue(row_no, "external_id", key,
                               _("Longer than %(limit)s characters.") % {"limit": 64}, key)
                )  # fmt: skip
                yield row_no, key, None, [issue], None, False, None, None, None, None
                continue
            issues: list[Issue] = []
            cleaned, ok = checker.clean(values, row_no, key, issues.append)
            name_issue = None
            if ok:
                kind = values.get("kind", "") if "kind" in mapped else "organisation"
                kind_v = KIND_VALUES.get(kind.lower(), "organisation") if kind else "organisation"
                if kind_v == PartyKind.PERSON:
                    if not (values.get("last_name") or values.get("name")):
                        name_issue = Issue(
                            row_no, "last_name", "", _("A person needs a last name."), key
                        )
                elif not values.get("name"):
                    name_issue = Issue(row_no, "name", "", _("An organisation needs a name."), key)
            share = values.get("parent_share", "") if self.has_share else None
            if share:
                try:
                    share = _parse_share(share, self.numbers)
                except ValueError:
                    issues.append(Issue(row_no, "parent_share", share,
                                        _("A share must be a number more than 0 and at most 100."), key))  # fmt: skip
            derived = None
            if self.eager_derive and not issues and name_issue is None and None not in cleaned:
                derived = self.derive(cleaned)
            yield (
                row_no,
                key,
                cleaned,
                issues or None,  # one object less to pickle per good row
                name_issue,
                "name" in values or "last_name" in values,
                share,
                values.get("parent"),
                values.get("main_address"),
                derived,
            )


@dataclass(slots=True)
class _PendingRef:
    row: int
    key: str
    party_id: int
    created: bool
    parent: str | None
    share: str | None
    main: str | None


def import_parties(
    rows: Iterator[tuple[int, dict[str, str]]],
    columns: dict[str, str],
    ctx: Context,
    total_hint: Callable[[], float] | None = None,
    initial_errors: list[Issue] | None = None,
    keys_hint: set[str] | None = None,
    rebuild_indexes: bool = False,
    parallel: bool = False,
) -> Outcome:
    """Upsert parties of ``ctx.source`` from mapped rows; caller holds the transaction.

    ``parallel``: read, check and normalise the rows in a second process (big files).
    Raises :class:`Abort` when the run must roll back (all-or-nothing with errors).
    """
    fields = [f for f in PARTY_COLUMNS_ORDER if f in set(columns.values())]
    # A fork copies only the calling thread: with other threads running (the job thread of a
    # web server, its request threads) a lock one of them held would stay locked in the child.
    if not (parallel and hasattr(os, "fork") and threading.active_count() == 1):
        return _import_parties(
            None, rows, columns, fields, ctx, total_hint, initial_errors, keys_hint, rebuild_indexes
        )
    # Big files: the rows are read and checked in a forked child from the start, so that its
    # work overlaps this process's reading of what the source already holds as well as the
    # comparing and writing. The search columns are derived there only for a source that holds
    # nothing yet (a first load): for an unchanged row they would be a third of its cost, and
    # the writer derives what it creates when the stage did not.
    stage = _PartyRows(
        columns, fields, ctx, derive=not Party.objects.filter(erp_source=ctx.source).exists()
    )
    # Forked before the bulk writer's thread exists; the child gets the stream as it is.
    release_free_memory()
    forked = Forked(lambda: stage(rows), total_hint)
    try:
        return _import_parties(
            forked, rows, columns, fields, ctx, forked.progress, initial_errors, keys_hint,
            rebuild_indexes,
        )  # fmt: skip
    finally:
        forked.close()  # a no-op once the rows were read to the end


def _import_parties(
    checked: Iterable[tuple[Any, ...]] | None,
    rows: Iterator[tuple[int, dict[str, str]]],
    columns: dict[str, str],
    fields: list[str],
    ctx: Context,
    total_hint: Callable[[], float] | None,
    initial_errors: list[Issue] | None,
    keys_hint: set[str] | None,
    rebuild_indexes: bool,
) -> Outcome:
    """``import_parties`` with the rows checked already (``checked``) or still to check."""
    out = Outcome(outcomes={} if ctx.track_outcomes else None)
    mapped = set(columns.values())
    atomic = not ctx.skip_invalid
    now = timezone.now()
    now_db = connection.ops.adapt_datetimefield_value(now)
    bulk = BulkLoad()
    writes = _PartyInsert(bulk, fields, ctx.source)

    # 1. What the source already holds: external id -> (id, hash of the mapped values).
    keys: dict[str, int] = {}
    ids = array("q")
    hashes = array("q")
    merged: dict[int, int] = {}
    # Small batches keep the stored values, so absent keys can keep them.
    ex_values: list[tuple[Any, ...]] | None = [] if keys_hint is not None else None
    select_cols = ", ".join(["id", "erp_id", "merged_into_id", *fields])
    date_pos = [i for i, f in enumerate(fields) if f == "birth_date"]
    base_sql = f"SELECT {select_cols} FROM {PT} WHERE erp_source = %s"
    existing_rows: Iterable[tuple[Any, ...]]
    if keys_hint is not None and not ctx.full:
        existing_rows = _select_in(base_sql, [ctx.source], "erp_id", sorted(keys_hint))
    else:
        existing_rows = _stream(base_sql, [ctx.source])
    for rec in existing_rows:
        vals = rec[3:]
        if date_pos:
            vals = tuple(_text(v) if i in date_pos else (v or "") for i, v in enumerate(vals))
        else:
            vals = tuple(v or "" for v in vals)
        keys[rec[1]] = len(ids)
        ids.append(rec[0])
        hashes.append(hash(vals))
        if ex_values is not None:
            ex_values.append(vals)
        if rec[2]:
            merged[len(ids) - 1] = rec[2]
    if merged:
        _redirect_merged(merged, ids, hashes, fields, date_pos)
    # The import's current links by child, so unchanged references cost nothing more.
    link_specs: list[
        tuple[str, RelationshipType, str, str, dict[int, tuple[int, int, dt.date | None, str]]]
    ] = []
    for fname, type_key, rsource, suffix in (
        ("parent", "group", RelationshipSource.ERP, "parent"),
        ("main_address", "settlement", RelationshipSource.SETTLEMENT, "main"),
    ):
        if fname in mapped:
            rtype = RelationshipType.objects.get(key=type_key)
            ext_ref = f"{ctx.source}/{suffix}"
            current = _managed_links(
                rtype.pk, ext_ref, ctx.today, list(ids) if keys_hint is not None else None
            )
            link_specs.append((fname, rtype, rsource, ext_ref, current))
    ctx.report_progress(0.02, _("Existing records loaded"))

    # 2. Stream the rows.
    seen_row = array("l", [0]) * len(ids)
    seen_new: dict[str, int] = {}
    new_row = array("l")
    new_id = array("q")
    invalid: set[str] = set()
    refs: list[_PendingRef] = []
    create_buf: list[tuple[str, list[str], int, tuple[str, str, str] | None]] = []
    update_buf: list[tuple[int, list[str], str, int]] = []
    merged_targets: dict[int, int] = {}
    failed = False
    for issue in initial_errors or ():
        out.error(issue)
        failed = True
        if issue.key:
            invalid.add(issue.key)
    n = 0

    created_pos = array("l")

    def flush() -> Iterator[list[Any]]:
        if (failed and atomic) or (not create_buf and not update_buf):
            create_buf.clear()
            update_buf.clear()
            return
        if update_buf:
            with bulk.db_lock:  # the bulk writer may be writing the previous chunk
                _update_parties(update_buf, fields, now_db, out)
            update_buf.clear()
        if create_buf:
            prepared = writes.prepare(create_buf)
            created_pos.extend([seen_new[key] for key, _cleaned, _row, _derived in create_buf])
            if out.outcomes is not None:
                for key, _cleaned, _row, _derived in create_buf:
                    out.outcome(key, "created")
            out.counts["created"] += len(create_buf)
            create_buf.clear()
            yield from prepared

    if checked is None:
        checked = _PartyRows(columns, fields, ctx, derive=not ids)(rows)

    def produce() -> Iterator[list[Any]]:
        nonlocal failed, n
        for (
            row_no,
            key,
            cleaned,
            issues,
            name_issue,
            has_name_columns,
            share,
            parent_ext,
            main_ext,
            derived,
        ) in checked:
            n += 1
            if cleaned is None:
                for issue in issues:
                    out.error(issue)
                failed = True
                continue
            idx = keys.get(key)
            if idx is not None:
                first = seen_row[idx] or None
            else:
                pos = seen_new.get(key)
                first = new_row[pos] if pos is not None else None
            if first is not None:
                out.error(
                    Issue(
                        row_no,
                        "external_id",
                        key,
                        _("The external id %(key)s appears twice: rows %(first)s and %(row)s.")
                        % {"key": key, "first": first, "row": row_no},
                        key,
                    )
                )
                failed = True
                invalid.add(key)
                continue
            if idx is not None:
                seen_row[idx] = row_no
            else:
                seen_new[key] = len(new_row)
                new_row.append(row_no)
                new_id.append(0)
            if name_issue is not None and (idx is None or has_name_columns):
                # Set only for rows whose fields are clean: it comes before a share problem.
                issues = [name_issue, *(issues or ())]
            if issues:
                for issue in issues:
                    out.error(issue)
                failed = True
                invalid.add(key)
                continue
            if None in cleaned:
                if idx is not None and ex_values is not None:
                    stored = ex_values[idx]
                    cleaned = [stored[i] if v is None else v for i, v in enumerate(cleaned)]
                else:
                    cleaned = [
                        CREATE_DEFAULTS.get(f, "") if v is None else v
                        for f, v in zip(fields, cleaned, strict=True)
                    ]
            if idx is None:
                create_buf.append((key, cleaned, row_no, derived))
                created = True
                pid = 0
            else:
                pid = ids[idx]
                created = False
                if idx in merged:
                    other = merged_targets.get(pid)
                    if other is not None:
                        out.error(
                            Issue(
                                row_no,
                                "external_id",
                                key,
                                _("Rows %(a)s and %(b)s both describe party %(id)s (merged).")
                                % {"a": other, "b": row_no, "id": pid},
                                key,
                            )
                        )
                        failed = True
                        continue
                    merged_targets[pid] = row_no
                if hashes[idx] == hash(tuple(cleaned)):
                    out.counts["unchanged"] += 1
                    out.outcome(key, "unchanged")
                else:
                    update_buf.append((pid, cleaned, key, row_no))
            if link_specs:
                need = False
                for fname, _rtype, _rsource, _ref, current in link_specs:
                    want = parent_ext if fname == "parent" else main_ext
                    if want is None:
                        continue
                    cur = current.get(pid) if not created else None
                    if not want:
                        need = need or cur is not None
                        continue
                    if cur is not None:
                        j = keys.get(want)
                        if (
                            j is not None
                            and ids[j] == cur[1]
                            and (fname != "parent" or cur[3] == (share or ""))
                        ):
                            continue
                    need = True
                if need:
                    refs.append(
                        _PendingRef(
                            row_no,
                            key,
                            pid,
                            created,
                            parent_ext,
                            share,
                            main_ext,
                        )
                    )
            if len(create_buf) >= CHUNK or len(update_buf) >= CHUNK:
                yield from flush()
                if total_hint:
                    ctx.report_progress(
                        0.02 + 0.6 * total_hint(),
                        _("%(n)s rows read") % {"n": f"{n:,}"},
                        often=True,
                    )
        yield from flush()

    # One insert for all new parties: the writer chunks it, and may rebuild the indexes.
    created_ids = bulk.insert_parties(
        produce(),
        writes.columns,
        derive=False,
        rebuild_indexes=rebuild_indexes,
        constants=writes.constants,
    )
    bulk.release_numbers()
    out.party_ids.append(created_ids)
    for k, pid in enumerate(created_ids):
        new_id[created_pos[k]] = pid
    out.counts["rows"] = n
    if n == 0:
        out.error(Issue(0, "", "", _("The file has no data rows.")))
        raise Abort(out)
    if failed and atomic:
        raise Abort(out)
    ctx.report_progress(0.65, _("Resolving references"))

    # Newly created ids for pending references.
    for ref in refs:
        if ref.created:
            pos = seen_new.get(ref.key)
            ref.party_id = new_id[pos] if pos is not None else 0

    def resolve(ext: str) -> int | None:
        pos = seen_new.get(ext)
        if pos is not None and new_id[pos]:
            return new_id[pos]
        i = keys.get(ext)
        return ids[i] if i is not None else None

    # 3. Links from parent / main-address fields.
    if refs:
        changes: list[LinkChange] = []
        for fname, rtype, link_source, ext_ref, current in link_specs:
            for ref in refs:
                target_ext = ref.parent if fname == "parent" else ref.main
                if target_ext is None or ref.party_id == 0:
                    continue
                target = None
                if target_ext:
                    if target_ext in invalid:
                        out.error(
                            Issue(
                                ref.row,
                                fname,
                                target_ext,
                                _("Refers to %(key)s, whose own row is invalid.")
                                % {"key": target_ext},
                                ref.key,
                            )
                        )
                        continue
                    target = resolve(target_ext)
                    if target is None:
                        out.error(
                            Issue(
                                ref.row,
                                fname,
                                target_ext,
                                _(
                                    "No party with external id %(key)s in the file or in source %(source)s."
                                )
                                % {"key": target_ext, "source": ctx.source},
                                ref.key,
                            )
                        )
                        continue
                    if target == ref.party_id:
                        out.error(
                            Issue(
                                ref.row,
                                fname,
                                target_ext,
                                _("A party cannot refer to itself."),
                                ref.key,
                            )
                        )
                        continue
                cur = current.get(ref.party_id)
                share = (ref.share or "") if fname == "parent" else ""
                if (
                    cur is not None
                    and target is not None
                    and cur[1] == target
                    and (fname != "parent" or cur[3] == share)
                ):
                    continue
                if cur is None and target is None:
                    continue
                changes.append(
                    LinkChange(
                        ref.row,
                        ref.key,
                        rtype,
                        ref.party_id,
                        target,
                        cur,
                        share or None,
                        link_source,
                        ext_ref,
                        ref.created,
                    )
                )
        refs.clear()
        _apply_link_changes(changes, ctx, out, atomic, rebuild_indexes=rebuild_indexes)

    # 4. Full sync: archive what the source no longer sends.
    if ctx.full:
        gone = [(k, ids[i]) for k, i in keys.items() if not seen_row[i]]
        if gone:
            _archive(gone, out, now_db)
    if out.counts["errors"] and atomic:
        raise Abort(out)
    return out


# The order of the link tuples written in bulk: the table's own, so they pass through as they are.
REL_ORDER = (
    "type_id",
    "from_party_id",
    "to_party_id",
    "valid_from",
    "valid_to",
    "share",
    "source",
    "external_ref",
    "note",
    "created_at",
    "updated_at",
)
assert REL_ORDER == RELATIONSHIP_COLUMNS, "link tuples must follow the table's columns"
CREATE_DEFAULTS = {"kind": PartyKind.ORGANISATION, "status": PartyStatus.CUSTOMER, "country": "DE"}
PARTY_COLUMNS_ORDER = [
    "kind", "name", "name2", "name3", "legal_form", "salutation", "title", "first_name", "last_name",
    "position", "birth_date", "street", "postcode", "city", "country", "vat_id", "lei",
    "register_number", "phone", "email", "website", "status",
]  # fmt: skip


def _redirect_merged(
    merged: dict[int, int],
    ids: array[int],
    hashes: array[int],
    fields: list[str],
    date_pos: list[int],
) -> None:
    """Keys of merged parties point to the survivor (following chains of merges)."""
    survivor: dict[int, int] = {}
    pending = set(merged.values())
    parent_of: dict[int, int | None] = {}
    while pending:
        found = dict(Party.objects.filter(pk__in=pending).values_list("pk", "merged_into_id"))
        parent_of.update(found)
        pending = {v for v in found.values() if v and v not in parent_of}
    for idx, target in merged.items():
        hops = 0
        while parent_of.get(target) and hops < 100:
            target = parent_of[target]  # type: ignore[assignment]
            hops += 1
        survivor[idx] = target
    rows = Party.objects.filter(pk__in=set(survivor.values())).values_list("pk", *fields)
    by_id = {}
    for rec in rows:
        vals = tuple(_text(v) if i in date_pos else (v or "") for i, v in enumerate(rec[1:]))
        by_id[rec[0]] = hash(vals)
    for idx, target in survivor.items():
        ids[idx] = target
        hashes[idx] = by_id.get(target, 0)


class _PartyInsert:
    """How a run writes the parties it creates: the mapped fields, the key, the number and the
    search columns per row; every other column is the same for all rows (its default, the
    source, the run's timestamps) and goes to the bulk writer once, as a constant."""

    def __init__(self, bulk: BulkLoad, fields: list[str], source: str) -> None:
        self.bulk = bulk
        extra = ["erp_id", "number", "search_text", "phonetic"]
        self.extra_name = "name" not in fields  # a person's name comes from first and last
        if self.extra_name:
            extra.append("name")
        self.columns = (*fields, *extra)
        defaults = {
            f.column: (f.get_default() if f.has_default() else (None if f.null else ""))
            for f in Party._meta.concrete_fields
        }
        self.constants = {c: defaults.get(c) for c in PARTY_COLUMNS if c not in self.columns}
        self.constants.update(created_at=bulk.now_db, updated_at=bulk.now_db, erp_source=source)
        pos = {f: i for i, f in enumerate(fields)}
        self._pos = [
            pos.get(f)
            for f in (
                "kind",
                "name",
                "first_name",
                "last_name",
                "name2",
                "city",
                "postcode",
                "vat_id",
                "birth_date",
            )
        ]
        self.default_kind = defaults["kind"]

    def prepare(
        self, buf: list[tuple[str, list[str], int, tuple[str, str, str] | None]]
    ) -> list[list[Any]]:
        """Rows of ``columns`` for the bulk writer (numbers reserved, search columns filled)."""
        p_kind, p_name, p_first, p_last, p_name2, p_city, p_pc, p_vat, p_birth = self._pos
        extra_name, default_kind = self.extra_name, self.default_kind
        prepared: list[list[Any]] = []
        first_number = self.bulk.take_numbers(len(buf))
        for k, (key, cleaned, _row, derived) in enumerate(buf):
            row: list[Any] = list(cleaned)
            number = str(first_number + k)
            name = row[p_name] if p_name is not None else ""
            if not name and (row[p_kind] if p_kind is not None else default_kind) == "person":
                name = " ".join(row[i] for i in (p_first, p_last) if i is not None and row[i])
                if p_name is not None:
                    row[p_name] = name
            if derived is not None:
                st, ph = search_text_with(derived[0], number, derived[1]), derived[2]
            else:
                st, ph = derive_search_columns(
                    name,
                    row[p_name2] if p_name2 is not None else "",
                    number,
                    row[p_city] if p_city is not None else "",
                    row[p_pc] if p_pc is not None else "",
                    row[p_vat] if p_vat is not None else "",
                )
            if p_birth is not None and not row[p_birth]:
                row[p_birth] = None
            row += (key, number, st, ph, name) if extra_name else (key, number, st, ph)
            prepared.append(row)
        return prepared


def _update_parties(
    buf: list[tuple[int, list[str], str, int]], fields: list[str], now_db: Any, out: Outcome
) -> None:
    derive_cols = [
        "kind",
        "name",
        "name2",
        "number",
        "city",
        "postcode",
        "vat_id",
        "first_name",
        "last_name",
    ]
    want = list(dict.fromkeys([*derive_cols, *fields]))
    current: dict[int, dict[str, Any]] = {}
    for rec in Party.objects.filter(pk__in=[b[0] for b in buf]).values("pk", *want):
        current[rec["pk"]] = rec
    set_cols = [*fields, "search_text", "phonetic", "updated_at"]
    params = []
    for pid, cleaned, key, row_no in buf:
        cur = current.get(pid)
        if cur is None:
            continue
        new = dict(cur)
        changed = {}
        for f, v in zip(fields, cleaned, strict=True):
            old = _text(cur.get(f))
            if old != v:
                changed[f] = [old, v]
            new[f] = v
        if new["kind"] == "person" and not new["name"]:
            new["name"] = " ".join(p for p in (new["first_name"], new["last_name"]) if p)
        st, ph = derive_search_columns(
            new["name"], new["name2"], new["number"], new["city"], new["postcode"], new["vat_id"]
        )
        vals = [
            None if (f == "birth_date" and not v) else v
            for f, v in zip(fields, cleaned, strict=True)
        ]
        params.append((*vals, st, ph, now_db, pid))
        out.counts["updated"] += 1
        out.updated_ids.append(pid)
        out.outcome(key, "updated")
        if len(out.diffs) < SAMPLE:
            out.diffs.append({"row": row_no, "key": key, "party": pid, "changes": changed})
        out.note_summary({"party": pid, "key": key, "action": "updated", "fields": sorted(changed)})
    _update_by_id(PT, set_cols, params)


def _archive(gone: list[tuple[str, int]], out: Outcome, now_db: Any) -> None:
    active: set[int] = set()
    for chunk in _chunks([pid for _k, pid in gone], 900):
        active.update(
            Party.objects.filter(
                pk__in=chunk, archived=False, merged_into__isnull=True
            ).values_list("pk", flat=True)
        )
    todo = [(k, pid) for k, pid in gone if pid in active]
    _update_by_id(PT, ["archived", "updated_at"], [(True, now_db, pid) for _k, pid in todo])
    for k, pid in todo:
        out.archived.append(k)
        out.outcome(k, "archived")
        out.note_summary({"party": pid, "key": k, "action": "archived"})
    out.counts["archived"] += len(todo)


# --- links ----------------------------------------------------------------------------------


@dataclass(slots=True)
class LinkChange:
    """Replace the import's current link of ``child`` (``current``) by one to ``target``.

    ``current`` is (rel id, to id, valid_from, share) or None; ``target`` None ends it.
    """

    row: int
    key: str
    rtype: RelationshipType
    child: int
    target: int | None
    current: tuple[int, int, dt.date | None, str] | None
    share: str | None
    source: str
    external_ref: str
    child_created: bool
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    note: str = ""
    # Only the link's dates/share change: update in place (relationship files).
    in_place: bool = False


def _managed_links(
    type_id: int, external_ref: str, today: dt.date, child_ids: list[int] | None
) -> dict[int, tuple[int, int, dt.date | None, str]]:
    """The import's links of one kind that are valid today or later, by child."""
    sql = f"SELECT from_party_id, id, to_party_id, valid_from, share FROM {RT} WHERE type_id = %s AND external_ref = %s AND (valid_to IS NULL OR valid_to >= %s)"
    result: dict[int, tuple[int, int, dt.date | None, str]] = {}
    if child_ids is None:
        for rec in _stream(sql, [type_id, external_ref, today]):
            result[rec[0]] = (rec[1], rec[2], _as_date_value(rec[3]), _share_key(rec[4]))
        return result
    for chunk in _chunks(child_ids, 900):
        marks = ", ".join(["%s"] * len(chunk))
        with connection.cursor() as cur:
            cur.execute(
                sql + f" AND from_party_id IN ({marks})", [type_id, external_ref, today, *chunk]
            )
            for rec in cur.fetchall():
                result[rec[0]] = (rec[1], rec[2], _as_date_value(rec[3]), _share_key(rec[4]))
    return result


class ParentMap:
    """Current parents of one hierarchy type (links valid today or later), loaded whole or lazily."""

    def __init__(self, type_id: int, today: dt.date, whole: bool) -> None:
        self.type_id = type_id
        self.today = today
        self.parent: dict[int, int] = {}
        self.loaded: set[int] = set()
        self.whole = whole
        self._sql = f"SELECT from_party_id, to_party_id FROM {RT} WHERE type_id = %s AND (valid_to IS NULL OR valid_to >= %s)"
        if whole:
            for child, parent in _stream(self._sql, [type_id, today]):
                self.parent[child] = parent

    def load(self, nodes: Iterable[int]) -> None:
        if self.whole:
            return
        todo = [n for n in set(nodes) if n not in self.loaded]
        for chunk in _chunks(todo, 900):
            marks = ", ".join(["%s"] * len(chunk))
            with connection.cursor() as cur:
                cur.execute(
                    self._sql + f" AND from_party_id IN ({marks})",
                    [self.type_id, self.today, *chunk],
                )
                for child, parent in cur.fetchall():
                    self.parent[child] = parent
            self.loaded.update(chunk)

    def get(self, node: int) -> int | None:
        return self.parent.get(node)


def _names(ids: Iterable[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    for chunk in _chunks(list(set(ids)), 900):
        for pk, name, ext in Party.objects.filter(pk__in=chunk).values_list("pk", "name", "erp_id"):
            out[pk] = f"{name} ({ext})" if ext else name
    return out


def check_hierarchy(changes: list[LinkChange], ctx: Context, out: Outcome) -> set[int]:
    """Second parents and cycles the batch would create, against the current parents.

    Returns the indexes of the changes that fail (each reported with its path)."""
    bad: set[int] = set()
    by_type: dict[int, list[int]] = {}
    for i, ch in enumerate(changes):
        if ch.rtype.structure == Structure.HIERARCHY:
            by_type.setdefault(ch.rtype.pk, []).append(i)
    for type_id, idxs in by_type.items():
        rtype = changes[idxs[0]].rtype
        hierarchy_engine.lock_for_write(rtype, [])
        pm = ParentMap(type_id, ctx.today, whole=len(idxs) > WHOLE_SOURCE)
        children = [changes[i].child for i in idxs]
        pm.load(children)
        # Remove the links the batch ends or replaces, then add the new ones.
        for i in idxs:
            ch = changes[i]
            if ch.current is not None and pm.parent.get(ch.child) == ch.current[1]:
                del pm.parent[ch.child]
        new_parent: dict[int, int] = {}
        for i in idxs:
            ch = changes[i]
            if ch.target is None or (ch.valid_to is not None and ch.valid_to < ctx.today):
                continue
            existing = pm.parent.get(ch.child)
            if existing is not None and existing != ch.target:
                names = _names([ch.child, existing, ch.target])
                out.error(Issue(ch.row, "to", names.get(ch.target, str(ch.target)),
                                _("%(child)s already has a parent in %(type)s: %(parent)s; a party has one parent at a time.")
                                % {"child": names.get(ch.child), "type": rtype.name, "parent": names.get(existing)}, ch.key))  # fmt: skip
                bad.add(i)
                continue
            if ch.child in new_parent and new_parent[ch.child] != ch.target:
                bad.add(i)
                names = _names([ch.child, ch.target, new_parent[ch.child]])
                out.error(Issue(ch.row, "to", names.get(ch.target, ""), _("%(child)s gets two parents in %(type)s in this batch: %(a)s and %(b)s.")
                                % {"child": names.get(ch.child), "type": rtype.name, "a": names.get(new_parent[ch.child]), "b": names.get(ch.target)}, ch.key))  # fmt: skip
                continue
            new_parent[ch.child] = ch.target
            pm.parent[ch.child] = ch.target
        # Cycles: walk up from every child that got a new parent, level by level.
        ok: set[int] = set()
        reported: set[frozenset[int]] = set()
        starts = list(new_parent)
        for lo in range(0, len(starts), 50_000):
            walkers = {c: [c] for c in starts[lo : lo + 50_000] if c not in ok}
            while walkers:
                pm.load(path[-1] for path in walkers.values())
                nxt: dict[int, list[int]] = {}
                for start, path in walkers.items():
                    node = path[-1]
                    up = pm.get(node)
                    if up is None or up in ok:
                        ok.update(path)
                        continue
                    if up == start or up in path:
                        loop = [*path[path.index(up) :], up] if up in path else [*path, up]
                        ring = frozenset(loop)
                        if ring not in reported:
                            reported.add(ring)
                            names = _names(loop)
                            text = " → ".join(names.get(p, str(p)) for p in loop)
                            for i in idxs:
                                if changes[i].child in ring and changes[i].child in new_parent:
                                    bad.add(i)
                                    out.error(Issue(changes[i].row, "to", names.get(changes[i].target or 0, ""),
                                                    _("This link would close a cycle in %(type)s: %(path)s") % {"type": rtype.name, "path": text}, changes[i].key))  # fmt: skip
                        continue
                    if len(path) > 10_000:
                        continue
                    nxt[start] = [*path, up]
                walkers = nxt
    return bad


class _LinkWriter:
    """One apply run's relationship writes, shared by group files and relationship files.

    ``write(rows)`` streams the new links (tuples from ``create``) through one bulk insert, so
    a large import never holds them all and preparing them overlaps with writing them; ends
    and in-place updates are collected meanwhile and written by ``finish``. ``create`` and
    ``end`` count into ``out``; what the caller reports besides differs per file kind.
    """

    def __init__(self, out: Outcome, rebuild_indexes: bool = False) -> None:
        self.out = out
        self.rebuild_indexes = rebuild_indexes
        self.now_db = connection.ops.adapt_datetimefield_value(timezone.now())
        self.ends: list[tuple[Any, Any, int]] = []
        self.updates: list[tuple[Any, ...]] = []

    def update(self, link_id: int, *values: Any) -> None:
        """Change the link in place; ``values`` follow the columns given to ``finish``."""
        self.updates.append((*values, self.now_db, link_id))

    def end(self, link_id: int, on: dt.date) -> None:
        self.ends.append((_db_date(on), self.now_db, link_id))
        self.out.counts["links_ended"] += 1

    def create(self, ch: LinkChange, target: int, valid_from: dt.date | None) -> tuple[Any, ...]:
        frm, to = ch.child, target
        if ch.rtype.symmetric and frm > to:
            frm, to = to, frm
        self.out.counts["links_created"] += 1
        return (
            ch.rtype.pk,
            frm,
            to,
            _db_date(valid_from),
            _db_date(ch.valid_to),
            ch.share or None,
            ch.source,
            ch.external_ref,
            ch.note,
            self.now_db,
            self.now_db,
        )

    def write(self, rows: Iterator[tuple[Any, ...]]) -> None:
        BulkLoad().insert_relationships(
            rows, REL_ORDER, complete=True, rebuild_indexes=self.rebuild_indexes
        )

    def touch(self, ch: LinkChange) -> None:
        """Mark the hierarchy the change belongs to for the closure rebuild after the import."""
        if ch.rtype.structure == Structure.HIERARCHY:
            self.out.hierarchy_types.add(ch.rtype.key)
            if not self.out.touched_many:
                self.out.touched.add((ch.rtype.pk, ch.child))
                if len(self.out.touched) > TOUCH_LIMIT:
                    self.out.touched_many = True
                    self.out.touched.clear()

    def finish(self, update_columns: tuple[str, ...]) -> None:
        _update_by_id(RT, ["valid_to", "updated_at"], self.ends)
        _update_by_id(RT, [*update_columns, "updated_at"], self.updates)


def _apply_link_changes(
    changes: list[LinkChange],
    ctx: Context,
    out: Outcome,
    atomic: bool,
    rebuild_indexes: bool = False,
) -> None:
    """Write the link changes of a party file. ``rebuild_indexes``: a first load, whose links
    are written into a relationship table that holds few rows, with its indexes built after."""
    if not changes:
        return
    bad = check_hierarchy(changes, ctx, out)
    if bad and atomic:
        raise Abort(out)
    today = ctx.today
    yesterday = today - dt.timedelta(days=1)
    writer = _LinkWriter(out, rebuild_indexes=rebuild_indexes)

    def creates() -> Iterator[tuple[Any, ...]]:
        for i, ch in enumerate(changes):
            if i in bad:
                continue
            start: dt.date | None = None if ch.child_created else today
            if ch.in_place and ch.current is not None:
                writer.update(
                    ch.current[0], _db_date(ch.valid_from), _db_date(ch.valid_to), ch.share
                )
                out.counts["links_updated"] = out.counts.get("links_updated", 0) + 1
                continue
            if ch.current is not None:
                cur_from = ch.current[2]
                end = yesterday
                if cur_from is not None and cur_from >= today:
                    # A link that began today ends today; its successor starts tomorrow.
                    end = cur_from
                    start = cur_from + dt.timedelta(days=1)
                writer.end(ch.current[0], end)
                if len(out.ended) < SUMMARY_LIMIT:
                    out.ended.append(f"{ch.key}: {ch.rtype.key} -> #{ch.current[1]}")
            writer.touch(ch)
            if ch.target is not None:
                yield writer.create(ch, ch.target, start)

    writer.write(creates())
    writer.finish(("valid_from", "valid_to", "share"))
    if out.counts["errors"] and atomic:
        raise Abort(out)


# --- relationship rows ----------------------------------------------------------------------

_KEY_SAFE = re.compile(r"\s+")


class _RelationshipRows:
    """The per-row work of a relationship file that needs no state of the run: map, check the
    type, parties, dates and share. Pure, so that big files can run it in a second process
    (``interfaces.pipeline``) while this one reads what the database holds. Yields per row
    ``(row, key, ext, type key, from, to, valid_from, valid_to, share, note, issues or None)``;
    the type key is None when the row has no usable type.
    """

    def __init__(
        self,
        columns: dict[str, str],
        ctx: Context,
        types: dict[str, RelationshipType],
        aliases: dict[str, str],
        prefix: str,
    ) -> None:
        self.col_items = list(columns.items())
        self.ctx = ctx
        self.types = types
        self.aliases = aliases
        self.prefix = prefix

    def __call__(self, rows: Iterable[tuple[int, dict[str, str]]]) -> Iterator[tuple[Any, ...]]:
        col_items, types, aliases, prefix, ctx = (
            self.col_items, self.types, self.aliases, self.prefix, self.ctx,
        )  # fmt: skip
        date_memo: dict[str, dt.date] = {}
        for row_no, raw in rows:
            v = {f: raw.get(c, "").strip() for c, f in col_items}
            type_text = v.get("type", "")
            rtype = types.get(aliases.get(type_text.upper(), type_text)) or types.get(
                type_text.lower()
            )
            frm, to = v.get("from", ""), v.get("to", "")
            ext = v.get("external_id", "") or f"{rtype.key if rtype else type_text}:{frm}:{to}"
            key = prefix + ext
            if len(key) > 128:
                issue = Issue(
                    row_no,
                    "external_id",
                    ext,
                    _("Longer than %(limit)s characters.") % {"limit": 128 - len(prefix)},
                    ext,
                )
                yield row_no, None, ext, None, frm, to, None, None, None, "", [issue]
                continue
            issues: list[Issue] = []

            def bad(
                f: str,
                value: str,
                reason: str,
                ext: str = ext,
                row_no: int = row_no,
                issues: list[Issue] = issues,
            ) -> None:
                issues.append(Issue(row_no, f, value, reason, ext))

            if rtype is None:
                bad("type", type_text, _("Unknown relationship type."))
            elif not rtype.active:
                bad(
                    "type",
                    type_text,
                    _("Type %(name)s is inactive and takes no new relationships.")
                    % {"name": rtype.name},
                )
            if not frm:
                bad("from", frm, _("Empty."))
            if not to:
                bad("to", to, _("Empty."))
            if frm and frm == to:
                bad("to", to, _("A party cannot be related to itself."))
            dates: dict[str, dt.date | None] = {}
            for f in ("valid_from", "valid_to"):
                text = v.get(f, "")
                dates[f] = None
                if text:
                    try:
                        # Files repeat their dates: each text is parsed once.
                        day = date_memo.get(text)
                        if day is None:
                            day = parse_date(text, ctx.dates)
                            if len(date_memo) < 100_000:
                                date_memo[text] = day
                        dates[f] = day
                    except ValueError:
                        bad(
                            f,
                            text,
                            _("%(value)s is not a date (31.12.2025 or 2025-12-31).")
                            % {"value": text},
                        )
            vf, vt = dates["valid_from"], dates["valid_to"]
            if vf and vt and vt < vf:
                bad("valid_to", _text(vt), _("The end date lies before the start date."))
            share_text = v.get("share", "")
            share: str | None = None
            if share_text:
                try:
                    share = _parse_share(share_text, ctx.numbers)
                    if rtype is not None and not rtype.carries_share:
                        bad(
                            "share",
                            share_text,
                            _("%(type)s does not carry a share.") % {"type": rtype.name},
                        )
                except ValueError:
                    bad(
                        "share",
                        share_text,
                        _("A share must be a number more than 0 and at most 100."),
                    )
            type_key = rtype.key if rtype is not None else None
            yield (
                row_no,
                key,
                ext,
                type_key,
                frm,
                to,
                vf,
                vt,
                share,
                v.get("note", ""),
                issues or None,
            )


def import_relationships(
    rows: Iterator[tuple[int, dict[str, str]]],
    columns: dict[str, str],
    ctx: Context,
    *,
    type_aliases: dict[str, str] | None = None,
    resolve_by: str = "erp",
    total_hint: Callable[[], float] | None = None,
    parallel: bool = False,
) -> Outcome:
    """Upsert links of ``ctx.source`` from relationship rows (``resolve_by``: erp or lei).

    ``parallel``: read and check the rows in a second process (big files) while this one
    loads the source's parties and links.
    """
    aliases = {k.upper(): v for k, v in (type_aliases or {}).items()}
    types = {t.key: t for t in RelationshipType.objects.all()}
    for t in list(types.values()):
        for label in (t.name_de, t.name_en):
            types.setdefault(label.lower(), t)
    prefix = f"{ctx.source}:"
    stage = _RelationshipRows(columns, ctx, types, aliases, prefix)
    # A fork copies only the calling thread (see import_parties).
    if not (parallel and hasattr(os, "fork") and threading.active_count() == 1):
        return _import_relationships(stage(rows), None, ctx, types, prefix, resolve_by, total_hint)
    release_free_memory()
    forked = Forked(lambda: stage(rows), total_hint)
    try:
        # What the database holds, read while the child reads the file: all of the source.
        known = _source_parties(ctx.source, resolve_by)
        existing = _existing_rel_keys(prefix, None)
        return _import_relationships(
            forked, (known, existing), ctx, types, prefix, resolve_by, forked.progress
        )
    finally:
        forked.close()  # a no-op once the rows were read to the end


def _import_relationships(
    checked: Iterable[tuple[Any, ...]],
    preloaded: tuple[dict[str, tuple[int, int | None]], Any] | None,
    ctx: Context,
    types: dict[str, RelationshipType],
    prefix: str,
    resolve_by: str,
    total_hint: Callable[[], float] | None,
) -> Outcome:
    out = Outcome(outcomes={} if ctx.track_outcomes else None)
    atomic = not ctx.skip_invalid
    rsource = RelationshipSource.GLEIF if resolve_by == "lei" else RelationshipSource.ERP

    # 1. Every row read and checked; parties are resolved after the whole file is read.
    parsed: list[
        tuple[int, str, RelationshipType, str, str, dt.date | None, dt.date | None, str | None, str]
    ] = []
    seen: dict[str, int] = {}
    failed = False
    n = 0
    for row_no, key, ext, type_key, frm, to, vf, vt, share, note, issues in checked:
        n += 1
        if key is None:  # the key itself is unusable
            for issue in issues:
                out.error(issue)
            failed = True
            continue
        first = seen.get(key)
        if first is not None:
            issues = [
                *(issues or ()),
                Issue(
                    row_no,
                    "external_id",
                    ext,
                    _("The relationship %(key)s appears twice: rows %(first)s and %(row)s.")
                    % {"key": ext, "first": first, "row": row_no},
                    ext,
                ),
            ]
        seen[key] = row_no
        if issues or type_key is None:
            for issue in issues or ():
                out.error(issue)
            failed = True
            continue
        parsed.append((row_no, ext, types[type_key], frm, to, vf, vt, share, note))
        if total_hint and n % CHUNK == 0:
            ctx.report_progress(
                0.02 + 0.4 * total_hint(), _("%(n)s rows read") % {"n": f"{n:,}"}, often=True
            )
    out.counts["rows"] = n
    if n == 0:
        out.error(Issue(0, "", "", _("The file has no data rows.")))
        raise Abort(out)
    if failed and atomic:
        raise Abort(out)
    ctx.report_progress(0.45, _("Resolving parties"))

    # 2. Parties by external id of the source (or by LEI).
    refs = {p[3] for p in parsed} | {p[4] for p in parsed}
    party_ids = _party_lookup(
        refs,
        ctx.source,
        resolve_by,
        whole=len(refs) > WHOLE_SOURCE,
        known=preloaded[0] if preloaded else None,
    )
    if resolve_by == "lei" and ctx.create_missing:
        missing = sorted(r for r in refs if r not in party_ids)
        if missing:
            _create_lei_parties(missing, party_ids, out)
    persons = (
        _person_ids(party_ids.values())
        if any(t.from_kind != "any" or t.to_kind != "any" for t in {p[2] for p in parsed})
        else set()
    )

    # 3. Compare with the import's existing links.
    existing = (
        preloaded[1]
        if preloaded
        else _existing_rel_keys(
            prefix,
            {prefix + p[1] for p in parsed}
            if len(parsed) <= WHOLE_SOURCE and not ctx.full
            else None,
        )
    )
    changes: list[LinkChange] = []
    for row_no, ext, rtype, frm, to, vf, vt, share, note in parsed:
        a, b = party_ids.get(frm), party_ids.get(to)
        missing_ok = True
        for f, ref, pid in (("from", frm, a), ("to", to, b)):
            if pid is None:
                what = _("LEI") if resolve_by == "lei" else _("external id")
                out.error(
                    Issue(
                        row_no,
                        f,
                        ref,
                        _("No party with %(what)s %(key)s (source %(source)s).")
                        % {"what": what, "key": ref, "source": ctx.source},
                        ext,
                    )
                )
                missing_ok = False
        if not missing_ok or a is None or b is None:
            continue
        kind_ok = True
        for f, pid, rule in (("from", a, rtype.from_kind), ("to", b, rtype.to_kind)):
            is_person = pid in persons
            if (rule == "person" and not is_person) or (rule == "organisation" and is_person):
                out.error(
                    Issue(
                        row_no,
                        f,
                        frm if f == "from" else to,
                        _("%(type)s does not allow this kind of party on this side.")
                        % {"type": rtype.name},
                        ext,
                    )
                )
                kind_ok = False
        if not kind_ok:
            continue
        key = prefix + ext
        cur = existing.pop(key, None)
        ident = (rtype.pk, a, b)
        values = (_text(vf), _text(vt), share or "", note)
        if cur is not None:
            rel_id, cur_ident, cur_values, cur_from = cur
            if cur_ident == ident and cur_values == values:
                out.counts["unchanged"] += 1
                out.outcome(ext, "unchanged")
                continue
            if cur_ident == ident:
                changes.append(
                    LinkChange(
                        row_no,
                        ext,
                        rtype,
                        a,
                        b,
                        (rel_id, b, cur_from, ""),
                        share,
                        rsource,
                        key,
                        False,
                        vf,
                        vt,
                        note,
                        in_place=True,
                    )
                )
                out.counts["updated"] += 1
                out.outcome(ext, "updated")
                if len(out.diffs) < SAMPLE:
                    out.diffs.append(
                        {
                            "row": row_no,
                            "key": ext,
                            "before": list(cur_values),
                            "after": list(values),
                        }
                    )
                continue
            # Type or parties changed: end the old link, create the new one.
            changes.append(
                LinkChange(
                    row_no,
                    ext,
                    rtype,
                    a,
                    None,
                    (rel_id, cur_ident[2], cur_from, ""),
                    None,
                    rsource,
                    key,
                    False,
                )
            )
            changes.append(
                LinkChange(row_no, ext, rtype, a, b, None, share, rsource, key, False, vf, vt, note)
            )
            out.counts["updated"] += 1
            out.outcome(ext, "updated")
            continue
        changes.append(
            LinkChange(row_no, ext, rtype, a, b, None, share, rsource, key, False, vf, vt, note)
        )
        out.counts["created"] += 1
        out.outcome(ext, "created")
    if out.counts["errors"] and atomic:
        raise Abort(out)
    ctx.report_progress(0.6, _("Checking hierarchies"))
    if ctx.full:
        types_by_id = {t.pk: t for t in RelationshipType.objects.all()}
        today_text = ctx.today.isoformat()
        for key, (rel_id, ident, cur_values, cur_from) in existing.items():
            if key in seen or (cur_values[1] and cur_values[1] < today_text):
                continue
            changes.append(
                LinkChange(
                    0,
                    key[len(prefix) :],
                    types_by_id[ident[0]],
                    ident[1],
                    None,
                    (rel_id, ident[2], cur_from, ""),
                    None,
                    rsource,
                    key,
                    False,
                )
            )
    _apply_relationship_changes(changes, ctx, out, atomic)
    out.counts["ended"] = out.counts["links_ended"]
    if out.counts["errors"] and atomic:
        raise Abort(out)
    return out


def _apply_relationship_changes(
    changes: list[LinkChange], ctx: Context, out: Outcome, atomic: bool
) -> None:
    """Write links from relationship rows: explicit dates, ended links end today or yesterday."""
    if not changes:
        return
    bad = check_hierarchy(changes, ctx, out)
    if bad and atomic:
        raise Abort(out)
    today = ctx.today
    writer = _LinkWriter(out)

    def creates() -> Iterator[tuple[Any, ...]]:
        for i, ch in enumerate(changes):
            if i in bad:
                continue
            writer.touch(ch)
            if ch.in_place and ch.current is not None:
                writer.update(
                    ch.current[0],
                    _db_date(ch.valid_from),
                    _db_date(ch.valid_to),
                    ch.share,
                    ch.note,
                )
            elif ch.target is None and ch.current is not None:
                cur_from = ch.current[2]
                end = today - dt.timedelta(days=1)
                if cur_from is not None and cur_from > end:
                    end = cur_from
                writer.end(ch.current[0], end)
                if len(out.ended) < SUMMARY_LIMIT:
                    out.ended.append(ch.key)
                out.outcome(ch.key, "ended")
            elif ch.target is not None:
                yield writer.create(ch, ch.target, ch.valid_from)

    writer.write(creates())
    # Relationship files carry a note per link, so an in-place update rewrites it too.
    writer.finish(("valid_from", "valid_to", "share", "note"))


def _lookup_sql(source: str, resolve_by: str) -> tuple[str, list[Any], str]:
    col = "lei" if resolve_by == "lei" else "erp_id"
    base = f"SELECT {col}, id, merged_into_id FROM {PT} WHERE "
    if resolve_by == "lei":
        return base + "lei <> '' AND ", [], col
    return base + "erp_source = %s AND ", [source], col


def _source_parties(source: str, resolve_by: str) -> dict[str, tuple[int, int | None]]:
    """Every party of the source (or with an LEI): key -> (id, merged into); of parties that
    share an LEI the first one read."""
    base, params, _col = _lookup_sql(source, resolve_by)
    sql = base[: -len(" AND ")] if resolve_by != "lei" else base + "1 = 1"
    found: dict[str, tuple[int, int | None]] = {}
    for key, pid, into in _stream(sql, params):
        found.setdefault(key, (pid, into))
    return found


def _party_lookup(
    refs: set[str],
    source: str,
    resolve_by: str,
    whole: bool,
    known: dict[str, tuple[int, int | None]] | None = None,
) -> dict[str, int]:
    """External id (or LEI) -> party id; merged parties resolve to their survivor. ``known``:
    the source's parties read before (``_source_parties``)."""
    result: dict[str, int] = {}
    merged: dict[str, int] = {}
    if known is None and whole:
        known = _source_parties(source, resolve_by)
    if known is not None:
        for key in refs:
            hit = known.get(key)
            if hit is not None:
                result[key] = hit[0]
                if hit[1]:
                    merged[key] = hit[1]
    else:
        base, params, col = _lookup_sql(source, resolve_by)
        for chunk in _chunks(sorted(refs), 900):
            marks = ", ".join(["%s"] * len(chunk))
            with connection.cursor() as cur:
                cur.execute(base + f"{col} IN ({marks}) ORDER BY id", [*params, *chunk])
                for key, pid, into in cur.fetchall():
                    if into:
                        merged[key] = into
                    result.setdefault(key, pid)
    for key, into in merged.items():
        hops = 0
        target = into
        while hops < 100:
            nxt = Party.objects.filter(pk=target).values_list("merged_into_id", flat=True).first()
            if not nxt:
                break
            target = nxt
            hops += 1
        result[key] = target
    return result


def _person_ids(ids: Iterable[int]) -> set[int]:
    wanted = ids if isinstance(ids, set) else set(ids)
    if len(wanted) > WHOLE_SOURCE:
        # Persons are few beside organisations: all of them in one indexed scan (kind, id).
        sql = f"SELECT id FROM {PT} WHERE kind = %s"
        return {pid for (pid,) in _stream(sql, [PartyKind.PERSON]) if pid in wanted}
    result: set[int] = set()
    for chunk in _chunks(list(wanted), 900):
        result.update(
            Party.objects.filter(pk__in=chunk, kind=PartyKind.PERSON).values_list("pk", flat=True)
        )
    return result


def _existing_rel_keys(
    prefix: str, only: set[str] | None
) -> dict[str, tuple[int, tuple[int, int, int], tuple[str, str, str, str], dt.date | None]]:
    """The import's open (not yet ended) links by key: id, (type, from, to), (from, to, share, note)."""
    sql = f"SELECT external_ref, id, type_id, from_party_id, to_party_id, valid_from, valid_to, share, note FROM {RT} WHERE "
    result: dict[
        str, tuple[int, tuple[int, int, int], tuple[str, str, str, str], dt.date | None]
    ] = {}

    def take(rec: tuple[Any, ...]) -> None:
        vf = _as_date_value(rec[5])
        result[rec[0]] = (
            rec[1],
            (rec[2], rec[3], rec[4]),
            (_text(vf), _text(_as_date_value(rec[6])), _share_key(rec[7]), rec[8] or ""),
            vf,
        )

    if only is None:
        # Ended links stay ended: a key that comes back gets a new link.
        for rec in _stream(
            sql + "external_ref >= %s AND external_ref < %s ORDER BY id",
            [prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)],
        ):
            take(rec)
    else:
        for chunk in _chunks(sorted(only), 900):
            marks = ", ".join(["%s"] * len(chunk))
            with connection.cursor() as cur:
                cur.execute(sql + f"external_ref IN ({marks}) ORDER BY id", chunk)
                for rec in cur.fetchall():
                    take(rec)
    return result


def _create_lei_parties(leis: list[str], party_ids: dict[str, int], out: Outcome) -> None:
    bulk = BulkLoad()
    # Numbers are reserved before the write: no query may run while COPY streams.
    first = bulk.reserve_numbers(len(leis))
    rows = [
        {
            "kind": "organisation",
            "name": lei,
            "lei": lei,
            "erp_source": "gleif",
            "erp_id": lei,
            "country": "",
            "number": str(first + i),
        }
        for i, lei in enumerate(leis)
    ]
    ids = bulk.insert_parties(rows)
    out.party_ids.append(ids)
    for lei, pid in zip(leis, ids, strict=True):
        party_ids[lei] = pid
        out.note_summary({"party": pid, "key": lei, "action": "created"})
    out.counts["parties_created"] = out.counts.get("parties_created", 0) + len(leis)


__all__ = [
    "RELATIONSHIP_COLUMNS",
    "Abort",
    "Context",
    "Issue",
    "Outcome",
    "import_parties",
    "import_relationships",
]
