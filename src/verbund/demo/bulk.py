"""Bulk writer for parties and relationships: one transaction, one audit record, no ORM per row.

For loads of thousands to millions of rows (demo data, first ERP import, benchmarks) where
``do_create_party`` per row would take hours. The rules of the house still hold: everything
runs in one transaction, through this module, with one ``AuditRecord`` for the whole load.

Usage::

    from verbund.demo.bulk import do_bulk_load

    def fill(load: BulkLoad) -> range:
        ids = load.insert_parties([{"name": "Muster GmbH", "city": "Köln", "postcode": "50667"}])
        load.insert_relationships([{"type": "group", "from_party_id": ids[0], "to_party_id": 42}])
        return ids

    ids = do_bulk_load(fill, actor=user, action="import.bulk", note="Erstimport SAP")

What the writer does for you:

- Rows are dicts (missing columns get the model defaults) or tuples in the order of
  ``columns`` (default: ``PARTY_COLUMNS`` / ``RELATIONSHIP_COLUMNS``).
- Ids are assigned explicitly and contiguously; each insert returns them as a ``range``, in
  row order, so the caller can link rows it has just written without reading them back.
- Party numbers left empty are reserved from the ``party`` sequence (``core.numbers``), in
  blocks; ``search_text`` and ``phonetic`` are derived exactly as ``parties.actions.derive_fields``
  does, with per-word caches (``derive=False`` when the caller fills them itself).
- SQLite: ``executemany`` on the raw connection (BEGIN IMMEDIATE holds out other writers).
  PostgreSQL: ``COPY ... FROM STDIN`` through psycopg 3, with the table locked against
  concurrent inserts while ids are handed out, and the identity sequence moved past the load.

What it does not do: validation beyond what the database enforces, hierarchy checks (callers
must produce trees: one parent per child and date, no cycles) and closure upkeep (call
``verbund.hierarchies.engine.rebuild_closure()`` afterwards), and the ``party_saved`` signal
(receivers that must see bulk loads listen to ``bulk_loaded`` instead).
"""

from __future__ import annotations

import contextlib
import itertools
import queue
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any, TypeVar, cast

from django.db import IntegrityError, connection, transaction
from django.dispatch import Signal
from django.utils import timezone

from verbund.core import audit, numbers
from verbund.core.models import NumberSequence
from verbund.core.text import fold, koelner_phonetik
from verbund.parties.models import Party, Tag
from verbund.relationships.models import Relationship, RelationshipType

T = TypeVar("T")

# Sent inside the load's transaction once ``fill`` has returned, with ``party_ids`` and
# ``relationship_ids`` (lists of ranges) and ``action``, for receivers that keep derived data.
# ERP imports send it too, with the parties they created or changed and ``links_changed``
# (relationships created or ended, which ``relationship_ids`` does not list for them).
bulk_loaded = Signal()

NUMBER_SEQUENCE = "party"
_NUMBER_BLOCK = 10_000
_TAKE_BLOCK = 250_000
# Rows prepared and written at a time; three chunks are in flight (written, waiting, prepared).
_CHUNK = 20_000


def _columns(model: type[Any], skip: Sequence[str] = ("id",)) -> tuple[str, ...]:
    return tuple(f.column for f in model._meta.concrete_fields if f.column not in skip)


PARTY_COLUMNS: tuple[str, ...] = _columns(Party)  # the order of tuple rows for insert_parties
RELATIONSHIP_COLUMNS: tuple[str, ...] = _columns(Relationship)
_TIMESTAMPS = ("created_at", "updated_at")


def column_defaults(model: type[Any]) -> dict[str, Any]:
    """Column -> default value for a bulk row of ``model`` (timestamps and id excluded)."""
    values: dict[str, Any] = {}
    for f in model._meta.concrete_fields:
        if f.column == "id" or f.column in _TIMESTAMPS:
            continue
        if f.has_default():
            values[f.column] = f.get_default()
        elif f.null:
            values[f.column] = None
        else:
            values[f.column] = ""
    return values


# --- derived columns ------------------------------------------------------------------------


def fold_fast(text: str) -> str:
    """``core.text.fold`` computed word by word with its cache.

    Folding works character by character and then normalises spaces, so folding each
    whitespace-separated word and joining the non-empty results gives the same string; the
    per-word cache makes a million names cost a few dictionary look-ups each.
    """
    if not text:
        return ""
    if text.isascii() and text.isalnum():
        return text.lower()  # numbers, codes: nothing else to fold
    return " ".join(w for w in map(fold, text.split()) if w)


