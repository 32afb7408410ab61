"""The SQL of the hierarchy reads, for ``hierarchies.selectors`` (which re-exports what other
domains may use): today's closure reads and the dated walks over the relationships.

Parameters are positional (``%s``); each statement says which, in order.
"""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import connection

from verbund.hierarchies.engine import CT, PT, RT, valid_sql

# Every member of a tree today has a self row in the closure (depth 0); ``parent_id`` is NULL
# on a root's. Below: a subtree, the ultimate parent, ancestors, children, whole levels.


def subtree_sql(root: str = "%s") -> str:
    """Today's subtree as rows in ``GROUP_COLUMNS`` order; parameters: type id, root, max
    depth. ``root`` is the SQL for the root id (a parameter, or ``TOP_SQL`` with its own
    parameters).

    Parent and child count come from the closure row itself; the party rows are joined as
    ``party_join`` says (on PostgreSQL with fresh statistics the planner otherwise likes to
    hash-join against a sequential scan of all parties, which the design brief warns about).
    """
    return f"""SELECT c.descendant_id, p.number, p.name, p.city, c.depth, c.child_count, c.parent_id
                FROM {CT} c {party_join("c.descendant_id")}
                WHERE c.type_id = %s AND c.ancestor_id = {root} AND c.depth <= %s
                ORDER BY c.depth"""


# The ultimate parent of a party as a scalar subquery (the party itself when it has none), so
# a whole group is one statement. Parameters: type, party, party.
TOP_SQL = f"""COALESCE((SELECT t.ancestor_id FROM {CT} t WHERE t.type_id = %s AND t.descendant_id = %s
    ORDER BY t.depth DESC LIMIT 1), %s)"""

# Parameters: type, party, day, day, type, day, day, max steps. Anchored on the party's own
# relationship rows (a bare constant anchor makes SQLite scan on every step); the step is a
# scalar subquery (one parent per day), because SQLite builds a Bloom filter over the whole
# relationships table for a recursive join once statistics exist.
ANCESTORS_AS_OF_SQL = f"""WITH RECURSIVE up(node, steps) AS (
        SELECT r.to_party_id, 1 FROM {RT} r WHERE r.type_id = %s AND r.from_party_id = %s AND {valid_sql()}
        UNION ALL
        SELECT (SELECT r.to_party_id FROM {RT} r
                WHERE r.from_party_id = up.node AND r.type_id = %s AND {valid_sql()} LIMIT 1),
               up.steps + 1
        FROM up WHERE up.node IS NOT NULL AND up.steps < %s
    ) SELECT node FROM up WHERE node IS NOT NULL ORDER BY steps DESC"""
ANCESTOR_ROWS_SQL = f"""SELECT p.id, p.number, p.name, p.city FROM {CT} c JOIN {PT} p ON p.id = c.ancestor_id
    WHERE c.type_id = %s AND c.descendant_id = %s AND c.depth > 0 ORDER BY c.depth DESC"""
# The same with each ancestor's child count, from the ancestor's own self row (its only
# depth-0 row as an ancestor: one seek in the subtree index, which holds the count). Apart,
# because the third table costs the plain path about a millisecond on PostgreSQL.
ANCESTOR_COUNT_ROWS_SQL = f"""SELECT p.id, p.number, p.name, p.city, s.child_count FROM {CT} c
    JOIN {PT} p ON p.id = c.ancestor_id
    JOIN {CT} s ON s.type_id = c.type_id AND s.ancestor_id = c.ancestor_id AND s.depth = 0
    WHERE c.type_id = %s AND c.descendant_id = %s AND c.depth > 0 ORDER BY c.depth DESC"""


def party_join(column: str, columns: Sequence[str] = ("number", "name", "city")) -> str:
    """``p``: the party row (``columns`` of it) of the id in ``column``, joined to the rows
    that are the set wanted (closure rows ``c``, the ownership walk's links).

    On PostgreSQL it is fetched per closure row behind an OFFSET 0 fence (as in
    ``subtree_sql``): a big group's head is the closure's most common ancestor, so a range of
    its rows is estimated in the ten thousands even where it holds four, and the planner then
    walks all parties (by name for a page sorted by name, by id for a merge join) probing the
    closure per party: 2.6 s at a million parties for a page of four children, 0.1 ms fenced.
    SQLite starts from the closure's equality range on its own.
    """
    if connection.vendor == "postgresql":
        picked = ", ".join(f"q.{c}" for c in columns)
        return f"""CROSS JOIN LATERAL (SELECT {picked} FROM {PT} q
            WHERE q.id = {column} OFFSET 0) p"""
    return f"JOIN {PT} p ON p.id = {column}"


