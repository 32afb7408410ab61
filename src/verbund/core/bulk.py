"""The bulk writer and the set-based SQL helpers: tables and columns in, rows written.

For loads of thousands to millions of rows (first ERP import, sync batches, demo data,
benchmarks) where an action per row would take hours. This module knows tables, columns and
the two databases; it knows nothing of parties or relationships: their columns, numbers and
derived values live in ``parties.bulk`` and ``relationships.bulk``, which write through here.

What the writer does:

- ``BulkLoad.write(table, columns, rows)`` gives the rows explicit, contiguous ids (SQLite:
  ``max(id)`` and ``sqlite_sequence`` under BEGIN IMMEDIATE; PostgreSQL: the identity sequence
  and ``max(id)`` under ``LOCK TABLE ... SHARE ROW EXCLUSIVE``) and returns them as a ``range``
  in row order, so callers link rows they have just written without reading them back.
  PostgreSQL's sequence is moved past the load.
- Multi-row INSERTs on SQLite, ``COPY ... FROM STDIN`` on PostgreSQL, in chunks written by a
  background thread on the same connection (same transaction) while the caller prepares the
  next chunk; callers that query the database meanwhile take ``BulkLoad.db_lock``.
- ``constants``: columns with one value for every row are bound once per statement.
- ``rebuild_indexes``: the table's secondary indexes are dropped for the load and built again
  afterwards, in the same transaction (PostgreSQL readers wait until commit: callers decide).
- ``append(Rows(table, columns, rows))``: rows whose ids the database hands out (no table
  lock), for tables every request writes to, such as the audit trail; ``write(...,
  companion=...)`` appends such rows for each chunk it writes, in its writer thread.
- ``foreign_keys_validated_after(tables)``: the keys among the loaded tables checked once by
  ``ADD CONSTRAINT`` after the load instead of one trigger per row (PostgreSQL).

What it does not do: check anything the database does not. The callers run their domain's
rules on the rows first; the caller holds the transaction.
"""

from __future__ import annotations

import contextlib
import ctypes
import itertools
import queue
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, connection
from django.utils import timezone

# Rows prepared and written at a time; three chunks are in flight (written, waiting, prepared).
CHUNK = 20_000
# Loads writing this many rows refresh the planner statistics of what they wrote.
ANALYZE_MIN_ROWS = 50_000
TIMESTAMPS = ("created_at", "updated_at")


def table_columns(model: type[Any], skip: Sequence[str] = ("id",)) -> tuple[str, ...]:
    """The model's concrete columns in table order (the order of tuple rows), without ``skip``."""
    return tuple(f.column for f in model._meta.concrete_fields if f.column not in skip)


def column_defaults(model: type[Any]) -> dict[str, Any]:
    """Column -> default value for a bulk row of ``model`` (timestamps and id excluded)."""
    values: dict[str, Any] = {}
    for f in model._meta.concrete_fields:
        if f.column == "id" or f.column in TIMESTAMPS:
            continue
        if f.has_default():
            values[f.column] = f.get_default()
        elif f.null:
            values[f.column] = None
        else:
            values[f.column] = ""
    return values


def complete_rows(
    rows: Iterable[Mapping[str, Any] | Sequence[Any]],
    cols: tuple[str, ...],
    all_cols: tuple[str, ...],
    defaults: Mapping[str, Any],
    now_db: Any,
    also_allowed: Iterable[str] = (),
) -> Iterator[list[Any]]:
    """Rows as lists of ``all_cols``: dicts by column name, tuples in the order of ``cols``;
    missing columns take ``defaults``, the timestamps ``now_db``. A dict with a column the
    table does not have (``organisation`` instead of ``organisation_id``) is refused by name."""
    positions = [cols.index(c) if c in cols else -1 for c in all_cols]
    fill = [defaults.get(c, now_db) for c in all_cols]
    for c in TIMESTAMPS:
        if c in all_cols:
            fill[all_cols.index(c)] = now_db
    allowed = set(all_cols) | set(also_allowed)
    for row in rows:
        if isinstance(row, Mapping):
            if not row.keys() <= allowed:
                unknown = ", ".join(sorted(set(row) - allowed))
                raise ValueError(
                    f"Unknown columns in a bulk row: {unknown} (use column names, e.g. organisation_id)."
                )
            yield [
                row.get(c, fill[i]) if c not in TIMESTAMPS else row.get(c) or fill[i]
                for i, c in enumerate(all_cols)
            ]
        elif cols == all_cols:
            yield list(row)
        else:
            yield [row[p] if p >= 0 else fill[i] for i, p in enumerate(positions)]


