"""Revenue roll-ups at scale: ``verbund bench revenue --size 1000000``.

Runs against the configured database, which must be a benchmark database of its own (a SQLite
file, e.g. under ``$VERBUND_BENCH_DIR/rev/``, or a PostgreSQL database such as ``bench_rev``).
On first use it builds, in
bulk: ``--size`` customer organisations, one group of ``--group-size`` members (a tree of
fan-out 10, so each of the root's children heads a subtree of about 11,000), a second group of
half that size, thousands of smaller groups over 60 % of the rest, the closure, and
``--months`` months of revenue for every party (with the yearly pre-aggregates). Later runs
reuse the data. Prints medians of ``--repeat`` runs, each with its ratio to raw SQL measured in
the same run:

- the large group's year total (application selector vs. the bare closure join);
- the same with monthly series and the top-100 member breakdown (#23.5: at most 150 ms; raw:
  the same pass over the members' year rows, whose month columns hold the months, decision
  0032; the note gives the monthly rows' bare sums, checked equal), and by the structure of
  each month (no target; for information);
- the top 100 groups for a year;
- the ranking of the overview (#18.1): the top 100 groups for a year with the previous
  year beside it, ABC classes and member counts, by today's structure and by the structure
  of each month (``revenue.analysis.top_ranking``), against the bare SQL of the same top 100
  by today's closure (the bench links never change, so both structures give one answer,
  which the bench asserts); ``--parts ranking`` runs this part alone;
- moving a ~10,000-member subtree from the large group to the second one with
  ``hierarchies.actions.do_move_subtree`` and reading both groups' totals afterwards (checked
  against the totals before; the transaction is rolled back so every repeat moves the same
  subtree and the data stay as built).
"""

import argparse
import datetime as dt
import random
import statistics
import time
from collections.abc import Callable, Iterator
from typing import Any, TextIO

from django.db import connection, transaction

from verbund.bench.common import parts_type, rows, scalar
from verbund.hierarchies import engine
from verbund.parties.models import Party
from verbund.relationships.models import Relationship, RelationshipType
from verbund.revenue import selectors
from verbund.revenue.bulk import do_generate_demo_revenue
from verbund.revenue.demo import demo_months
from verbund.revenue.models import MONTH_COLUMNS, RevenueMonth, RevenueYear
from verbund.revenue.periods import Period

PREFIX = "RB"
FANOUT = 10
PARTS = ("totals", "top", "ranking", "move")


def add_data_arguments(parser: argparse.ArgumentParser) -> None:
    """The benchmark data's options, shared with the benches that run on the same data."""
    parser.add_argument("--size", type=int, default=1_000_000, help="customer organisations")
    parser.add_argument(
        "--group-size",
        type=int,
        default=None,
        help="members of the large group (default size/10, at most 100,000)",
    )
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=5)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_data_arguments(parser)
    parser.add_argument(
        "--parts",
        type=parts_type(PARTS),
        default="all",
        help=f"comma-separated: {', '.join(PARTS)} (default all)",
    )