def child_rows_sql(parents: int = 1) -> str:
    """Today's children of ``parents`` parties with their own child counts, as (id, number,
    name, city, child_count, parent), unordered; parameters: type, then the parents."""
    marks = ", ".join(["%s"] * parents)
    return f"""SELECT c.descendant_id, p.number, p.name, p.city, c.child_count, c.ancestor_id
        FROM {CT} c {party_join("c.descendant_id")}
        WHERE c.type_id = %s AND c.depth = 1 AND c.ancestor_id IN ({marks})"""


def children_page_sql() -> str:
    """One page of today's children of a party by name, as ``child_rows_sql``'s rows;
    parameters: type, parent, limit, offset. Only the parent's depth-1 closure rows are read
    and sorted (see ``party_join``)."""
    return child_rows_sql() + " ORDER BY p.name, c.descendant_id LIMIT %s OFFSET %s"


_TOP_SQL = f"SELECT ancestor_id FROM {CT} WHERE type_id = %s AND descendant_id = %s ORDER BY depth DESC LIMIT 1"
ANCESTORS_SQL = f"SELECT ancestor_id FROM {CT} WHERE type_id = %s AND descendant_id = %s AND depth > 0 ORDER BY depth DESC"


# SQLite: one depth level of a subtree as a JSON array of rows in GROUP_COLUMNS order (as a
# blob: the bytes as SQLite wrote them, not decoded here to be encoded again), with its row
# count; parameters: type, root, depth.
LEVEL_JSON_SQL = f"""SELECT COUNT(*), CAST(json_group_array(json_array(c.descendant_id, p.number,
    p.name, p.city, c.depth, c.child_count, c.parent_id)) AS BLOB)
    FROM {CT} c JOIN {PT} p ON p.id = c.descendant_id
    WHERE c.type_id = %s AND c.ancestor_id = %s AND c.depth = %s"""


# The roots of today's structure along a type (self rows without a parent); one parameter:
# the type. Whole-database roll-ups (revenue's top groups) join their figures to these.
ROOTS_SQL = (
    f"SELECT s.ancestor_id FROM {CT} s WHERE s.type_id = %s AND s.depth = 0 AND s.parent_id IS NULL"
)


def member_periods_sql(
    type_id: int, root_id: int, lo: dt.date, hi: dt.date, *, members_only: bool = False
) -> tuple[str, list[Any]]:
    """The dated walk down from ``root_id`` as a recursive CTE ``tree(party_id, lo, hi,
    depth)``: every party that stood under the root along the type at some time in [lo, hi],
    with the dates it did (the intersection of the validities along its path and [lo, hi]);
    the root itself with [lo, hi] at depth 0. A party reached along two paths (broken data)
    has a row per path; the walk stops at 64 levels.

    Returns the SQL, beginning ``WITH RECURSIVE tree(...) AS (...)`` and without a statement
    that reads ``tree`` (append one), and its parameters; with ``members_only`` the statement
    ``SELECT DISTINCT party_id FROM tree`` is appended.

    The anchor selects the root row from the party table (a bare constant anchor makes SQLite
    scan the whole table on every step). Each step intersects the parent's interval with the
    link's validity, so a member reached through a link ended in September carries that end.
    """
    pg = connection.vendor == "postgresql"

    def day(value: dt.date) -> Any:
        # SQLite stores dates as ISO text; PostgreSQL takes the date itself.
        return value if pg else value.isoformat()

    greatest, least = ("GREATEST", "LEAST") if pg else ("MAX", "MIN")
    cast = "CAST(%s AS date)" if pg else "%s"
    vf = f"COALESCE(r.valid_from, {cast})"
    vt = f"COALESCE(r.valid_to, {cast})"
    sql = (
        "WITH RECURSIVE tree(party_id, lo, hi, depth) AS ("
        f" SELECT p.id, {cast}, {cast}, 0 FROM {PT} p WHERE p.id = %s"
        " UNION ALL"
        f" SELECT r.from_party_id, {greatest}(t.lo, {vf}), {least}(t.hi, {vt}), t.depth + 1"
        f" FROM tree t JOIN {RT} r ON r.to_party_id = t.party_id AND r.type_id = %s"
        f" WHERE {greatest}(t.lo, {vf}) <= {least}(t.hi, {vt}) AND t.depth < 64"
        ")"
    )
    first, last = day(dt.date(1, 1, 1)), day(dt.date(9999, 12, 31))
    params: list[Any] = [day(lo), day(hi), root_id, first, last, type_id, first, last]
    if members_only:
        return sql + " SELECT DISTINCT party_id FROM tree", params
    return sql, params
