"""Benchmark the hierarchy engine at scale: `verbund bench hierarchy --size 1000000 [--db-url URL]`.

Builds (or reuses) a database with groups of 10, 1,000, 10,000 and 100,000 members, depth up to
12, bulk-loaded with executemany (SQLite) or COPY (PostgreSQL) and a set-based closure rebuild,
then prints medians and the ratio to raw SQL returning the same rows in the same run.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Any, TextIO

import orjson
from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from verbund.bench.common import bench_dir, ratio
from verbund.core import audit, exports
from verbund.core.collector import gc_paused
from verbund.hierarchies import browse, engine, selectors
from verbund.hierarchies.engine import CT, PT
from verbund.parties.models import Party
from verbund.relationships.models import Relationship, RelationshipSource, RelationshipType

NUMBER_PREFIX = "HB"
MAX_DEPTH = 12


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--size", type=int, default=1_000_000, help="Parties in the benchmark database."
    )
    parser.add_argument(
        "--db-url",
        dest="db_url",
        help="Database to build or reuse (default: SQLite under $VERBUND_BENCH_DIR, else "
        "bench-data in the current directory).",
    )
    parser.add_argument("--repeat", type=int, default=20, help="Runs per query for the medians.")
    parser.add_argument("--requests", type=int, default=200, help="Requests for the endpoint p95.")
    parser.add_argument(
        "--parts",
        default="all",
        help="comma-separated: all (default), or exports (the 100,000 group's CSV and XLSX "
        "export alone, through the test client).",
    )
    parser.add_argument(
        "--rebuild-closure",
        dest="rebuild_closure",
        action="store_true",
        help="Rebuild the closure of reused data (timed).",
    )


# --- data ---------------------------------------------------------------------------------


def random_tree(
    n: int, rnd: random.Random, max_depth: int = MAX_DEPTH, first_depth: int = 0
) -> tuple[list[int], list[int]]:
    """Parents (index, -1 for the root) and depths of an n-node tree no deeper than max_depth.

    Parents are drawn from the later half of the nodes so far, which makes deep trees; a node
    that would be too deep hangs near the top instead.
    """
    parent, depth = [-1], [first_depth]
    for i in range(1, n):
        p = rnd.randrange(i // 2, i)
        if depth[p] >= max_depth:
            p = rnd.randrange(0, min(i, 8))
            while depth[p] >= max_depth:
                p = parent[p]
        parent.append(p)
        depth.append(depth[p] + 1)
    return parent, depth


def plan_groups(size: int) -> list[int]:
    groups: list[int] = []
    if size >= 250_000:
        groups.append(100_000)
    if size >= 20_000:
        groups += [10_000] * min(5, max(1, size // 200_000))
    groups += [1_000] * min(100, max(1, size // 10_000))
    rest = size - sum(groups)
    groups += [10] * max(0, rest // 10)
    return groups


def _row_template(model: type[models.Model], now: Any) -> tuple[list[str], dict[str, Any]]:
    cols, defaults = [], {}
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        cols.append(field.column)
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            defaults[field.column] = now
        elif field.null and not field.has_default():
            defaults[field.column] = None
        else:
            defaults[field.column] = field.get_default()
    return cols, defaults


def _insert(model: type[models.Model], rows: Sequence[dict[str, Any]], now: Any) -> int:
    """Insert raw rows: COPY on PostgreSQL, executemany in chunks on SQLite."""
    cols, defaults = _row_template(model, now)
    if rows and "id" in rows[0]:
        cols = ["id", *cols]
    table = model._meta.db_table
    count = 0

    def tuples() -> Iterable[tuple[Any, ...]]:
        nonlocal count
        for row in rows:
            count += 1
            yield tuple(row.get(c, defaults.get(c)) for c in cols)

    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            raw = cur.cursor
            with raw.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                for t in tuples():
                    copy.write_row(t)
        else:
            sql = (
                f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join(['%s'] * len(cols))})"
            )
            batch: list[tuple[Any, ...]] = []
            for t in tuples():
                batch.append(t)
                if len(batch) >= 50_000:
                    cur.executemany(sql, batch)
                    batch = []
            if batch:
                cur.executemany(sql, batch)
    return count


CITIES = [
    "Köln",
    "Bonn",
    "Hamburg",
    "München",
    "Berlin",
    "Leipzig",
    "Dresden",
    "Essen",
    "Bremen",
    "Mainz",
]


def build(size: int, out: TextIO, seed: int = 7) -> dict[str, Any]:
    """Bulk-load ``size`` parties in groups and rebuild the closure; one transaction, one audit record."""
    rnd = random.Random(seed)
    now = timezone.now()
    group_type = RelationshipType.objects.get(key="group")
    start = (Party.objects.aggregate(m=models.Max("id"))["m"] or 0) + 1
    groups = plan_groups(size)
    parties: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    meta: dict[str, Any] = {"size": size, "groups": {}, "move": None}
    next_id = start
    for n in groups:
        base = next_id
        if n == 100_000:
            # Root -> A -> B -> C, and C carries a 10,000-member subtree (the move benchmark).
            rest = n - 10_002
            rest_parent, rest_depth = random_tree(rest, rnd, MAX_DEPTH)
            sub_parent, sub_depth = random_tree(10_000, rnd, MAX_DEPTH, first_depth=3)
            parent = [
                *rest_parent,
                0,
                rest,
                *[(rest + 1 if p < 0 else rest + 2 + p) for p in sub_parent],
            ]
            depth = [*rest_depth, 1, 2, *sub_depth]
            meta["move"] = {"subtree_root": base + rest + 2, "old_parent": base + rest + 1}
        else:
            parent, depth = random_tree(n, rnd, MAX_DEPTH if n > 10 else 3)
        for i in range(n):
            pid = next_id + i
            parties.append(
                {
                    "id": pid,
                    "kind": "organisation",
                    "number": f"{NUMBER_PREFIX}{pid:09d}",
                    "name": f"Firma {pid} GmbH",
                    "city": CITIES[pid % 10],
                    "country": "DE",
                    "status": "customer",
                }
            )
            if parent[i] >= 0:
                links.append(
                    {
                        "type_id": group_type.pk,
                        "from_party_id": pid,
                        "to_party_id": base + parent[i],
                        "source": RelationshipSource.DEMO,
                    }
                )
        deepest = max(range(n), key=lambda i: depth[i])
        meta["groups"].setdefault(str(n), []).append(
            {"root": base, "deepest": base + deepest, "depth": depth[deepest]}
        )
        next_id += n
    t0 = time.perf_counter()
    with transaction.atomic():
        _insert(Party, parties, now)
        _insert(Relationship, links, now)
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{PT}', 'id'), (SELECT MAX(id) FROM {PT}))"
                )
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{Relationship._meta.db_table}', 'id'), (SELECT MAX(id) FROM {Relationship._meta.db_table}))"
                )
                cur.execute(f"ANALYZE {PT}")
                cur.execute(f"ANALYZE {Relationship._meta.db_table}")
        t1 = time.perf_counter()
        counts = engine.rebuild_closure(["group"])
        t2 = time.perf_counter()
        audit.record(
            actor=None,
            action="hierarchy.bench_load",
            object_type="hierarchies.closureentry",
            after={"parties": len(parties), "links": len(links), "closure": counts},
        )
    _settle()
    meta["load_seconds"] = round(t1 - t0, 1)
    meta["rebuild_seconds"] = round(t2 - t1, 1)
    meta["closure_rows"] = counts["group"]
    out.write(
        f"loaded {len(parties):,} parties and {len(links):,} links in {t1 - t0:.1f} s; closure {counts['group']:,} rows in {t2 - t1:.1f} s\n"
    )
    return meta


def _settle() -> None:
    """After a bulk load, outside its transaction: statistics, and on PostgreSQL the visibility
    map (index-only reads), on SQLite a checkpoint (reads need not consult a huge WAL).
    Inside a transaction (tests) only ANALYZE is allowed."""
    outside = not connection.in_atomic_block
    with connection.cursor() as cur:
        for table in (PT, Relationship._meta.db_table, CT):
            vacuum = connection.vendor == "postgresql" and outside
            cur.execute(f"VACUUM ANALYZE {table}" if vacuum else f"ANALYZE {table}")
        if connection.vendor == "sqlite" and outside:
            cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")


# --- measuring ----------------------------------------------------------------------------


class Timings(list[float]):
    """Wall-clock milliseconds, with this process's CPU milliseconds beside them: on a shared,
    overloaded machine the wall clock mostly measures the queue for a core; the CPU time of the
    process (which includes SQLite's work, not PostgreSQL's) does not."""

    def __init__(self) -> None:
        super().__init__()
        self.cpu: list[float] = []

    def add(self, wall: float, cpu: float) -> None:
        self.append(wall)
        self.cpu.append(cpu)


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(start: tuple[float, float]) -> tuple[float, float]:
    return (time.perf_counter() - start[0]) * 1000, (time.process_time() - start[1]) * 1000


def _times(fn: Callable[[], Any], repeat: int) -> Timings:
    fn()  # warm
    out = Timings()
    for _ in range(repeat):
        t = _clock()
        fn()
        out.add(*_since(t))
    return out


def _raw(sql: str, params: Sequence[Any]) -> Callable[[], list[tuple[Any, ...]]]:
    # With the garbage collector paused, as the selectors read big results: otherwise the raw
    # floor pays for collections the application does not, and looks slower than it is.
    def run() -> list[tuple[Any, ...]]:
        with gc_paused(), connection.cursor() as cur:
            cur.execute(sql, params)
            return list(cur.fetchall())

    return run


def _raw_no_jit(sql: str, params: Sequence[Any]) -> Callable[[], list[tuple[Any, ...]]]:
    """Raw SQL with PostgreSQL's JIT off for its transaction, as the application reads."""
    if connection.vendor != "postgresql":
        return _raw(sql, params)

    def run() -> list[tuple[Any, ...]]:
        with gc_paused(), transaction.atomic(), connection.cursor() as cur:
            cur.execute("SET LOCAL jit = off")
            cur.execute(sql, params)
            return list(cur.fetchall())

    return run


