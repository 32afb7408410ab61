"""Bulk duplicate detection on DuckDB: blocking, scoring with the shared comparisons, clusters.

Design (measured in ``verbund bench dedupe``): features come from ``features.features`` (the
same function the entry-time check uses), go into DuckDB as one Arrow table, candidate pairs
come from a union of blocking rules (equality joins, with oversize blocks skipped), and every
pair is scored by the SQL that ``matching.sql_points`` builds from the same comparison levels
as ``matching.score_pair``. Clusters are connected components of the pairs above threshold.
This replaces splink's EM training with fixed, explainable weights; the pair generation and
scoring are splink's approach on the same engine.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa

from verbund.core import forking
from verbund.quality.features import FEATURE_COLUMNS, features
from verbund.quality.matching import (
    CATEGORY_DUPLICATE,
    CATEGORY_ERP,
    CHAIN_ADDRESSES,
    DEFAULT_THRESHOLD,
    EXCLUDED_SAME_GROUP,
    SHARED_MAILBOX_ADDRESSES,
    SWITCHBOARD_ADDRESSES,
    Weights,
    comparisons_for,
    level_key,
    sql_level_indexes,
    sql_levels,
    sql_points,
    sql_points_from_levels,
)

# Each rule pairs records that agree on all its columns; blocks larger than MAX_BLOCK are
# skipped (a shared switchboard number or a postcode with hundreds of shops tells nothing).
BLOCKING_RULES: dict[str, list[tuple[str, ...]]] = {
    "organisation": [
        ("vat",),
        ("lei",),
        ("phone",),
        ("email",),
        ("name_key",),
        ("name_sorted",),
        ("b_name", "postcode"),
        ("name_key", "city"),
        ("postcode", "street", "house"),
        ("street", "house", "phone"),
        ("postcode", "house"),
        # Records without a postcode still meet at their address (oversize blocks are skipped,
        # so "Hauptstraße 1" across all towns costs nothing).
        ("street", "house"),
    ],
    "person": [
        ("email",),
        ("phone",),
        ("birth", "b_last"),
        ("b_first", "b_last"),
        ("birth", "postcode"),
        ("last", "postcode"),
        ("first", "birth"),
        ("b_last", "org"),
        ("street", "house"),
        ("b_first", "birth"),
        ("b_last", "b_first"),
        # First and last name swapped; the same address or town written differently
        # (measured on FEBRL4: these five lift the pairs blocking finds from 98.0 to 99.6 %).
        ("name_sorted",),
        ("house", "city"),
        ("street", "postcode"),
        ("house", "postcode"),
        ("birth", "city"),
    ],
}
MAX_BLOCK = 60


@dataclass
class BulkResult:
    """Pairs above threshold (with level keys for the explanation) and their clusters."""

    pairs: list[dict[str, Any]] = field(default_factory=list)
    clusters: list[list[Any]] = field(default_factory=list)
    candidate_pairs: int = 0
    records: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    # Set when the run trained its weights (``train=True``) or was given a model.
    model: Weights | None = None
    estimate: Any = None
    # The stored model (``MatchModel`` id and date) that scored the run, if any.
    stored_model: dict[str, Any] | None = None


def threshold_points(threshold: float) -> float:
    """Points at which the match probability reaches ``threshold``."""
    threshold = min(max(threshold, 1e-6), 1 - 1e-6)
    return math.log2(threshold / (1 - threshold))


def to_arrow(
    rows: Iterable[dict[str, Any]], extra: tuple[str, ...] = (), chunk: int = 100_000
) -> pa.Table:
    """Feature dicts to an Arrow table (ids as int64, everything else as text), built in
    chunks so that a million rows never sit in Python lists at once."""
    names = (*FEATURE_COLUMNS, *extra)
    schema = pa.schema([(c, pa.int64() if c == "id" else pa.string()) for c in names])
    batches: list[pa.RecordBatch] = []
    cols: dict[str, list[Any]] = {c: [] for c in names}

    def flush() -> None:
        batches.append(
            pa.record_batch(
                [pa.array(cols[c], type=schema.field(c).type) for c in names], schema=schema
            )
        )
        for values in cols.values():
            values.clear()

    n = 0
    for row in rows:
        for c, values in cols.items():
            v = row.get(c)
            values.append(v if c == "id" else (None if v is None or v == "" else str(v)))
        n += 1
        if n % chunk == 0:
            flush()
    if n % chunk or not batches:
        flush()
    return pa.Table.from_batches(batches, schema=schema)


def _chunks(rows: Iterable[Mapping[str, Any]], size: int) -> Iterator[list[Mapping[str, Any]]]:
    chunk: list[Mapping[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _features_batch(args: tuple[list[Mapping[str, Any]], tuple[str, ...]]) -> pa.Table:
    chunk, extra = args
    table = to_arrow((_with_extra(features(row), row, extra) for row in chunk), extra=extra)
    return table


def _with_extra(
    feat: dict[str, Any], row: Mapping[str, Any], extra: tuple[str, ...]
) -> dict[str, Any]:
    for c in extra:
        feat[c] = row.get(c)
    return feat


def features_table(
    rows: Iterable[Mapping[str, Any]],
    *,
    extra: tuple[str, ...] = (),
    workers: int = 2,
    chunk: int = 25_000,
) -> pa.Table:
    """Features of party rows (``features.features``) as one Arrow table.

    With ``workers`` > 1 the rows are cut into chunks and featured in forked worker
    processes (the features are pure Python, so threads would not help); the order of the
    rows is kept.
    """
    if workers <= 1 or not forking.can_fork():
        return to_arrow((_with_extra(features(r), r, extra) for r in rows), extra=extra)
    batches = ((c, extra) for c in _chunks(rows, chunk))
    parts = [table for _batch, table in forking.in_order(_features_batch, batches, workers)]
    if not parts:
        return to_arrow([], extra=extra)
    return pa.concat_tables(parts)


def detect(
    table: pa.Table,
    *,
    kind: str,
    threshold: float = DEFAULT_THRESHOLD,
    link_column: str = "",
    max_block: int = MAX_BLOCK,
    threads: int = 2,
    memory_limit: str = "3GB",
    model: Weights | None = None,
    train: bool = False,
) -> BulkResult:
    """Find duplicate pairs among ``table``'s records of one kind.

    ``link_column``: when given, only pairs whose values in that column differ are formed
    (record linkage between two files, as in FEBRL4). ``model``: trained weights to score
    with (fixed weights otherwise); ``train``: estimate them first from these records'
    candidate pairs (``quality.training``), and score with them.
    """
    con = duckdb.connect()
    con.execute(f"SET threads = {int(threads)}")
    con.execute("SET memory_limit = ?", [memory_limit])
    con.execute("SET preserve_insertion_order = false")
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    con.register("src", table)
    con.execute("CREATE TABLE f AS SELECT * FROM src WHERE kind = ?", [kind])
    records = con.execute("SELECT count(*) FROM f").fetchone()[0]  # type: ignore[index]
    # Numbers in use at several addresses are switchboards (matching.SWITCHBOARD_ADDRESSES).
    con.execute(
        f"""
        UPDATE f SET phone_shared = 'y' WHERE phone IN (
            SELECT phone FROM f WHERE phone IS NOT NULL AND street IS NOT NULL
            GROUP BY phone HAVING count(DISTINCT street || '|' || coalesce(house, ''))
            >= {int(SWITCHBOARD_ADDRESSES)})
        """
    )
    # Likewise mailboxes (matching.SHARED_MAILBOX_ADDRESSES).
    con.execute(
        f"""
        UPDATE f SET email_shared = 'y' WHERE email IN (
            SELECT email FROM f WHERE email IS NOT NULL AND street IS NOT NULL
            GROUP BY email HAVING count(DISTINCT street || '|' || coalesce(house, ''))
            >= {int(SHARED_MAILBOX_ADDRESSES)})
        """
    )
    # Likewise names (matching.CHAIN_ADDRESSES): a chain's branches share it.
    if kind == "organisation":
        con.execute(
            f"""
            UPDATE f SET name_shared = 'y' WHERE name_key IN (
                SELECT name_key FROM f WHERE name_key IS NOT NULL AND street IS NOT NULL
                GROUP BY name_key HAVING count(DISTINCT street || '|' || coalesce(house, ''))
                >= {int(CHAIN_ADDRESSES)})
            """
        )
    link = f" AND l.{link_column} <> r.{link_column}" if link_column else ""
    selects = []
    for rule in BLOCKING_RULES[kind]:
        cols = ", ".join(rule)
        filled = " AND ".join(f"{c} IS NOT NULL" for c in rule)
        on = " AND ".join(f"l.{c} = r.{c}" for c in rule)
        bon = " AND ".join(f"f.{c} = k.{c}" for c in rule)
        # Rule columns come from BLOCKING_RULES (code), never from input.
        selects.append(
            f"SELECT l.id AS a, r.id AS b FROM (SELECT f.* FROM f JOIN (SELECT {cols} FROM f WHERE {filled} "
            f"GROUP BY {cols} HAVING count(*) BETWEEN 2 AND {int(max_block)}) k ON {bon}) l "
            f"JOIN f r ON {on} AND l.id < r.id{link}"
        )
    con.execute(
        "CREATE TABLE pairs AS SELECT DISTINCT a, b FROM (" + " UNION ALL ".join(selects) + ")"
    )
    candidate_pairs = con.execute("SELECT count(*) FROM pairs").fetchone()[0]  # type: ignore[index]
    timings["blocking"] = time.perf_counter() - t0
    levels = sql_levels(kind)
    level_cols = ", ".join(f"{expr} AS {alias}" for alias, expr in levels)
    estimate = None
    t0 = time.perf_counter()
    t = threshold_points(threshold)
    category_cols = f"""
                   CASE WHEN l.erp_source IS NOT NULL AND l.erp_source = r.erp_source AND l.erp_id <> r.erp_id
                        THEN '{CATEGORY_ERP}' ELSE '{CATEGORY_DUPLICATE}' END AS category,
                   CASE WHEN l.group_root IS NOT NULL AND l.group_root = r.group_root AND (
                        coalesce(l.street, '') <> coalesce(r.street, '') OR coalesce(l.postcode, '') <> coalesce(r.postcode, '')
                        OR coalesce(l.house, '') <> coalesce(r.house, ''))
                        THEN '{EXCLUDED_SAME_GROUP}' ELSE '' END AS excluded"""
    if train:
        # The levels of every candidate pair once: training counts them, scoring reads them.
        rules = BLOCKING_RULES[kind]
        flags = ", ".join(
            "("
            + " AND ".join(f"coalesce(l.{c}, '') <> '' AND l.{c} = r.{c}" for c in rule)
            + f") AS r{i}"
            for i, rule in enumerate(rules)
        )
        index_cols = ", ".join(f"{expr} AS {alias}" for alias, expr in sql_level_indexes(kind))
        # Category and exclusion as booleans, levels as bytes: at a million records the table
        # holds some five million pairs.
        con.execute(
            f"CREATE TABLE pl AS SELECT p.a, p.b, {index_cols}, {flags}, "
            f"category = '{CATEGORY_ERP}' AS is_erp, excluded <> '' AS is_excluded "
            f"FROM (SELECT p.a, p.b, l, r, {category_cols} "
            "FROM pairs p JOIN f l ON l.id = p.a JOIN f r ON r.id = p.b) p"
        )
        con.execute("DROP TABLE pairs")
        timings["levels"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        model, estimate = _train(con, kind, levels, link_column, records)
        timings["training"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        aliases = ", ".join(alias for alias, _ in levels)
        rows = con.execute(
            f"""
            WITH scored AS (
                SELECT a, b, {sql_points_from_levels(kind, model)} AS points, {aliases},
                       CASE WHEN is_erp THEN '{CATEGORY_ERP}' ELSE '{CATEGORY_DUPLICATE}' END
                       AS category, '' AS excluded
                FROM pl WHERE NOT is_excluded
            )
            SELECT * FROM scored WHERE points >= ?
            """,
            [t],
        ).fetchall()
    else:
        rows = con.execute(
            f"""
            WITH scored AS (
                SELECT p.a, p.b, {sql_points(kind, model)} AS points, {level_cols},
                       {category_cols}
                FROM pairs p JOIN f l ON l.id = p.a JOIN f r ON r.id = p.b
            )
            SELECT * FROM scored WHERE points >= ? AND excluded = ''
            """,
            [t],
        ).fetchall()
    timings["scoring"] = time.perf_counter() - t0
    names = ["a", "b", "points", *[alias for alias, _ in levels], "category", "excluded"]
    comps = comparisons_for(kind)
    keys = [c.key for c in comps]
    pairs = []
    for row in rows:
        rec = dict(zip(names, row, strict=True))
        if train:
            rec["levels"] = {c.key: level_key(c, rec.pop(f"lv_{c.key}")) for c in comps}
        else:
            rec["levels"] = {k: rec.pop(f"lv_{k}") for k in keys}
        rec["probability"] = 1.0 / (1.0 + 2.0 ** (-rec["points"]))
        pairs.append(rec)
    con.close()
    return BulkResult(
        pairs=pairs,
        clusters=clusters_of((p["a"], p["b"]) for p in pairs),
        candidate_pairs=candidate_pairs,
        timings=timings,
        records=records,
        model=model,
        estimate=estimate,
    )


def _train(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    levels: list[tuple[str, str]],
    link_column: str,
    records: int,
) -> tuple[Weights, Any]:
    """Estimate the weights from the records in ``f`` and the candidate pairs' levels in ``pl``
    (``quality.training``): counted level patterns of the candidate pairs with the rules
    they agree on, and of random pairs."""
    from verbund.quality.training import U_PAIRS, train_counts

    rules = BLOCKING_RULES[kind]
    level_cols = ", ".join(f"{expr} AS {alias}" for alias, expr in levels)
    aliases = ", ".join(alias for alias, _ in levels)
    flag_names = ", ".join(f"r{i}" for i in range(len(rules)))
    counted = con.execute(
        f"SELECT {aliases}, {flag_names}, count(*) FROM pl GROUP BY ALL"
    ).fetchall()
    n_levels, n_rules = len(levels), len(rules)
    comps = comparisons_for(kind)
    candidates = {
        (
            tuple(level_key(c, i) for c, i in zip(comps, row[:n_levels], strict=True)),
            tuple(bool(x) for x in row[n_levels : n_levels + n_rules]),
        ): int(row[-1])
        for row in counted
    }
    # Random pairs (a fixed seed: the same records give the same model).
    con.execute("SELECT setseed(0.31)")
    link = f" AND l.{link_column} <> r.{link_column}" if link_column else ""
    n = max(records, 1)
    random_rows = con.execute(
        f"""
        WITH draws AS (
            SELECT CAST(floor(random() * {n}) AS BIGINT) AS x, CAST(floor(random() * {n}) AS BIGINT) AS y
            FROM range({int(U_PAIRS)})
        )
        SELECT {aliases}, count(*) FROM (
            SELECT {level_cols} FROM draws d JOIN f l ON l.rowid = d.x JOIN f r ON r.rowid = d.y
            WHERE d.x <> d.y{link}
        ) GROUP BY ALL
        """
    ).fetchall()
    random_counts = {tuple(row[:-1]): int(row[-1]) for row in random_rows}
    if link_column:
        sizes = [
            r[0] for r in con.execute(f"SELECT count(*) FROM f GROUP BY {link_column}").fetchall()
        ]
        all_pairs = float(sum(sizes) ** 2 - sum(s * s for s in sizes)) / 2
    else:
        all_pairs = records * (records - 1) / 2
    return train_counts(kind, candidates, rules, random_counts, all_pairs)


def clusters_of(edges: Iterable[tuple[Any, Any]]) -> list[list[Any]]:
    """Connected components (union-find), each sorted, largest first."""
    parent: dict[Any, Any] = {}

    def find(x: Any) -> Any:
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(x, x) != root:
            parent[x], x = root, parent[x]
        return root

    for a, b in edges:
        parent.setdefault(a, a)
        parent.setdefault(b, b)
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[Any, list[Any]] = {}
    for x in parent:
        groups.setdefault(find(x), []).append(x)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: (-len(g), g[0]))
