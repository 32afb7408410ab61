"""Bulk writes of monthly revenue: one transaction, one audit record, aggregates in step.

- ``do_bulk_load_months(rows)``: rows from an ERP export or a benchmark, written with
  ``executemany`` (SQLite) or ``COPY`` (PostgreSQL); the yearly aggregates of the touched
  parties (totals and months) are added in the same transaction (``INSERT ... ON CONFLICT DO
  UPDATE``).
- ``do_generate_demo_revenue(...)``: plausible figures computed by the database itself
  (``INSERT ... SELECT`` over the parties and the months), so that a million customers take
  seconds, not the minutes that shipping 24 million rows through Python would.

Both expect new keys: a row whose (party, month, settling party, source, reference) exists
already makes the whole load fail and roll back. Corrections go through ``actions``.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection, transaction

from verbund.core import audit
from verbund.revenue import aggregates
from verbund.revenue.aggregates import FIGURE_COLUMNS
from verbund.revenue.models import MONTH_COLUMNS as YEAR_MONTHS
from verbund.revenue.models import RevenueMonth, RevenueSource, RevenueYear

T_MONTH = RevenueMonth._meta.db_table
T_YEAR = RevenueYear._meta.db_table
MONTH_COLUMNS = (
    "party_id",
    "settled_by_id",
    "month",
    "amount_cents",
    "currency",
    "amount_original",
    "source",
    "reference",
)
# The big indexes are dropped during very large loads and built again afterwards (sorted
# index builds are several times faster than row-by-row upkeep). Names come from the model.
BIG_LOAD = 2_000_000


def _pg() -> bool:
    return connection.vendor == "postgresql"


def _month_indexes() -> list[tuple[str, str]]:
    """(name, CREATE statement) of the monthly table's indexes other than the primary key."""
    out = []
    with connection.cursor() as cur:
        if _pg():
            cur.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT LIKE %s",
                [T_MONTH, "%pkey"],
            )
        else:
            cur.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                [T_MONTH],
            )
        out = [(str(n), str(s)) for n, s in cur.fetchall()]
    return out