def _raw_group_shapes(type_id: int, member: int) -> list[Callable[[], list[tuple[Any, ...]]]]:
    """Raw SQL for a whole group (root found inline), in each shape worth trying: the plain
    join (the planner's choice: on PostgreSQL a parallel hash join over all parties for a big
    group) and the per-member index probe the application uses, fetched at once and (on
    PostgreSQL) streamed. All without JIT."""
    top = f"(SELECT ancestor_id FROM {CT} WHERE type_id = %s AND descendant_id = %s ORDER BY depth DESC LIMIT 1)"
    params = [type_id, member, type_id]
    plain = f"""SELECT c.descendant_id, p.number, p.name, p.city, c.depth, c.child_count, c.parent_id
              FROM {CT} c JOIN {PT} p ON p.id = c.descendant_id
              WHERE c.ancestor_id = {top} AND c.type_id = %s"""
    shapes = [_raw_no_jit(plain, params)]
    if connection.vendor == "postgresql":
        probe = f"""SELECT c.descendant_id, p.number, p.name, p.city, c.depth, c.child_count, c.parent_id
              FROM {CT} c CROSS JOIN LATERAL (SELECT q.number, q.name, q.city FROM {PT} q WHERE q.id = c.descendant_id OFFSET 0) p
              WHERE c.ancestor_id = {top} AND c.type_id = %s"""
        shapes.append(_raw_no_jit(probe, params))
        shapes.append(_raw_streamed(probe, params))
    return shapes


