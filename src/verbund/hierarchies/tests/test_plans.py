"""Query plans of today's closure reads on both databases, with statistics at a realistic size:
every read of the closure seeks by its ancestor or its descendant, none scans a type's rows."""

from io import StringIO
from typing import Any

import pytest
from django.db import connection

from verbund.hierarchies import selectors
from verbund.hierarchies.bench import build
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
        return "Seq Scan" not in plan
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
        (selectors.CHILD_ROWS_SQL, [gtype, one_k["root"]]),
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