@lru_cache(maxsize=300_000)
def fold_and_phonetic(text: str) -> tuple[str, str]:
    """``(fold(text), koelner_phonetik(text))`` for one piece of a name, cached."""
    folded = fold_fast(text)
    return folded, " ".join(koelner_phonetik(w) for w in folded.split())


def derive_search_columns(
    name: str,
    name2: str,
    number: str,
    city: str,
    postcode: str,
    vat_id: str,
    *,
    name_parts: Sequence[str] | None = None,
) -> tuple[str, str]:
    """``(search_text, phonetic)`` exactly as ``parties.actions.derive_fields`` computes them.

    ``name_parts``: pieces whose space-joined text is ``name`` (e.g. ``("Müller Metallbau",
    "GmbH")``); generators that build names from a small vocabulary pass them so that each
    piece is folded once per load instead of once per row.
    """
    if name_parts is None:
        folded_name, phonetic = _fold_phonetic_uncached(name)
    else:
        pieces = [fold_and_phonetic(p) for p in name_parts if p]
        folded_name = " ".join(f for f, _ in pieces if f)
        phonetic = " ".join(ph for f, ph in pieces if f)
    # Second name lines and cities repeat: cached whole; numbers and codes fold trivially.
    parts = [
        p
        for p in (
            folded_name,
            fold_and_phonetic(name2)[0],
            fold_fast(number),
            fold_and_phonetic(city)[0],
            fold_fast(postcode),
            fold_fast(vat_id),
        )
        if p
    ]
    return " ".join(parts)[:500], phonetic[:200]


def search_pieces(
    name: str, name2: str, city: str, postcode: str, vat_id: str
) -> tuple[str, str, str]:
    """``derive_search_columns`` before the number is known: ``(before, after, phonetic)``.

    ``search_text_with(before, number, after)`` completes the search text; for row
    preparation that runs before numbers are handed out (another process, say).
    """
    folded_name, phonetic = _fold_phonetic_uncached(name)
    before = " ".join(p for p in (folded_name, fold_and_phonetic(name2)[0]) if p)
    after = " ".join(
        p for p in (fold_and_phonetic(city)[0], fold_fast(postcode), fold_fast(vat_id)) if p
    )
    return before, after, phonetic[:200]


def search_text_with(before: str, number: str, after: str) -> str:
    # Once per created party: spelled out rather than a join over a generator.
    text = number if number.isdigit() else fold_fast(number)
    if before:
        text = f"{before} {text}" if text else before
    if after:
        text = f"{text} {after}" if text else after
    return text[:500]


# Whitespace-free piece of a name -> (folded, its phonetic codes), for whole names that rarely
# repeat but whose words do. A plain dict: one look-up per word is what makes it pay.
_WORDS: dict[str, tuple[str, str]] = {}
_WORDS_LIMIT = 500_000


def _word(word: str) -> tuple[str, str]:
    folded = word.lower() if word.isascii() and word.isalnum() else fold(word)
    got = (folded, " ".join(koelner_phonetik(w) for w in folded.split()))
    if len(_WORDS) >= _WORDS_LIMIT:
        _WORDS.clear()
    _WORDS[word] = got
    return got


def _fold_phonetic_uncached(text: str) -> tuple[str, str]:
    """``(fold_fast(text), phonetic)`` word by word: folding and the codes work per word."""
    if not text:
        return "", ""
    get = _WORDS.get
    pieces = [get(w) or _word(w) for w in text.split()]
    return " ".join(f for f, _ in pieces if f), " ".join(ph for f, ph in pieces if f)


# --- the writer -----------------------------------------------------------------------------