@dataclass
class Rows:
    """Rows for ``BulkLoad.append`` (or a ``write``'s companion): ``columns`` per row, the
    ``constants`` the same for all; ids come from the database. ``count``: how many were
    written."""

    table: str
    columns: Sequence[str]
    rows: Iterable[Sequence[Any]]
    constants: Mapping[str, Any] = field(default_factory=dict)
    count: int = 0


class BulkLoad:
    """Handle for one bulk load; valid only inside the caller's transaction.

    ``ranges`` holds, per table, the id ranges ``write`` handed out, in order.
    """

    def __init__(self) -> None:
        self.vendor = connection.vendor
        self.now = timezone.now()
        self.now_db = connection.ops.adapt_datetimefield_value(self.now)
        self.ranges: dict[str, list[range]] = {}
        # Held by the background chunk writer while it writes; row producers that query the
        # database in the middle of a write (number blocks, lookups) take it too.
        self.db_lock = threading.RLock()

    def ids(self, table: str) -> list[range]:
        """The id ranges written into ``table`` so far."""
        return self.ranges.get(table, [])

    def next_id(self, table: str) -> int:
        """The id the next ``write`` into ``table`` starts at (rows that point at each other
        need it before they are written). Takes the table lock on PostgreSQL."""
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

    def write(
        self,
        table: str,
        cols: Sequence[str],
        rows: Iterable[Sequence[Any]],
        *,
        rebuild_indexes: bool = False,
        constants: Mapping[str, Any] | None = None,
        companion: Callable[[range], Rows | None] | None = None,
    ) -> range:
        """Write ``rows`` (values of ``cols``) with ids from the table's next one on; return them.

        ``constants``: columns with the same value in every row, bound once per statement
        instead of once per row. ``rebuild_indexes``: drop the secondary indexes for the load
        and build them afterwards (same transaction). ``companion(ids)``: rows of another table
        that belong to each chunk's rows (their audit records, say), as ``Rows``; the writer
        thread appends them right after the chunk, so their cost overlaps with preparing the
        next one.
        """
        qn = connection.ops.quote_name
        dropped = secondary_indexes(table) if rebuild_indexes else []
        if dropped:
            with connection.cursor() as cur:
                for name, _sql in dropped:
                    cur.execute(f"DROP INDEX {qn(name)}")
        first = self.next_id(table)
        const_cols = list(constants or {})
        const_vals = [constants[c] for c in const_cols] if constants else []
        source = iter(rows)
        last = first
        if self.vendor == "postgresql":
            col_sql = ", ".join(qn(c) for c in ["id", *cols, *const_cols])
            copy_sql = f"COPY {qn(table)} ({col_sql}) FROM STDIN"
            insert = None
        else:
            insert = _SqliteInsert(table, cols, const_cols, with_ids=True)
        with _ChunkWriter(self) as writer:
            # Rows are prepared a chunk at a time, outside the writes: preparing may query the
            # database (number blocks, type keys) -- under ``db_lock``, between chunks.
            while rows_chunk := list(itertools.islice(source, CHUNK)):
                if insert is None:
                    ids = itertools.count(last)
                    statements = [
                        (copy_sql, [(next(ids), *row, *const_vals) for row in rows_chunk])
                    ]
                else:
                    statements = insert.statements(last, const_vals, rows_chunk)
                if companion is not None:
                    extra = companion(range(last, last + len(rows_chunk)))
                    if extra is not None:
                        statements += self._append_statements(extra)
                writer.put(statements)
                last += len(rows_chunk)
        if dropped:
            self._build_indexes(dropped)
        if last - first >= ANALYZE_MIN_ROWS:
            refresh_statistics([table])
        if self.vendor == "postgresql" and last > first:
            with connection.cursor() as cur:
                cur.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, last - 1]
                )
        done = range(first, last)
        self.ranges.setdefault(table, []).append(done)
        return done

    def append(self, rows: Rows) -> int:
        """Write ``rows`` with ids the database hands out, in chunks; return how many.

        No table lock, so tables that every request writes to (the audit trail) stay open to
        other writers; written in this thread, so it may also be called from a row producer
        while a ``write`` of another table streams (it takes ``db_lock``).
        """
        source = iter(rows.rows)
        while chunk := list(itertools.islice(source, CHUNK)):
            part = Rows(rows.table, rows.columns, chunk, rows.constants)
            with self.db_lock:
                connection.ensure_connection()
                raw = connection.connection
                for sql, params in self._append_statements(part):
                    if self.vendor == "postgresql":
                        with raw.cursor() as cur, cur.copy(sql) as copy:
                            for row in params:
                                copy.write_row(row)
                    else:
                        raw.execute(sql, params)
            rows.count += len(chunk)
        return rows.count

    def _append_statements(self, rows: Rows) -> list[tuple[str, Any]]:
        """Statements that write ``rows`` with database ids, in the chunk writer's form."""
        qn = connection.ops.quote_name
        data = rows.rows if isinstance(rows.rows, list) else list(rows.rows)
        if not data:
            return []
        const_cols = list(rows.constants)
        const_vals = [rows.constants[c] for c in const_cols]
        if self.vendor == "postgresql":
            col_sql = ", ".join(qn(c) for c in [*rows.columns, *const_cols])
            copy_sql = f"COPY {qn(rows.table)} ({col_sql}) FROM STDIN"
            return [(copy_sql, [(*row, *const_vals) for row in data])]
        insert = _SqliteInsert(rows.table, rows.columns, const_cols, with_ids=False)
        return insert.statements(0, const_vals, data)

    def _build_indexes(self, statements: list[tuple[str, str]]) -> None:
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
            for _name, sql in statements:
                cur.execute(sql)
            if self.vendor == "postgresql":
                cur.execute("SET CONSTRAINTS ALL DEFERRED")
            else:
                cur.execute("PRAGMA threads = 0")