def _raw_streamed(sql: str, params: Sequence[Any]) -> Callable[[], list[tuple[Any, ...]]]:
    """The same rows taken in chunks as the server sends them, as ``group_rows`` does: the
    floor gets every technique the application uses."""

    def run() -> list[tuple[Any, ...]]:
        with gc_paused(), transaction.atomic(), connection.cursor() as cur:
            cur.execute("SET LOCAL jit = off")
            return list(cur.cursor.stream(sql, params, size=selectors.STREAM_CHUNK))

    return run


def _interleaved(
    app: Callable[[], Any], shapes: list[Callable[[], Any]], repeat: int
) -> tuple[Timings, Timings]:
    """Time the application and each raw shape in turns, one run each per round, so that a
    busy minute on a shared machine falls on both alike; returns the application's timings
    and those of the fastest raw shape (by median)."""
    fns = [app, *shapes]
    for fn in fns:
        fn()  # warm
    timings = [Timings() for _ in fns]
    for _ in range(repeat):
        for fn, out in zip(fns, timings, strict=True):
            t = _clock()
            fn()
            out.add(*_since(t))
    return timings[0], min(timings[1:], key=statistics.median)


def _raw_group_json(type_id: int, member: int) -> Callable[[], Any]:
    """The whole group as one JSON array, raw: on SQLite written by the database in one
    statement, on PostgreSQL the streamed raw rows encoded here with orjson (as the application
    does, PostgreSQL's json_agg being slower)."""
    top = f"(SELECT ancestor_id FROM {CT} WHERE type_id = %s AND descendant_id = %s ORDER BY depth DESC LIMIT 1)"
    if connection.vendor == "postgresql":
        rows = _raw_group_shapes(type_id, member)[-1]
        return lambda: orjson.dumps(rows())
    sql = f"""SELECT COUNT(*), CAST(json_group_array(json_array(c.descendant_id, p.number,
          p.name, p.city, c.depth, c.child_count, c.parent_id)) AS BLOB) FROM {CT} c
          JOIN {PT} p ON p.id = c.descendant_id WHERE c.ancestor_id = {top} AND c.type_id = %s"""
    return _raw_no_jit(sql, [type_id, member, type_id])