class BulkLoad:
    """Handle for one bulk load; valid only inside ``do_bulk_load``'s transaction."""

    def __init__(self) -> None:
        self.vendor = connection.vendor
        self.now = timezone.now()
        self.now_db = connection.ops.adapt_datetimefield_value(self.now)
        self.party_ids: list[range] = []
        self.relationship_ids: list[range] = []
        self.tag_links = 0
        self._type_ids: dict[str, int] | None = None
        self._numbers: Iterator[int] = iter(())
        self._max_given_number = 0
        self._party_defaults = column_defaults(Party)
        self._rel_defaults = column_defaults(Relationship)
        # Held by the background chunk writer while it writes; row producers that query the
        # database in the middle of an insert (number blocks, lookups) take it too.
        self.db_lock = threading.RLock()
        self._block_next = self._block_end = 0

    # -- helpers callers may use

    def type_id(self, key: str) -> int:
        """The id of the relationship type with ``key``."""
        if self._type_ids is None:
            with self.db_lock:
                self._type_ids = dict(RelationshipType.objects.values_list("key", "id"))
        return self._type_ids[key]

    def tag_ids(self, names: Iterable[str]) -> dict[str, int]:
        """Ids of the named tags, creating the missing ones."""
        wanted = sorted({n.strip() for n in names if n.strip()})
        existing = dict(Tag.objects.filter(name__in=wanted).values_list("name", "id"))
        missing = [Tag(name=n) for n in wanted if n not in existing]
        if missing:
            Tag.objects.bulk_create(missing)
            existing = dict(Tag.objects.filter(name__in=wanted).values_list("name", "id"))
        return existing

    def reserve_numbers(self, count: int) -> int:
        """Reserve ``count`` consecutive party numbers; return the first."""
        with self.db_lock:
            return numbers.reserve(NUMBER_SEQUENCE, count=count)

    def take_numbers(self, count: int) -> int:
        """The first of ``count`` consecutive party numbers, from a block reserved ahead.

        For callers that need numbers chunk by chunk while the background writer works:
        reserving touches the database (and so waits for the writer), a block rarely does.
        The sequence row stays locked until commit, so blocks follow on without gaps, and
        ``release_numbers`` gives the unused rest back at the end.
        """
        if self._block_next + count > self._block_end:
            size = max(count, _TAKE_BLOCK)
            first = self.reserve_numbers(size)
            if first != self._block_end:
                self._block_next = first
            self._block_end = first + size
        first = self._block_next
        self._block_next += count
        return first

    def release_numbers(self) -> None:
        """Return the numbers ``take_numbers`` reserved but did not hand out."""
        if self._block_next < self._block_end:
            with self.db_lock:
                NumberSequence.objects.filter(
                    name=NUMBER_SEQUENCE, next_value=self._block_end
                ).update(next_value=self._block_next)
            self._block_end = self._block_next

    def next_party_id(self) -> int:
        """The id the next ``insert_parties`` call starts at, for rows that point at each other
        (a person's ``organisation_id``). Takes the table lock on PostgreSQL."""
        return self._next_id(Party._meta.db_table)

    # -- inserts

    def insert_parties(
        self,
        rows: Iterable[Mapping[str, Any] | Sequence[Any]],
        columns: Sequence[str] | None = None,
        *,
        derive: bool = True,
        rebuild_indexes: bool = False,
        constants: Mapping[str, Any] | None = None,
    ) -> range:
        """Insert parties; return their ids in row order.

        ``rows``: dicts keyed by column name (``organisation_id``, not ``organisation``) or
        tuples in the order of ``columns`` (default ``PARTY_COLUMNS``). Missing columns take
        the model defaults; an empty number is generated, a given numeric one moves the
        sequence past it (on the fast path -- full tuples, ``derive=False`` -- numbers are the
        caller's business: reserve them with ``reserve_numbers``); ``derive`` fills ``search_text`` and
        ``phonetic`` (and a person's name from first and last name), as ``derive_fields`` does.
        ``rebuild_indexes``: drop the table's secondary indexes for the load and build them
        afterwards (same transaction) -- much faster for loads as large as the table, but it
        locks out readers on PostgreSQL until commit.
        ``constants``: the fastest path, for callers that prepare everything themselves
        (``derive=False``): tuples of ``columns`` plus these columns' values, the same in every
        row, together all of ``PARTY_COLUMNS`` -- written as they are.
        """
        cols = tuple(columns or PARTY_COLUMNS)
        if constants is not None:
            if derive or sorted([*cols, *constants]) != sorted(PARTY_COLUMNS):
                raise ValueError("constants: rows of prepared columns that, with them, are all.")
            ids = self._write(
                Party._meta.db_table,
                cols,
                cast(Iterable[Sequence[Any]], rows),
                rebuild_indexes=rebuild_indexes,
                constants=constants,
            )
            self.party_ids.append(ids)
            return ids
        prepared = self._party_rows(rows, cols, derive)
        ids = self._write(
            Party._meta.db_table, PARTY_COLUMNS, prepared, rebuild_indexes=rebuild_indexes
        )
        self.party_ids.append(ids)
        if self._max_given_number:
            # Numbers given explicitly: the sequence continues after them, as in the actions.
            numbers.bump_past(NUMBER_SEQUENCE, self._max_given_number)
        return ids

    def insert_relationships(
        self,
        rows: Iterable[Mapping[str, Any] | Sequence[Any]],
        columns: Sequence[str] | None = None,
        *,
        rebuild_indexes: bool = False,
        complete: bool = False,
    ) -> range:
        """Insert relationships; return their ids in row order.

        ``rows``: dicts or tuples as for ``insert_parties``; in dicts ``type`` may be given as
        a type key instead of ``type_id``. ``complete``: the rows are full tuples in the order
        of ``RELATIONSHIP_COLUMNS`` with type ids and timestamps, written as they are. Symmetric types must already have the smaller party
        id on the from-side; hierarchy rows must form trees (nothing is checked here).
        """
        cols = tuple(columns or RELATIONSHIP_COLUMNS)
        # The fast path: complete tuples in table order with type ids pass through unchanged.
        prepared = (
            cast(Iterable[Sequence[Any]], rows) if complete else self._relationship_rows(rows, cols)
        )
        ids = self._write(
            Relationship._meta.db_table,
            RELATIONSHIP_COLUMNS,
            prepared,
            rebuild_indexes=rebuild_indexes,
        )
        self.relationship_ids.append(ids)
        return ids

    def insert_party_tags(self, pairs: Iterable[tuple[int, int]]) -> int:
        """Attach tags: ``(party_id, tag_id)`` pairs. Returns the number of links written."""
        table = Party.tags.through._meta.db_table
        n = len(self._write(table, ("party_id", "tag_id"), pairs))
        self.tag_links += n
        return n

    # -- internals

    def _full_rows(
        self,
        rows: Iterable[Mapping[str, Any] | Sequence[Any]],
        cols: tuple[str, ...],
        all_cols: tuple[str, ...],
        defaults: dict[str, Any],
    ) -> Iterator[list[Any]]:
        positions = [cols.index(c) if c in cols else -1 for c in all_cols]
        fill = [defaults.get(c, self.now_db) for c in all_cols]
        for c in _TIMESTAMPS:
            fill[all_cols.index(c)] = self.now_db
        allowed = set(all_cols) | {"type"}
        for row in rows:
            if isinstance(row, Mapping):
                if not row.keys() <= allowed:
                    unknown = ", ".join(sorted(set(row) - allowed))
                    raise ValueError(
                        f"Unknown columns in a bulk row: {unknown} (use column names, e.g. organisation_id)."
                    )
                yield [
                    row.get(c, fill[i]) if c not in _TIMESTAMPS else row.get(c) or fill[i]
                    for i, c in enumerate(all_cols)
                ]
            elif cols == all_cols:
                yield list(row)
            else:
                yield [row[p] if p >= 0 else fill[i] for i, p in enumerate(positions)]

    def _party_rows(
        self, rows: Iterable[Mapping[str, Any] | Sequence[Any]], cols: tuple[str, ...], derive: bool
    ) -> Iterator[Sequence[Any]]:
        if cols == PARTY_COLUMNS and not derive:
            # The fast path: complete tuples, numbers and derived columns filled by the caller.
            yield from rows  # type: ignore[misc]
            return
        ix = {c: i for i, c in enumerate(PARTY_COLUMNS)}
        i_kind, i_number, i_name, i_first, i_last = (
            ix["kind"],
            ix["number"],
            ix["name"],
            ix["first_name"],
            ix["last_name"],
        )
        i_country, i_vat, i_lei = ix["country"], ix["vat_id"], ix["lei"]
        for row in self._full_rows(rows, cols, PARTY_COLUMNS, self._party_defaults):
            if not row[i_number]:
                row[i_number] = str(self._next_number())
            else:
                row[i_number] = str(row[i_number])
                if row[i_number].isdigit():
                    self._max_given_number = max(self._max_given_number, int(row[i_number]))
            if derive:
                if row[i_kind] == "person" and row[i_last]:
                    row[i_name] = " ".join(p for p in (row[i_first], row[i_last]) if p)
                row[i_country] = (row[i_country] or "").upper()
                row[i_vat] = (row[i_vat] or "").replace(" ", "").upper()
                row[i_lei] = (row[i_lei] or "").strip().upper()
                row[ix["search_text"]], row[ix["phonetic"]] = derive_search_columns(
                    row[i_name],
                    row[ix["name2"]],
                    row[i_number],
                    row[ix["city"]],
                    row[ix["postcode"]],
                    row[i_vat],
                )
            yield row

    def _relationship_rows(
        self, rows: Iterable[Mapping[str, Any] | Sequence[Any]], cols: tuple[str, ...]
    ) -> Iterator[Sequence[Any]]:
        i_type = RELATIONSHIP_COLUMNS.index("type_id")

        def keyed(row: Mapping[str, Any]) -> Mapping[str, Any]:
            if "type" in row and "type_id" not in row:
                row = {**row, "type_id": self.type_id(row["type"])}
            return row

        source = (keyed(r) if isinstance(r, Mapping) else r for r in rows)
        for row in self._full_rows(source, cols, RELATIONSHIP_COLUMNS, self._rel_defaults):
            if isinstance(row[i_type], str):
                row[i_type] = self.type_id(row[i_type])
            yield row

    def _next_number(self) -> int:
        value = next(self._numbers, None)
        if value is None:
            first = self.reserve_numbers(_NUMBER_BLOCK)
            self._numbers = iter(range(first, first + _NUMBER_BLOCK))
            value = next(self._numbers)
        return value

    def _next_id(self, table: str) -> int:
        qn = connection.ops.quote_name
        with connection.cursor() as cur:
            if self.vendor == "postgresql":
                # Hold out concurrent inserts until commit: our ids are explicit.
                cur.execute(f"LOCK TABLE {qn(table)} IN SHARE ROW EXCLUSIVE MODE")
                cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
                seq = cur.fetchone()[0]
                cur.execute(f"SELECT last_value, is_called FROM {seq}")
                last, called = cur.fetchone()
                cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {qn(table)}")
                top = cur.fetchone()[0]
                return max(top, last if called else last - 1) + 1
            cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {qn(table)}")
            top = cur.fetchone()[0]
            cur.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            got = cur.fetchone()
            return max(top, got[0] if got else 0) + 1

    def _secondary_indexes(self, table: str) -> list[tuple[str, str]]:
        """(name, CREATE statement) of the indexes that back no constraint."""
        with connection.cursor() as cur:
            if self.vendor == "postgresql":
                cur.execute(
                    "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s AND i.schemaname = current_schema() "
                    "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)",
                    [table],
                )
            else:
                # Indexes of inline UNIQUE/PRIMARY KEY constraints have no SQL and stay.
                cur.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                    [table],
                )
            return [(name, sql) for name, sql in cur.fetchall()]

    def _write(
        self,
        table: str,
        cols: Sequence[str],
        rows: Iterable[Sequence[Any]],
        *,
        rebuild_indexes: bool = False,
        constants: Mapping[str, Any] | None = None,
    ) -> range:
        """Write ``rows`` (values of ``cols``) with ids from the table's next one on.

        ``constants``: columns with the same value in every row, bound once per statement
        instead of once per row (a first import leaves most party columns at their defaults).
        """
        qn = connection.ops.quote_name
        dropped = self._secondary_indexes(table) if rebuild_indexes else []
        if dropped:
            with connection.cursor() as cur:
                for name, _sql in dropped:
                    cur.execute(f"DROP INDEX {qn(name)}")
        first = self._next_id(table)
        const_cols = list(constants or {})
        const_vals = [constants[c] for c in const_cols] if constants else []
        all_cols = ["id", *cols, *const_cols]
        col_sql = ", ".join(qn(c) for c in all_cols)
        source = iter(rows)
        if self.vendor == "postgresql":
            copy_sql = f"COPY {qn(table)} ({col_sql}) FROM STDIN"
            counter = itertools.count(first)
            with _ChunkWriter(self) as writer:
                while True:
                    # Rows are prepared a chunk at a time, outside the COPY: preparing may query
                    # the database (number blocks, type keys) -- under ``db_lock``, between chunks.
                    chunk = [
                        (next(counter), *row, *const_vals)
                        for row in itertools.islice(source, _CHUNK)
                    ]
                    if not chunk:
                        break
                    writer.put([(copy_sql, chunk)])
            last = next(counter)
        else:
            insert = _SqliteInsert(table, cols, const_cols)
            last = first
            with _ChunkWriter(self) as writer:
                while rows_chunk := list(itertools.islice(source, _CHUNK)):
                    writer.put(insert.statements(last, const_vals, rows_chunk))
                    last += len(rows_chunk)
        if dropped:
            with connection.cursor() as cur:
                if self.vendor == "postgresql":
                    # CREATE INDEX refuses to run while deferred foreign-key checks are queued:
                    # run them now (they would run at commit anyway), then defer again.
                    cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    # Sorts of a million keys in memory instead of on disk; this transaction only.
                    cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
                else:
                    # Let SQLite's sorter use a second core for the index builds.
                    cur.execute("PRAGMA threads = 2")
                for _name, sql in dropped:
                    cur.execute(sql)
                if self.vendor == "postgresql":
                    cur.execute("SET CONSTRAINTS ALL DEFERRED")
                else:
                    cur.execute("PRAGMA threads = 0")
        if self.vendor == "postgresql" and last > first:
            with connection.cursor() as cur:
                cur.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, last - 1]
                )
        return range(first, last)