def refresh_statistics(tables: Iterable[str]) -> None:
    """ANALYZE ``tables`` after a big load, in the caller's transaction. Without statistics the
    planners guess: SQLite takes an index equality for ten rows, so the customer file of a
    1M-party demo read a link type's 600,000 rows through the type index (67 ms) instead of the
    party's few links through its own indexes; PostgreSQL scanned the party table for each batch
    of keys until autovacuum caught up. SQLite samples (``analysis_limit``: 0.15 s for a million
    parties and their links instead of a full scan); PostgreSQL's ANALYZE samples anyway, takes
    no lock that blocks readers or writers, and counts this transaction's rows."""
    qn = connection.ops.quote_name
    _analyze([f"ANALYZE {qn(table)}" for table in dict.fromkeys(tables)])


def _analyze(statements: list[str]) -> None:
    """Run ANALYZE ``statements``; on SQLite sampled (``analysis_limit``), put back after."""
    sqlite = connection.vendor == "sqlite"
    with connection.cursor() as cur:
        if sqlite:
            cur.execute("PRAGMA analysis_limit = 1000")
        try:
            for sql in statements:
                cur.execute(sql)
        finally:
            if sqlite:
                cur.execute("PRAGMA analysis_limit = 0")


def refresh_all_statistics() -> bool:
    """Every table's statistics, sampled, on SQLite (returns whether it ran): a database that
    grew by small writes never passes ``ANALYZE_MIN_ROWS`` in one load, and SQLite, unlike
    PostgreSQL's autovacuum, never refreshes them by itself. The job workers run this once a day
    (``core.jobs.start_sweeper``); sampled, it takes well under a second at a million parties."""
    if connection.vendor != "sqlite":
        return False
    _analyze(["ANALYZE"])
    return True