def _client() -> Any:
    from django.contrib.auth.models import User
    from django.test import Client

    user = User.objects.filter(username="bench-hier").first() or User.objects.create_superuser(
        "bench-hier", "", None
    )
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(user)
    return client


def _raw_group(type_id: int, member: int) -> Callable[[], list[tuple[Any, ...]]]:
    return _raw_group_shapes(type_id, member)[0]


def _in_rollback(fn: Callable[[], Any], repeat: int) -> Timings:
    """Time fn inside a transaction that is rolled back, so the data stays as built."""
    out = Timings()
    for _ in range(repeat):
        with transaction.atomic():
            t = _clock()
            fn()
            out.add(*_since(t))
            transaction.set_rollback(True)
        engine.forget_freshness()
    return out


def _closure_writes(fn: Callable[[], Any]) -> list[tuple[str, Any]]:
    """The statements writing today's or the dated closure that ``fn`` runs (in a rolled-back
    transaction), with their parameters."""
    from verbund.hierarchies.dated import DT

    writes: list[tuple[str, Any]] = []

    def capture(
        execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        verb = sql.lstrip().split(None, 1)[0].upper()
        if not many and verb in ("INSERT", "DELETE", "UPDATE") and (CT in sql or DT in sql):
            writes.append((sql, params))
        return execute(sql, params, many, context)

    with transaction.atomic():
        with connection.execute_wrapper(capture):
            fn()
        transaction.set_rollback(True)
    engine.forget_freshness()
    return writes


def measure(
    meta: dict[str, Any],
    repeat: int,
    requests: int,
    out: TextIO,
    parts: frozenset[str] = frozenset({"all"}),
) -> list[dict[str, Any]]:
    """Every figure, or with ``parts`` {"exports"} only the exports of the biggest group."""
    from verbund.hierarchies.actions import do_move_subtree

    gtype = RelationshipType.objects.get(key="group")
    engine.ensure_fresh(gtype)
    results: list[dict[str, Any]] = []

    def add(
        name: str,
        app: Timings,
        raw: Timings | None,
        target: float | None,
        stat: str = "median",
    ) -> None:
        """One line; ``target`` None for a figure printed for information (no floor named)."""
        value = (
            statistics.median(app)
            if stat == "median"
            else sorted(app)[max(0, int(len(app) * 0.95) - 1)]
        )
        base = statistics.median(raw) if raw else None
        cpu = statistics.median(app.cpu)
        raw_cpu = statistics.median(raw.cpu) if raw else None
        multiple = ratio(value, base)
        row = {
            "query": name,
            "stat": stat,
            "ms": round(value, 2),
            "cpu_ms": round(cpu, 2),
            "raw_cpu_ms": round(raw_cpu, 2) if raw_cpu is not None else None,
            "raw_ms": round(base, 2) if base else None,
            "ratio": round(multiple, 2) if multiple is not None else None,
            "target_ms": target,
            "ok": None if target is None else value <= target,
        }
        verdict = "info" if target is None else "ok" if row["ok"] else "MISSED"
        goal = "" if target is None else f"{target:>6} ms"
        results.append(row)
        out.write(
            f"{name:<46} {stat:>6} {value:9.2f} ms (cpu {cpu:8.2f})   raw {base or 0:8.2f} ms (cpu {raw_cpu or 0:8.2f})"
            f"   ratio {row['ratio'] or 0:5.2f}   target {goal:>9}  {verdict}\n"
        )

    if "all" not in parts:
        if "exports" in parts:
            size = max(meta["groups"], key=int)
            measure_exports(
                meta["groups"][size][0]["deepest"], gtype.pk, repeat, add, f"{int(size):,}"
            )
        return results

    for size, target in (("100000", 250.0), ("1000", 10.0)):
        if size not in meta["groups"]:
            continue
        member = meta["groups"][size][0]["deepest"]
        reps = max(5, repeat // 2) if size == "100000" else repeat
        app, raw = _interleaved(
            partial(selectors.group_rows, member, "group"),
            _raw_group_shapes(gtype.pk, member),
            reps,
        )
        add(f"whole {int(size):,} group from its deepest member", app, raw, target)
        if size == "100000":
            app_json, raw_json = _interleaved(
                partial(selectors.group_json, member, "group"),
                [_raw_group_json(gtype.pk, member)],
                reps,
            )
            add("  ... as JSON (SQLite: written by the database)", app_json, raw_json, target)
            client = _client()
            url = f"/api/v1/parties/{member}/group/?type=group"
            assert client.get(url).status_code == 200
            add(
                "  ... the group endpoint, whole response",
                _times(partial(client.get, url), reps),
                raw_json,
                target,
            )
            add(
                "  ... as a nested tree (all levels)",
                _times(partial(selectors.tree, member, "group", None, MAX_DEPTH), reps),
                raw,
                None,
            )
    big = next(
        iter(meta["groups"].get("100000") or meta["groups"].get("10000") or meta["groups"]["1000"])
    )
    deepest = big["deepest"]
    app = _times(lambda: selectors.ancestors(deepest, "group"), repeat * 5)
    raw = _times(
        _raw(
            f"SELECT p.id, p.number, p.name, p.city, c.depth FROM {CT} c JOIN {PT} p ON p.id = c.ancestor_id WHERE c.type_id = %s AND c.descendant_id = %s AND c.depth > 0 ORDER BY c.depth DESC",
            [gtype.pk, deepest],
        ),
        repeat * 5,
    )
    add(f"ancestors of a depth-{big['depth']} member", app, raw, 2.0)
    past = engine.today().replace(year=engine.today().year - 1)
    raw_past = _raw(
        selectors.ANCESTORS_AS_OF_SQL,
        [gtype.pk, deepest, past, past, gtype.pk, past, past, engine.MAX_WALK],
    )
    add(
        "  ... as of a past date (recursive CTE)",
        _times(lambda: selectors.ancestors(deepest, "group", past), repeat * 5),
        _times(raw_past, repeat * 5),
        None,
    )

    if "100000" in meta["groups"]:
        measure_pages(meta["groups"]["100000"][0]["deepest"], gtype.pk, repeat, add)

    if meta.get("move"):
        sub, old = meta["move"]["subtree_root"], meta["move"]["old_parent"]
        target_group = meta["groups"]["1000"][0]["deepest"]
        child, new_parent = Party.objects.get(pk=sub), Party.objects.get(pk=target_group)
        n_sub = len(selectors.subtree_ids(sub, "group"))
        reps = max(3, repeat // 4)
        moves = _in_rollback(lambda: do_move_subtree(child, new_parent, "group", actor=None), reps)

        # The raw floor: the closure writes the move itself ran (today's closure and, since
        # decision 0023, the dated one), captured once and replayed as plain SQL on the same
        # data, without the rules, link writes, audit and savepoints around them.
        writes = _closure_writes(lambda: do_move_subtree(child, new_parent, "group", actor=None))

        def raw_move() -> None:
            engine.no_jit()
            with connection.cursor() as cur:
                for sql, params in writes:
                    cur.execute(sql, params)

        raws = _in_rollback(raw_move, reps)
        add(
            f"move a {n_sub:,}-member subtree (closure upkeep; raw: its {len(writes)} closure writes)",
            moves,
            raws,
            1000.0,
        )
        assert old

    if "1000" in meta["groups"]:
        member = meta["groups"]["1000"][1 if len(meta["groups"]["1000"]) > 1 else 0]["deepest"]
        client = _client()
        url = f"/api/v1/parties/{member}/hierarchy/?type=group"
        assert client.get(url).status_code == 200
        times = Timings()
        for _ in range(requests):
            t = _clock()
            res = client.get(url)
            times.add(*_since(t))
            assert res.status_code == 200
        add(
            "hierarchy endpoint, 1,000-member group",
            times,
            _times(_raw_group(gtype.pk, member), repeat),
            100.0,
            stat="p95",
        )
    return results


def _drain(response: Any) -> int:
    """Read a response to its end (a streamed one piece by piece); its size in bytes."""
    assert response.status_code == 200, response.status_code
    if response.streaming:
        # The test client closes the response when its content is exhausted (without closing
        # the database connection, which a test's transaction still needs).
        return sum(len(piece) for piece in response.streaming_content)
    return len(response.content)


def _fetch(client: Any, url: str) -> int:
    return _drain(client.get(url))


def measure_pages(
    member: int, type_id: int, repeat: int, add: Callable[..., None], size: str = "100,000"
) -> None:
    """The hierarchy view opened from the deepest member of a group (the 100,000-member one),
    and the group's export as CSV and Excel, through the test client (the whole response
    read), each beside the raw SQL that reads the rows it shows or writes."""
    client = _client()
    view = f"/parties/{member}/hierarchy/?type=group"
    _drain(client.get(view))
    # The rows the view is built from: every child of the ultimate parent and of each node
    # on the path down to the member (names, numbers, cities, child counts), in one read.
    shown = _raw(
        f"""SELECT p.id, p.number, p.name, p.city, c.child_count, c.ancestor_id
            FROM {CT} c JOIN {PT} p ON p.id = c.descendant_id
            WHERE c.type_id = %s AND c.depth = 1 AND c.ancestor_id IN
                (SELECT ancestor_id FROM {CT} WHERE type_id = %s AND descendant_id = %s)""",
        [type_id, type_id, member],
    )
    app, raw = _interleaved(lambda: _drain(client.get(view)), [shown], repeat)
    add(f"hierarchy view from the deepest member ({size})", app, raw, 100.0)
    measure_exports(member, type_id, repeat, add, size)


def measure_exports(
    member: int, type_id: int, repeat: int, add: Callable[..., None], size: str
) -> None:
    """The group's export as CSV and Excel through the test client (the whole response read),
    beside the raw SQL that reads its rows; ``repeat // 5`` runs each, at least 3."""
    client = _client()
    reps = max(3, repeat // 5)
    floor = _times(_raw_group(type_id, member), reps)
    for fmt in ("csv", "xlsx"):
        url = f"/parties/{member}/hierarchy/export.{fmt}?type=group"
        nbytes = _drain(client.get(url))
        add(
            f"export of the {size} group, {fmt.upper()} ({nbytes / 1e6:.1f} MB)",
            _times(partial(_fetch, client, url), reps),
            floor,
            5000.0,
        )
    # The workbook alone, from the same rows held in a list, by each writer (decision 0033):
    # what the writer costs, without the read of the rows.
    rows = list(browse.export_rows(member, "group", None))
    header = ["Level", "Number", "Name", "City", "Children", "Parent number"]
    for label, writer in (
        ("rust_xlsxwriter", exports.xlsx_file),
        ("xlsxwriter", exports.xlsx_file_xlsxwriter),
    ):
        add(
            f"  ... the workbook alone, {label}",
            _times(partial(_write_and_close, writer, header, rows), reps),
            floor,
            None,
        )


def _write_and_close(
    writer: Callable[[str, list[str], Iterable[Iterable[Any]]], Any],
    header: list[str],
    rows: list[tuple[Any, ...]],
) -> None:
    writer("group", header, rows).close()


def run(options: dict[str, Any], stdout: TextIO) -> int:
    size = int(options["size"])
    url = options.get("db_url")
    if url is None and connection.vendor == "sqlite" and not os.environ.get("VERBUND_BENCH_CHILD"):
        bench_dir().mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{(bench_dir() / f'hier-{size}.sqlite3').resolve()}"
    if url and not os.environ.get("VERBUND_BENCH_CHILD"):
        # A fresh process, so settings, connections and migrations all point at the bench database.
        args = [
            sys.executable,
            "-m",
            "verbund",
            "bench",
            "hierarchy",
            "--size",
            str(size),
            "--repeat",
            str(options["repeat"]),
            "--requests",
            str(options["requests"]),
        ]
        if options.get("rebuild_closure"):
            args.append("--rebuild-closure")
        args += ["--parts", str(options.get("parts") or "all")]
        env = {**os.environ, "DATABASE_URL": url, "VERBUND_BENCH_CHILD": "1"}
        return subprocess.call(args, env=env)  # noqa: S603 - our own interpreter and arguments
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    bench_dir().mkdir(parents=True, exist_ok=True)
    meta_file = (
        bench_dir()
        / f"hier-{connection.vendor}-{connection.settings_dict['NAME'].replace('/', '_')[-60:]}-{size}.json"
    )
    existing = Party.objects.filter(number__startswith=NUMBER_PREFIX).count()
    if existing == 0 or not meta_file.exists():
        if existing:
            stdout.write(
                f"{existing:,} bench parties exist without their plan file; use a fresh database\n"
            )
            return 1
        meta = build(size, stdout)
        meta_file.write_text(json.dumps(meta))
    elif existing != size:
        stdout.write(
            f"this database holds {existing:,} bench parties, not {size:,}; use a fresh database\n"
        )
        return 1
    else:
        meta = json.loads(meta_file.read_text())
        stdout.write(
            f"reusing {existing:,} parties ({meta.get('closure_rows', 0):,} closure rows)\n"
        )
        if options.get("rebuild_closure"):
            t = time.perf_counter()
            counts = engine.rebuild_closure(["group"])
            meta["rebuild_seconds"] = round(time.perf_counter() - t, 1)
            stdout.write(
                f"closure rebuilt: {counts['group']:,} rows in {meta['rebuild_seconds']} s\n"
            )
            _settle()
    stdout.write(f"\nhierarchy benchmark: {size:,} parties on {connection.vendor}\n")
    parts = frozenset(p.strip() for p in str(options.get("parts") or "all").split(","))
    results = measure(meta, int(options["repeat"]), int(options["requests"]), stdout, parts)
    suffix = "" if "all" in parts else "-" + "-".join(sorted(parts))
    (bench_dir() / f"hier-results-{connection.vendor}-{size}{suffix}.json").write_text(
        json.dumps({"meta": meta, "results": results}, indent=1)
    )
    return 0