class _SqliteInsert:
    """Multi-row ``INSERT ... VALUES (...), (...)`` statements for SQLite.

    One statement per few hundred rows instead of one ``executemany`` step per row: the writer
    thread gives up and takes back the GIL once per statement, not once per row (while the
    producer thread was busy, each take-back could wait a switch interval), and the constant
    columns and the ids cost one bound value per statement: ``?1`` is the statement's first id,
    row ``j`` gets ``?1 + j``; ``?2`` ... are the constants. Numbered parameters, so no value
    ever becomes SQL text.
    """

    ROWS = 500

    def __init__(self, table: str, cols: Sequence[str], const_cols: Sequence[str]) -> None:
        qn = connection.ops.quote_name
        self.head = (
            f"INSERT INTO {qn(table)} ("
            + ", ".join(qn(c) for c in ["id", *cols, *const_cols])
            + ") VALUES "
        )
        self.width = len(cols)
        self.n_const = len(const_cols)
        try:
            limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        except AttributeError:  # pragma: no cover - Python built without getlimit
            limit = 999
        self.per_statement = max(
            1, min(self.ROWS, (limit - 1 - self.n_const) // max(1, self.width))
        )
        self._sql: dict[int, str] = {}

    def sql(self, n: int) -> str:
        """The statement for ``n`` rows."""
        got = self._sql.get(n)
        if got is None:
            consts = "".join(f", ?{2 + i}" for i in range(self.n_const))
            base = 2 + self.n_const
            values = []
            for j in range(n):
                start = base + j * self.width
                row = "".join(f", ?{start + i}" for i in range(self.width))
                values.append(f"(?1 + {j}{row}{consts})")
            got = self._sql[n] = self.head + ", ".join(values)
        return got

    def statements(
        self, first_id: int, const_vals: list[Any], rows: list[Sequence[Any]]
    ) -> list[tuple[str, list[Any]]]:
        """``(sql, parameters)`` for ``rows``, whose ids start at ``first_id``."""
        out = []
        step = self.per_statement
        for s in range(0, len(rows), step):
            part = rows[s : s + step]
            params = [first_id + s, *const_vals, *itertools.chain.from_iterable(part)]
            if len(params) != 1 + self.n_const + self.width * len(part):
                bad = next(r for r in part if len(r) != self.width)
                raise ValueError(f"A bulk row has {len(bad)} values, expected {self.width}.")
            out.append((self.sql(len(part)), params))
        return out


class BrokenReference(IntegrityError):
    """A foreign key added back after a load found a row referring to nothing."""


@contextlib.contextmanager
def foreign_keys_validated_after(tables: Sequence[str]) -> Iterator[None]:
    """PostgreSQL: take out the foreign keys among ``tables`` for the block and add them back
    afterwards, exactly as they were, in the same transaction (the pg_restore technique).

    Each deferred key otherwise queues a trigger event per inserted row and checks it at commit
    with one query per row; ``ADD CONSTRAINT`` checks all rows in one join, and a violation fails
    it (``IntegrityError``), so nothing that violates a key can be committed. Only keys whose
    referenced table is itself in ``tables``: dropping a key locks its referenced table against
    readers until commit, which is acceptable for tables the load already has to itself (a first
    load into empty tables) but not for shared ones such as the users or relationship types.
    Call it before anything is written to these tables in the transaction (PostgreSQL refuses
    to alter a table with pending trigger events); on an exception the transaction is expected
    to roll back, which restores the keys.
    """
    if connection.vendor != "postgresql" or not tables:
        yield
        return
    qn = connection.ops.quote_name
    with connection.cursor() as cur:
        cur.execute(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) "
            "FROM pg_constraint c WHERE c.contype = 'f' "
            "AND c.conrelid = ANY(%s::regclass[]) AND c.confrelid = ANY(%s::regclass[]) "
            "ORDER BY c.conrelid::regclass::text, c.conname",
            [list(tables), list(tables)],
        )
        keys = cur.fetchall()
        for table, name, _definition in keys:
            cur.execute(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(name)}")
    yield
    with connection.cursor() as cur:
        # ALTER TABLE refuses to run while other deferred checks of the table are queued:
        # run them now (they would run at commit anyway), then defer again.
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, name, definition in keys:
            try:
                cur.execute(f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} {definition}")
            except IntegrityError as exc:
                # PostgreSQL's message names the key and its DETAIL line the missing value.
                raise BrokenReference(" ".join(str(exc).split())) from exc
        cur.execute("SET CONSTRAINTS ALL DEFERRED")