def _median(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


# --- data -----------------------------------------------------------------------------------


def _tree_links(members: range | list[int]) -> Iterator[tuple[int, int]]:
    """(child, parent) of a tree of fan-out FANOUT over ``members`` (the first is the root)."""
    for k in range(1, len(members)):
        yield members[k], members[(k - 1) // FANOUT]


def _build(size: int, group_size: int, months: int, seed: int, stdout: TextIO) -> None:
    from verbund.hierarchies.engine import rebuild_closure
    from verbund.relationships.bulk import Load as BulkLoad
    from verbund.relationships.bulk import do_bulk_load

    rng = random.Random(seed)
    valid_from = dt.date(2015, 1, 1)

    def fill(load: BulkLoad) -> range:
        from verbund.core.bulk import column_defaults
        from verbund.parties.bulk import PARTY_COLUMNS

        template = column_defaults(Party)
        template.update(
            kind="organisation", city="Köln", postcode="50667", status="customer", country="DE"
        )
        template["created_at"] = template["updated_at"] = load.now_db
        ix = {c: i for i, c in enumerate(PARTY_COLUMNS)}
        base = [template.get(c) for c in PARTY_COLUMNS]

        def party_rows() -> Iterator[list[Any]]:
            for i in range(size):
                row = list(base)
                name = f"Bench Kunde {i} GmbH"
                row[ix["name"]], row[ix["number"]] = name, f"{PREFIX}{i:07d}"
                row[ix["search_text"]], row[ix["phonetic"]] = name.lower() + " koeln 50667", ""
                yield row

        ids = load.insert_parties(party_rows(), derive=False, rebuild_indexes=True)
        type_id = load.type_id("group")
        big = ids[0:group_size]
        second = ids[group_size : group_size + group_size // 2]
        links = list(_tree_links(big)) + list(_tree_links(second))
        rest = list(ids[group_size + group_size // 2 :])
        pos, limit = 0, int(len(rest) * 0.6)
        while pos < limit:
            n = min(int(2 + 1500 * rng.random() ** 4), limit - pos)
            if n >= 2:
                links += [(c, p) for c, p in _tree_links(rest[pos : pos + n])]
            pos += max(n, 1)
        load.insert_relationships(
            (
                {
                    "type_id": type_id,
                    "from_party_id": c,
                    "to_party_id": p,
                    "valid_from": valid_from,
                    "source": "import",
                }
                for c, p in links
            ),
            rebuild_indexes=True,
        )
        return ids

    t0 = time.perf_counter()
    do_bulk_load(fill, action="revenue.bench", note="revenue benchmark data")
    stdout.write(f"parties and group links: {time.perf_counter() - t0:.1f} s\n")
    t0 = time.perf_counter()
    counts = rebuild_closure(["group"])
    stdout.write(f"closure: {counts} in {time.perf_counter() - t0:.1f} s\n")


def _build_revenue(months: int, seed: int, stdout: TextIO) -> None:
    t0 = time.perf_counter()
    written = do_generate_demo_revenue(None, demo_months(months), seed, gaps=False)
    took = time.perf_counter() - t0
    stdout.write(
        f"revenue: {written:,} monthly rows + yearly aggregates in {took:.1f} s ({written / took:,.0f} rows/s)\n"
    )
    with connection.cursor() as cur:
        # PostgreSQL: VACUUM sets the visibility map, without which "index-only" scans still
        # visit the heap for every row of a freshly loaded table.
        cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


# --- raw SQL baselines ----------------------------------------------------------------------


def _closure_table() -> str:
    from verbund.hierarchies.models import ClosureEntry

    return str(ClosureEntry._meta.db_table)


def raw_group_year(type_id: int, root: int, year: int) -> int:
    sql = (
        f"SELECT SUM(y.amount_cents) FROM {_closure_table()} c JOIN {RevenueYear._meta.db_table} y"
        " ON y.party_id = c.descendant_id AND y.year = %s WHERE c.type_id = %s AND c.ancestor_id = %s"
    )
    return int(scalar(sql, [year, type_id, root]) or 0)


def raw_group_months(type_id: int, root: int, first: Any, last: Any) -> list[tuple[Any, ...]]:
    sql = (
        f"SELECT m.month, SUM(m.amount_cents) FROM {_closure_table()} c JOIN {RevenueMonth._meta.db_table} m"
        " ON m.party_id = c.descendant_id WHERE c.type_id = %s AND c.ancestor_id = %s AND m.month >= %s AND m.month <= %s"
        " GROUP BY m.month"
    )
    return rows(sql, [type_id, root, first, last])


def raw_group_year_months(type_id: int, root: int, year: int) -> list[Any]:
    """A group's year from its members' year rows (decision 0032): one pass for the member
    count and the twelve months (the total is their sum), then the top 100 members."""
    sums = ", ".join(f"SUM(y.{c})" for c in MONTH_COLUMNS)
    join = (
        f"FROM {_closure_table()} c JOIN {RevenueYear._meta.db_table} y"
        " ON y.party_id = c.descendant_id AND y.year = %s WHERE c.type_id = %s AND c.ancestor_id = %s"
    )
    params = [year, type_id, root]
    head = rows(f"SELECT COUNT(*), {sums} {join}", params)
    top = rows(
        f"SELECT y.party_id, y.amount_cents {join} ORDER BY y.amount_cents DESC, y.party_id LIMIT 100",
        params,
    )
    return [head, top]


def raw_top(type_id: int, year: int, limit: int) -> list[tuple[Any, ...]]:
    ct = _closure_table()
    sql = (
        f"SELECT c.ancestor_id, SUM(y.amount_cents) AS total FROM {ct} c JOIN {RevenueYear._meta.db_table} y"
        " ON y.party_id = c.descendant_id AND y.year = %s"
        f" WHERE c.type_id = %s AND c.ancestor_id IN ({selectors.roots_sql(ct)})"
        f" GROUP BY c.ancestor_id ORDER BY total DESC, c.ancestor_id LIMIT {int(limit)}"
    )
    return rows(sql, [year, type_id, type_id])


def raw_move(
    type_id: int, child: int, old_root: int, new_parent: int, year: int
) -> tuple[int, int]:
    """Move with bare SQL: end the link, add the new one, fix the closure, read both totals."""
    ct = _closure_table()
    rt = Relationship._meta.db_table
    today = dt.date.today()
    day = today if connection.vendor == "postgresql" else today.isoformat()
    before = (
        (today - dt.timedelta(days=1))
        if connection.vendor == "postgresql"
        else (today - dt.timedelta(days=1)).isoformat()
    )
    with connection.cursor() as cur:
        cur.execute(
            f"UPDATE {rt} SET valid_to = %s WHERE type_id = %s AND from_party_id = %s AND valid_to IS NULL",
            [before, type_id, child],
        )
        cur.execute(
            f"INSERT INTO {rt} (type_id, from_party_id, to_party_id, valid_from, source, external_ref, note, created_at, updated_at)"
            " VALUES (%s, %s, %s, %s, 'manual', '', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
            [type_id, child, new_parent, day],
        )
        cur.execute(
            f"DELETE FROM {ct} WHERE type_id = %s AND descendant_id IN (SELECT descendant_id FROM {ct} WHERE type_id = %s AND ancestor_id = %s)"
            f" AND ancestor_id IN (SELECT ancestor_id FROM {ct} WHERE type_id = %s AND descendant_id = %s AND depth > 0)",
            [type_id, type_id, child, type_id, child],
        )
        cur.execute(
            f"INSERT INTO {ct} (type_id, ancestor_id, descendant_id, depth) SELECT %s, a.ancestor_id, d.descendant_id, a.depth + d.depth + 1"
            f" FROM {ct} a, {ct} d WHERE a.type_id = %s AND a.descendant_id = %s AND d.type_id = %s AND d.ancestor_id = %s",
            [type_id, type_id, new_parent, type_id, child],
        )
    return raw_group_year(type_id, old_root, year), raw_group_year(type_id, new_parent, year)


def raw_ranking(type_id: int, year: int, limit: int) -> list[tuple[Any, ...]]:
    """The top groups with this and the previous year's revenue, in one bare statement."""
    ct = _closure_table()
    sql = (
        "SELECT c.ancestor_id, SUM(CASE WHEN y.year = %s THEN y.amount_cents ELSE 0 END) AS cur,"
        " SUM(CASE WHEN y.year = %s THEN y.amount_cents ELSE 0 END) AS prev"
        f" FROM {ct} c JOIN {RevenueYear._meta.db_table} y"
        " ON y.party_id = c.descendant_id AND y.year >= %s AND y.year <= %s"
        f" WHERE c.type_id = %s AND c.ancestor_id IN ({selectors.roots_sql(ct)})"
        f" GROUP BY c.ancestor_id ORDER BY cur DESC, c.ancestor_id LIMIT {int(limit)}"
    )
    return rows(sql, [year, year - 1, year - 1, year, type_id, type_id])


def ranking_part(
    rtype: RelationshipType, year: int, repeat: int, results: list[tuple[str, float, float, str]]
) -> bool:
    """Top 100 groups with the previous year, both structures, against the raw SQL (#18.1)."""
    from verbund.revenue import analysis

    period = Period.year(year)
    t_raw, raw = _median(lambda: raw_ranking(rtype.pk, year, 100), repeat)
    expected = [(int(p), int(c), int(q)) for p, c, q in raw]
    correct = True
    for mode in ("current", "historic"):

        def rank(mode: str = mode) -> analysis.Ranking:
            return analysis.top_ranking(rtype, period, mode=mode, limit=100)

        t_app, ranking = _median(rank, repeat)
        got = [(r.party_id, r.cents, r.previous_cents) for r in ranking.rows]
        same = got == expected
        correct = correct and same
        label = "today's structure" if mode == "current" else "structure of each month"
        results.append(
            (
                f"top 100 groups {year} vs {year - 1}, ABC, members; {label}",
                t_app,
                t_raw,
                f"{ranking.count:,} groups; "
                + ("same as raw" if same else "DIFFERS from raw")
                + "; raw: bare top 100 with both years, today's closure",
            )
        )
    return correct


def _month(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


# --- run ------------------------------------------------------------------------------------


def run(options: dict[str, Any], stdout: TextIO) -> int:
    from verbund.hierarchies.actions import do_move_subtree

    size = int(options["size"])
    group_size = int(options["group_size"] or min(100_000, max(size // 10, 100)))
    repeat = int(options["repeat"])
    ours = Party.objects.filter(number__startswith=PREFIX).count()
    if ours == 0:
        if Party.objects.exists():
            stdout.write(
                "The database holds other parties; run against an empty benchmark database.\n"
            )
            return 1
        _build(size, group_size, int(options["months"]), int(options["seed"]), stdout)
    elif ours != size:
        stdout.write(
            f"The benchmark database holds {ours:,} bench parties, not {size:,}; use a fresh one.\n"
        )
        return 1
    if not RevenueMonth.objects.exists():
        _build_revenue(int(options["months"]), int(options["seed"]), stdout)
    rtype = RelationshipType.objects.get(key="group")
    first_id = int(
        Party.objects.filter(number__startswith=PREFIX)
        .order_by("id")
        .values_list("id", flat=True)[0]
    )
    big_root, second_root, subtree = first_id, first_id + group_size, first_id + 1
    months = demo_months(int(options["months"]))
    year = max({m.year for m in months}, key=lambda y: (sum(1 for m in months if m.year == y), -y))
    period = Period.year(year)
    vendor = connection.vendor
    pg = vendor == "postgresql"
    ct = _closure_table()
    members = int(
        scalar(
            f"SELECT COUNT(*) FROM {ct} WHERE type_id = %s AND ancestor_id = %s",
            [rtype.pk, big_root],
        )
    )
    sub_members = int(
        scalar(
            f"SELECT COUNT(*) FROM {ct} WHERE type_id = %s AND ancestor_id = %s",
            [rtype.pk, subtree],
        )
    )
    rows_total = int(scalar(f"SELECT COUNT(*) FROM {RevenueMonth._meta.db_table}", []))
    stdout.write(
        f"{vendor}: {size:,} parties, {rows_total:,} monthly rows; large group {members:,} members; subtree {sub_members:,}; year {year}\n"
    )
    engine.ensure_fresh(rtype)  # bring the closure up to today once, outside the timings

    results: list[tuple[str, float, float, str]] = []
    given = options.get("parts") or "all"
    parts = given if isinstance(given, frozenset) else parts_type(PARTS)(str(given))
    everything = "all" in parts
    correct = True
    if everything or "ranking" in parts:
        correct = ranking_part(rtype, year, repeat, results) and correct
    if not (everything or parts & {"totals", "top", "move"}):
        _table(results, vendor, size, options, stdout)
        return 0 if correct else 1

    t_app, total = _median(lambda: selectors.group_total(big_root, rtype, period), repeat)
    t_raw, raw_total = _median(lambda: raw_group_year(rtype.pk, big_root, year), repeat)
    assert total == raw_total, (total, raw_total)
    results.append(
        (
            f"group year total ({members:,} members)",
            t_app,
            t_raw,
            f"{selectors.cents_str(total)} EUR",
        )
    )

    first, last = (
        (period.first, period.last) if pg else (period.first.isoformat(), period.last.isoformat())
    )
    t_app, fig = _median(
        lambda: selectors.tree_revenue(big_root, rtype, period, breakdown=100), repeat
    )
    t_raw, _r = _median(lambda: raw_group_year_months(rtype.pk, big_root, year), repeat)
    # The months as the monthly rows give them (what the section read before decision 0032).
    t_monthly, by_month = _median(lambda: raw_group_months(rtype.pk, big_root, first, last), repeat)
    assert fig.total_cents == total
    assert fig.months == [(_month(m), int(c)) for m, c in sorted(by_month)], "months differ"
    results.append(
        (
            "group year with 12 months + top-100 members",
            t_app,
            t_raw,
            "raw: one pass over the year rows (members, total, months) + top 100, via closure;"
            f" the monthly rows' sums alone: {t_monthly * 1000:.0f} ms, same months",
        )
    )

    # By the structure of each month: the target is today's speed, so the baseline is the raw
    # year total by today's structure (the bench links never change, so both totals agree).
    t_hist, hist = _median(
        lambda: selectors.group_total(big_root, rtype, period, structure="historic"), repeat
    )
    t_raw_year, _y = _median(lambda: raw_group_year(rtype.pk, big_root, year), repeat)
    assert hist == total, (hist, total)
    results.append(
        (
            "group year, structure of each month",
            t_hist,
            t_raw_year,
            "raw: year total via today's closure",
        )
    )

    t_app, top = _median(lambda: selectors.top_groups(rtype, period, limit=100), repeat)
    t_raw, top_raw = _median(lambda: raw_top(rtype.pk, year, 100), repeat)
    assert [g.party_id for g in top] == [int(r[0]) for r in top_raw]
    results.append(
        (
            "top 100 groups for a year",
            t_app,
            t_raw,
            f"largest {selectors.cents_str(top[0].cents)} EUR",
        )
    )

    big_before = selectors.group_total(big_root, rtype, period)
    second_before = selectors.group_total(second_root, rtype, period)
    sub_total = selectors.group_total(subtree, rtype, period)
    child, new_parent = Party.objects.get(pk=subtree), Party.objects.get(pk=second_root)

    def app_move() -> tuple[int, int]:
        with transaction.atomic():
            do_move_subtree(child, new_parent, "group", actor=None)
            after = (
                selectors.group_total(big_root, rtype, period),
                selectors.group_total(second_root, rtype, period),
            )
            transaction.set_rollback(True)
        return after

    def raw_move_rolled_back() -> tuple[int, int]:
        with transaction.atomic():
            after = raw_move(rtype.pk, subtree, big_root, second_root, year)
            transaction.set_rollback(True)
        return after

    t_app, after = _median(app_move, repeat)
    t_raw, after_raw = _median(raw_move_rolled_back, repeat)
    correct = after == (big_before - sub_total, second_before + sub_total) == after_raw and correct
    results.append(
        (
            f"move {sub_members:,}-member subtree + both totals",
            t_app,
            t_raw,
            "totals correct" if correct else f"WRONG {after} {after_raw}",
        )
    )

    _table(results, vendor, size, options, stdout)
    return 0 if correct else 1


def _table(
    results: list[tuple[str, float, float, str]],
    vendor: str,
    size: int,
    options: dict[str, Any],
    stdout: TextIO,
) -> None:
    stdout.write(
        f"\n| {vendor}, {size:,} parties x {options['months']} months | median (app) | raw SQL | ratio | note |\n|---|---|---|---|---|\n"
    )
    for name, app, raw, note in results:
        stdout.write(
            f"| {name} | {app * 1000:.1f} ms | {raw * 1000:.1f} ms | {app / raw:.2f}x | {note} |\n"
        )