def secondary_indexes(table: str) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the table's indexes that back no constraint: those a bulk
    load may drop and build again afterwards."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
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


class _SqliteInsert:
    """Multi-row ``INSERT ... VALUES (...), (...)`` statements for SQLite.

    One statement per few hundred rows instead of one ``executemany`` step per row: the writer
    thread gives up and takes back the GIL once per statement, not once per row (while the
    producer thread was busy, each take-back could wait a switch interval), and the constant
    columns and the ids cost one bound value per statement: with ids, ``?1`` is the
    statement's first id and row ``j`` gets ``?1 + j``; the constants follow. Numbered
    parameters, so no value ever becomes SQL text.
    """

    ROWS = 500

    def __init__(
        self, table: str, cols: Sequence[str], const_cols: Sequence[str], *, with_ids: bool
    ) -> None:
        qn = connection.ops.quote_name
        self.with_ids = with_ids
        head_cols = ["id", *cols, *const_cols] if with_ids else [*cols, *const_cols]
        self.head = f"INSERT INTO {qn(table)} (" + ", ".join(qn(c) for c in head_cols) + ") VALUES "
        self.width = len(cols)
        self.n_const = len(const_cols)
        self.n_lead = int(with_ids)
        try:
            limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        except AttributeError:  # pragma: no cover - Python built without getlimit
            limit = 999
        self.per_statement = max(
            1, min(self.ROWS, (limit - self.n_lead - self.n_const) // max(1, self.width))
        )
        self._sql: dict[int, str] = {}

    def sql(self, n: int) -> str:
        """The statement for ``n`` rows."""
        got = self._sql.get(n)
        if got is None:
            first_const = 1 + self.n_lead
            consts = ", ".join(f"?{first_const + i}" for i in range(self.n_const))
            base = first_const + self.n_const
            values = []
            for j in range(n):
                start = base + j * self.width
                parts = [f"?1 + {j}"] if self.with_ids else []
                parts += [f"?{start + i}" for i in range(self.width)]
                if consts:
                    parts.append(consts)
                values.append("(" + ", ".join(parts) + ")")
            got = self._sql[n] = self.head + ", ".join(values)
        return got

    def statements(
        self, first_id: int, const_vals: list[Any], rows: list[Sequence[Any]]
    ) -> list[tuple[str, list[Any]]]:
        """``(sql, parameters)`` for ``rows``, whose ids (if the table's are given) start at
        ``first_id``."""
        out = []
        step = self.per_statement
        for s in range(0, len(rows), step):
            part = rows[s : s + step]
            lead = [first_id + s] if self.with_ids else []
            params = [*lead, *const_vals, *itertools.chain.from_iterable(part)]
            if len(params) != self.n_lead + self.n_const + self.width * len(part):
                bad = next(r for r in part if len(r) != self.width)
                raise ValueError(f"A bulk row has {len(bad)} values, expected {self.width}.")
            out.append((self.sql(len(part)), params))
        return out


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


class BrokenReference(IntegrityError):
    """A foreign key added back after a load found a row referring to nothing."""


@contextlib.contextmanager
def foreign_keys_validated_after(tables: Sequence[str]) -> Iterator[None]:
    """PostgreSQL: take out the foreign keys among ``tables`` for the block and add them back
    afterwards, exactly as they were, in the same transaction (the pg_restore technique).

    Each deferred key otherwise queues a trigger event per inserted row and checks it at commit
    with one query per row; ``ADD CONSTRAINT`` checks all rows in one join, and a violation fails
    it (``BrokenReference``), so nothing that violates a key can be committed. Only keys whose
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


# --- set-based reads and updates ------------------------------------------------------------


def stream(sql: str, params: Sequence[Any], size: int = 20_000) -> Iterator[tuple[Any, ...]]:
    """Rows of a big query without holding them all (server-side cursor on PostgreSQL)."""
    with connection.chunked_cursor() as cur:
        cur.execute(sql, params)
        while True:
            rows = cur.fetchmany(size)
            if not rows:
                break
            yield from rows


def chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """``items`` in lists of at most ``size``."""
    it = iter(items)
    while True:
        chunk = list(itertools.islice(it, size))
        if not chunk:
            return
        yield chunk


def select_in(
    sql: str, params: Sequence[Any], column: str, values: Sequence[Any]
) -> Iterator[tuple[Any, ...]]:
    """``sql AND column IN (...)`` in chunks small enough for SQLite's parameter limit."""
    for chunk in chunks(values, 900):
        marks = ", ".join(["%s"] * len(chunk))
        with connection.cursor() as cur:
            cur.execute(f"{sql} AND {column} IN ({marks})", [*params, *chunk])
            yield from cur.fetchall()


def scalar(sql: str, params: Sequence[Any]) -> Any:
    """The first column of the first row, or None."""
    with connection.cursor() as cur:
        cur.execute(sql, params)
        row = cur.fetchone()
    return row[0] if row else None


def executemany(sql: str, rows: Sequence[Sequence[Any]]) -> None:
    if rows:
        with connection.cursor() as cur:
            cur.executemany(sql, rows)


def update_by_id(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """``UPDATE table SET columns WHERE id``; each row is (*values, id).

    SQLite: executemany (one cheap statement per row in process). PostgreSQL: the rows go by
    COPY into a temporary table and out with one UPDATE ... FROM, instead of a round trip per
    row.
    """
    if not rows:
        return
    if connection.vendor != "postgresql" or len(rows) < 50:
        sets = ", ".join(f"{c} = %s" for c in columns)
        executemany(f"UPDATE {table} SET {sets} WHERE id = %s", rows)
        return
    cols = ", ".join(columns)
    with connection.cursor() as wrapper:
        cur = wrapper.cursor
        cur.execute("DROP TABLE IF EXISTS verbund_bulk_update")
        # The columns' own types, taken from the table.
        cur.execute(
            f"CREATE TEMPORARY TABLE verbund_bulk_update ON COMMIT DROP AS SELECT {cols}, id FROM {table} WITH NO DATA"
        )
        with cur.copy(f"COPY verbund_bulk_update ({cols}, id) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        sets = ", ".join(f"{c} = u.{c}" for c in columns)
        cur.execute(f"UPDATE {table} t SET {sets} FROM verbund_bulk_update u WHERE t.id = u.id")
        cur.execute("DROP TABLE verbund_bulk_update")


def release_free_memory() -> None:
    """Give back what the process holds and does not use: this connection's SQLite page cache
    (its pages are read again from the file or its mapping when needed) and the heap's free
    pages (glibc keeps them otherwise).

    Called after a big run, so that a worker does not carry its peak into the next job, and
    before a row reader is forked: every inherited page this process changes afterwards (a
    cache page replaced, a freed object's memory reused) stays behind in the child as a copy
    of its own until it ends. On the 1M import bench a re-import's child grew to 456 MB that
    way, against 150 MB forked from a fresh process."""
    if connection.vendor == "sqlite" and connection.connection is not None:
        # On the driver's connection: no data is read, and it must work after a failed
        # statement too, when Django refuses queries until the rollback.
        connection.connection.execute("PRAGMA shrink_memory")
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        ctypes.CDLL("libc.so.6").malloc_trim(0)