class _ChunkWriter:
    """Writes chunks in a background thread while the caller prepares the next one.

    Preparing rows is Python work and writing them is mostly database work (SQLite's B-trees
    with the GIL released, or the PostgreSQL server), so on two cores the two overlap. The
    thread uses the same connection, hence the same transaction; it holds ``load.db_lock``
    while it writes. At most one chunk waits, which bounds the memory. A chunk is a list of
    ``(sql, parameters)``: a multi-row INSERT on SQLite, a COPY and its rows on PostgreSQL.
    """

    def __init__(self, load: BulkLoad) -> None:
        connection.ensure_connection()
        self._raw = connection.connection
        self._pg = load.vendor == "postgresql"
        self._lock = load.db_lock
        self._queue: queue.Queue[list[tuple[str, Any]] | None] = queue.Queue(maxsize=1)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="bulk-writer", daemon=True)

    def __enter__(self) -> _ChunkWriter:
        self._thread.start()
        return self

    def _run(self) -> None:
        while (chunk := self._queue.get()) is not None:
            if self._error is not None:
                continue  # keep draining so that the producer never blocks
            try:
                with self._lock:
                    for sql, params in chunk:
                        if self._pg:
                            with self._raw.cursor() as cur, cur.copy(sql) as copy:
                                for row in params:
                                    copy.write_row(row)
                        else:
                            self._raw.execute(sql, params)
            except BaseException as exc:  # re-raised in the caller's thread
                self._error = exc

    def put(self, chunk: list[tuple[str, Any]]) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put(chunk)

    def __exit__(self, *exc_info: Any) -> None:
        self._queue.put(None)
        self._thread.join()
        if self._error is not None and exc_info[0] is None:
            raise self._error


