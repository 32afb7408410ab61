"""Query plans of today's closure reads on both databases, with statistics at a realistic size
(the hierarchy benchmark's data at 20,000 parties): every read of the closure seeks by its
ancestor or its descendant, none scans a type's rows."""

from io import StringIO
from typing import Any

import pytest
from django.db import connection

from verbund.bench.hierarchy import build
from verbund.hierarchies import engine, selectors
from verbund.hierarchies.engine import CT, PT
from verbund.relationships.models import RelationshipType

pytestmark = pytest.mark.django_db


def _plan(sql: str, params: list[Any]) -> str:
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("EXPLAIN " + sql, params)
            return "\n".join(r[0] for r in cur.fetchall())
        cur.execute("EXPLAIN QUERY PLAN " + sql, params)
        return "\n".join(str(r[-1]) for r in cur.fetchall())


def _seeks_only(plan: str) -> bool:
    if connection.vendor == "postgresql":
        # The closure is never scanned. The parties joined to its rows by primary key may be
        # hashed whole at this size (20,000 rows, a few hundred children: PostgreSQL's cost
        # model prefers it, depending on ANALYZE's sample), never at a million.
        return f"Seq Scan on {CT}" not in plan
    closure_steps = [line for line in plan.splitlines() if "closure_" in line or " c " in line]
    return all("ancestor_id=?" in s or "descendant_id=?" in s for s in closure_steps) and (
        "SCAN" not in plan
    )


@pytest.mark.parametrize("statistics", [True, False], ids=["analyzed", "no statistics"])
def test_the_closure_reads_seek_by_ancestor_or_descendant(statistics: bool) -> None:
    meta = build(20_000, StringIO())
    with connection.cursor() as cur:
        cur.execute(f"ANALYZE {PT}")
        cur.execute(f"ANALYZE {CT}")
        if not statistics and connection.vendor == "sqlite":
            # As after a migration that copied the table: SQLite then plans by its defaults.
            cur.execute("DELETE FROM sqlite_stat1 WHERE tbl = %s", [CT])
            cur.execute("ANALYZE sqlite_schema")
    gtype = RelationshipType.objects.get(key="group").pk
    one_k = meta["groups"]["1000"][0]
    deep = meta["groups"]["10000"][0]["deepest"]
    for sql, params in (
        (selectors.ANCESTOR_ROWS_SQL, [gtype, deep]),
        (selectors.ANCESTOR_COUNT_ROWS_SQL, [gtype, deep]),
        (selectors.child_rows_sql(), [gtype, one_k["root"]]),
        *(
            [(selectors.LEVEL_JSON_SQL, [gtype, one_k["root"], 3])]
            if connection.vendor == "sqlite"
            else []
        ),
        (selectors.subtree_sql(), [gtype, one_k["root"], 2]),
    ):
        plan = _plan(sql, params)
        assert _seeks_only(plan), plan
    # And they answer from that data, with the counts the closure keeps.
    path = selectors.ancestors(deep, "group", child_counts=True)
    assert all(n["child_count"] and n["child_count"] > 0 for n in path)
    kids = selectors.children(one_k["root"], "group")
    assert sum(1 + len(selectors.subtree_ids(k["id"], "group")) - 1 for k in kids) == 999
    root, count, _text = selectors.group_json(one_k["deepest"], "group")
    assert (root, count) == (one_k["root"], 1000)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_subtree_and_ancestor_reads_use_the_indexes_at_a_realistic_size() -> None:
    meta = build(20_000, StringIO())
    with connection.cursor() as cur:
        cur.execute(f"ANALYZE {PT}")
        cur.execute(f"ANALYZE {CT}")
    gtype = RelationshipType.objects.get(key="group")
    one_k = meta["groups"]["1000"][0]
    ten = meta["groups"]["10"][0]
    ten_k = meta["groups"]["10000"][0]
    for root in (one_k["root"], ten["root"]):
        plan = _plan(selectors.subtree_sql(), [gtype.pk, root, 200])
        assert "Seq Scan" not in plan, plan
    plan = _plan(selectors.ANCESTORS_SQL, [gtype.pk, ten_k["deepest"]])
    assert "Seq Scan" not in plan and "closure_ancestors" in plan, plan
    plan = _plan(
        f"SELECT id, number, name, city FROM {PT} WHERE id IN (%s, %s)",
        [ten_k["root"], ten_k["deepest"]],
    )
    assert "Seq Scan" not in plan, plan
    # The detach of a move joins with DELETE ... USING; no sequential scan of the closure either.
    # A whole group in one statement (its root found inline) reads by index too.
    for member in (one_k["deepest"], ten["deepest"]):
        plan = _plan(
            selectors.subtree_sql(selectors.TOP_SQL), [gtype.pk, gtype.pk, member, member, 200]
        )
        assert "Seq Scan" not in plan, plan
    # The detach of a move joins with DELETE ... USING, one range of the ancestors index per
    # subtree member; no sequential scan of the closure either.
    for root in (ten_k["root"], one_k["root"]):
        plan = _plan(engine.DETACH_SQL_PG, [gtype.pk, root])
        assert "Seq Scan" not in plan and "closure_ancestors" in plan, plan
    # And the selectors answer from that data.
    assert selectors.ultimate_parent(ten_k["deepest"], "group") == ten_k["root"]
    assert len(selectors.ancestors(ten_k["deepest"], "group")) == ten_k["depth"]
    assert len(selectors.group_rows(one_k["deepest"], "group")) == 1000