def _month_foreign_keys() -> list[tuple[str, str]]:
    """(name, definition) of the monthly table's foreign keys (PostgreSQL only)."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
            [T_MONTH],
        )
        return [(str(n), str(d)) for n, d in cur.fetchall()]


def _drop_indexes() -> list[tuple[str, str]]:
    """Drop the secondary indexes (and on PostgreSQL the foreign keys, whose deferred per-row
    checks would otherwise queue up); returns the statements that restore them."""
    qn = connection.ops.quote_name
    restore = [(name, sql) for name, sql in _month_indexes()]
    with connection.cursor() as cur:
        if _pg():
            # Checks still pending from earlier writes of this transaction (e.g. the demo's
            # parties) would block the ALTER TABLE; run them now, then defer again afterwards.
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for name, definition in _month_foreign_keys():
                cur.execute(f"ALTER TABLE {qn(T_MONTH)} DROP CONSTRAINT {qn(name)}")
                # Re-adding validates all rows in one pass instead of one check per row.
                restore.append(
                    (name, f"ALTER TABLE {qn(T_MONTH)} ADD CONSTRAINT {qn(name)} {definition}")
                )
        for name, _sql in _month_indexes():
            cur.execute(f"DROP INDEX {qn(name)}")
    return restore


def _create_indexes(statements: list[tuple[str, str]]) -> None:
    with connection.cursor() as cur:
        for _name, sql in statements:
            cur.execute(sql)
        if _pg():
            # Django declares every foreign key DEFERRABLE INITIALLY DEFERRED: back to that.
            cur.execute("SET CONSTRAINTS ALL DEFERRED")


def _add_years(deltas: dict[tuple[int, int, int], int]) -> None:
    """Add the loaded rows' cents, keyed (party, year, month number), to the year rows: a
    month with a loaded row has figures afterwards, even at 0 (``revenue.aggregates``)."""
    years: dict[tuple[int, int], list[int | None]] = {}
    for (party_id, year, month), cents in deltas.items():
        row = years.setdefault((party_id, year), [0] + [None] * 12)
        row[0] = (row[0] or 0) + cents
        row[month] = cents
    if not years:
        return
    cols = ", ".join(("party_id", "year", *FIGURE_COLUMNS))
    # Sums where both sides have the month, else whichever side has it.
    merged = ", ".join(
        [f"amount_cents = {T_YEAR}.amount_cents + excluded.amount_cents"]
        + [
            f"{c} = COALESCE({T_YEAR}.{c} + excluded.{c}, {T_YEAR}.{c}, excluded.{c})"
            for c in YEAR_MONTHS
        ]
    )
    upsert = f" ON CONFLICT (year, party_id) DO UPDATE SET {merged}"
    rows = [(p, y, *figures) for (p, y), figures in sorted(years.items())]
    with connection.cursor() as cur:
        if _pg():
            types = ", ".join(f"{c} bigint" for c in FIGURE_COLUMNS)
            # A second load in the same transaction finds the first one's table still there.
            cur.execute("DROP TABLE IF EXISTS revenue_year_load")
            cur.execute(
                f"CREATE TEMP TABLE revenue_year_load (party_id bigint, year int, {types}) ON COMMIT DROP"
            )
            with cur.cursor.copy(f"COPY revenue_year_load ({cols}) FROM STDIN") as copy:
                for line in rows:
                    copy.write_row(line)
            cur.execute(
                f"INSERT INTO {T_YEAR} ({cols}) SELECT {cols} FROM revenue_year_load" + upsert
            )
        else:
            marks = ", ".join(["%s"] * (2 + len(FIGURE_COLUMNS)))
            cur.executemany(f"INSERT INTO {T_YEAR} ({cols}) VALUES ({marks})" + upsert, rows)


@transaction.atomic
def do_bulk_load_months(
    rows: Iterable[Sequence[Any]], *, actor: Any, note: str = "", action: str = "revenue.bulk_load"
) -> int:
    """Insert monthly rows ``(party_id, settled_by_id, month, amount_cents, currency,
    amount_original, source, reference)``; amounts already in EUR cents. Returns the count."""
    deltas: dict[tuple[int, int, int], int] = defaultdict(int)
    count = 0

    def stream() -> Iterable[tuple[Any, ...]]:
        nonlocal count
        for party_id, settled_id, month, cents, currency, original, source, reference in rows:
            deltas[(party_id, month.year, month.month)] += cents
            count += 1
            yield (
                party_id,
                settled_id,
                month if _pg() else month.isoformat(),
                cents,
                currency,
                str(original),
                source,
                reference or "",
            )

    cols = ", ".join(MONTH_COLUMNS)
    with connection.cursor() as cur:
        if _pg():
            with cur.cursor.copy(f"COPY {T_MONTH} ({cols}) FROM STDIN") as copy:
                for row in stream():
                    copy.write_row(row)
        else:
            cur.cursor.executemany(
                f"INSERT INTO {T_MONTH} ({cols}) VALUES ({', '.join('?' * len(MONTH_COLUMNS))})",
                stream(),
            )
    _add_years(deltas)
    audit.record(
        actor=actor,
        action=action,
        object_type="revenue.revenuemonth",
        after={"rows": count, "parties": len({p for p, _y, _m in deltas})},
        note=note,
    )
    return count


def _demo_select(
    months: Sequence[dt.date], seed: int, party_filter: str, gaps: bool = True
) -> tuple[str, list[Any]]:
    """SELECT of demo rows: a size per customer (skewed: few large, many small), a season per
    month, +-20 % noise; with ``gaps`` small customers order in three months of ten and the
    largest in nine (about two months in three on average). Integer arithmetic only,
    so both databases give the same figures for the same seed."""
    cast = "CAST(%s AS date)" if _pg() else "%s"
    season = [92, 95, 104, 101, 103, 99, 88, 90, 105, 108, 112, 103]
    month_sql = " UNION ALL ".join(
        f"SELECT {cast} AS month, %s AS idx, %s AS factor" for _ in months
    )
    params: list[Any] = []
    for i, m in enumerate(months):
        params += [m if _pg() else m.isoformat(), i, season[m.month - 1]]
    h = f"((p.id * 7919 + {int(seed) % 100_003} * 104729) %% 1000)"
    noise = f"(80 + ((p.id * 31 + m.idx * 17 + {int(seed) % 1009}) %% 41))"
    cents = f"((20000 + {h} * {h} * 5) * m.factor / 100 * {noise} / 100 + ((p.id + m.idx) %% 100))"
    sql = (
        f"SELECT p.id, NULL, m.month, {cents}, 'EUR', {cents} / 100.0, %s, '' FROM parties_party p CROSS JOIN ({month_sql}) m"
        f" WHERE {party_filter}"
        + (
            f" AND ((p.id * 13 + m.idx * 7 + {int(seed) % 997}) %% 10) < 3 + {h} / 150"
            if gaps
            else ""
        )
    )
    return sql, [RevenueSource.DEMO, *params]


@transaction.atomic
def do_generate_demo_revenue(
    party_ids: Sequence[int] | None,
    months: Sequence[dt.date],
    seed: int,
    *,
    actor: Any = None,
    gaps: bool = True,
) -> int:
    """Write demo revenue for the parties (None: every customer organisation) and months.

    Earlier demo figures of the same parties are replaced. ``gaps``: small customers do not
    order every month (the benchmark turns this off to get every month for every party). Yearly aggregates follow in the
    same transaction. Returns the number of monthly rows written.
    """
    months = sorted(set(months))
    if not months:
        return 0
    fparams: list[Any]
    if party_ids is None:
        party_filter, fparams = (
            "p.kind = %s AND p.status = %s AND p.merged_into_id IS NULL AND p.archived = %s",
            ["organisation", "customer", False],
        )
        chunks: list[tuple[str, list[Any]]] = [(party_filter, fparams)]
    else:
        ids = sorted({int(i) for i in party_ids})
        chunks = []
        for start in range(0, len(ids), 5000):
            part = ids[start : start + 5000]
            chunks.append((f"p.id IN ({', '.join(['%s'] * len(part))})", list(part)))
    cols = ", ".join(MONTH_COLUMNS)
    with connection.cursor() as cur:
        # Replace earlier demo figures of these parties; their aggregates are rebuilt below.
        for flt, fparams in chunks:
            sub = f"SELECT p.id FROM parties_party p WHERE {flt}"
            cur.execute(
                f"DELETE FROM {T_MONTH} WHERE source = %s AND party_id IN ({sub})",
                [RevenueSource.DEMO, *fparams],
            )
        if party_ids is None:
            cur.execute("SELECT COUNT(*) FROM parties_party")
            estimate = len(months) * int(cur.fetchone()[0])
        else:
            estimate = len(months) * sum(len(p) for _f, p in chunks)
        dropped = _drop_indexes() if estimate >= BIG_LOAD else []
        written = 0
        for flt, fparams in chunks:
            select, sparams = _demo_select(months, seed, flt, gaps)
            cur.execute(f"INSERT INTO {T_MONTH} ({cols}) {select}", [*sparams, *fparams])
            written += max(cur.rowcount, 0)
        if dropped:
            _create_indexes(dropped)
        # Aggregates of the touched parties rebuilt from all their monthly rows (every source),
        # read in order from the covering (party, month, amount) index.
        for flt, fparams in chunks:
            if party_ids is None:
                cur.execute(f"DELETE FROM {T_YEAR}")
                where, wparams = "", []
            else:
                cur.execute(
                    f"DELETE FROM {T_YEAR} WHERE party_id IN (SELECT p.id FROM parties_party p WHERE {flt})",
                    fparams,
                )
                where, wparams = (
                    f" WHERE party_id IN (SELECT p.id FROM parties_party p WHERE {flt})",
                    fparams,
                )
            aggregates.insert_rebuilt(where, wparams)
    audit.record(
        actor=actor,
        action="revenue.demo",
        object_type="revenue.revenuemonth",
        after={
            "rows": written,
            "months": [f"{months[0]:%Y-%m}", f"{months[-1]:%Y-%m}"],
            "seed": seed,
        },
    )
    return written


def euro(cents: int) -> Decimal:
    return Decimal(cents) / 100