@transaction.atomic
def do_bulk_load(
    fill: Callable[[BulkLoad], T],
    *,
    actor: Any = None,
    action: str = "bulk.load",
    note: str = "",
    details: Mapping[str, Any] | None = None,
) -> T:
    """Run ``fill(load)`` in one transaction and write one audit record for everything it wrote.

    ``fill`` calls ``load.insert_parties`` / ``insert_relationships`` / ``insert_party_tags``
    as often as it likes; its return value is returned. The audit record (``action``,
    object type ``parties.party``) names the id ranges and counts, plus ``details``.
    """
    load = BulkLoad()
    result = fill(load)
    party_count = sum(len(r) for r in load.party_ids)
    rel_count = sum(len(r) for r in load.relationship_ids)
    summary: dict[str, Any] = {
        "parties": party_count,
        "relationships": rel_count,
        "tag_links": load.tag_links,
        "party_ids": [[r.start, r.stop - 1] for r in load.party_ids if len(r)],
        "relationship_ids": [[r.start, r.stop - 1] for r in load.relationship_ids if len(r)],
        **(details or {}),
    }
    first_party = load.party_ids[0].start if load.party_ids and len(load.party_ids[0]) else ""
    audit.record(
        actor=actor,
        action=action,
        object_type="parties.party",
        object_id=first_party,
        after=summary,
        note=note,
    )
    bulk_loaded.send(
        sender=BulkLoad,
        party_ids=load.party_ids,
        relationship_ids=load.relationship_ids,
        action=action,
        links_changed=rel_count > 0,
    )
    return result
