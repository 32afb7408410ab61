"""Hierarchy queries shared by the UI, API and CLI.

Today's questions read the closure table (index-only range scans); questions about another
date walk the relationships with a recursive CTE filtered by validity. Every function returns
plain dicts, lists, tuples and ints, ready for JSON. A node is
``{id, number, name, city, depth, child_count, parent_id}``; ``depth`` counts links from the
ultimate parent. Whole groups (``group_rows``) come as tuples in ``GROUP_COLUMNS`` order.
"""

import datetime as dt
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from operator import itemgetter
from typing import Any

import orjson
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from verbund.core.bulk import chunks, scalar
from verbund.core.collector import gc_paused
from verbund.core.prepared import Prepared
from verbund.hierarchies import engine
from verbund.hierarchies.engine import CT, MAX_WALK, PT, RT
from verbund.hierarchies.models import DatedClosureEntry
from verbund.hierarchies.sql import (
    _TOP_SQL,
    ANCESTOR_COUNT_ROWS_SQL,
    ANCESTOR_ROWS_SQL,
    ANCESTORS_AS_OF_SQL,
    ANCESTORS_SQL,
    LEVEL_JSON_SQL,
    TOP_SQL,
    child_rows_sql,
    subtree_sql,
)
from verbund.hierarchies.sql import ROOTS_SQL as ROOTS_SQL  # for revenue's roll-ups
from verbund.hierarchies.sql import member_periods_sql as member_periods_sql  # the dated walk
from verbund.relationships.models import MAX_DATE, MIN_DATE, RelationshipType, Structure
from verbund.relationships.rules import could_be_type_key

Node = dict[str, Any]
# Trees with more members than this come level by level unless a depth is asked for.
LARGE_TREE = 2000
TT = RelationshipType._meta.db_table
_TYPE_IDS: dict[str, tuple[int, float]] = {}
DEFAULT_LEVELS = 2
STREAM_CHUNK = 2000


def _rows(sql: str, params: Sequence[Any] | Mapping[str, Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return list(cur.fetchall())


def _big_rows(
    sql: str, params: Sequence[Any] | Mapping[str, Any], stream: bool = False
) -> list[tuple[Any, ...]]:
    """Rows of a read that may return a whole large group, with PostgreSQL's JIT off.

    A 100,000-member group is costed at about a million (one index probe per member), above
    ``jit_inline_above_cost``, so a stock PostgreSQL 15 spends 100-300 ms compiling a plan
    that then runs a few hundred thousand cheap index probes; without JIT the same plan runs
    at once. Off for this transaction only (SET LOCAL): outside a transaction one is opened
    around the read; inside the caller's, JIT stays off for the rest of it. Used for whole
    groups only: the tree views read a level or two and keep their pinned query counts.

    ``stream``: take the rows in chunks as the server sends them (psycopg's chunked mode,
    libpq 17 or newer), so that decoding them here overlaps the server's work on the rest.
    """
    read = _streamed_rows if stream else _rows
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        engine.no_jit()
        return read(sql, params)
    with transaction.atomic():
        engine.no_jit()
        return read(sql, params)


def _streamed_rows(sql: str, params: Sequence[Any] | Mapping[str, Any]) -> list[tuple[Any, ...]]:
    if connection.vendor != "postgresql" or _libpq_version() < 170000:
        return _rows(sql, params)
    with connection.cursor() as cur:
        # Django's wrapper has no stream(); the query still goes through this connection.
        return list(cur.cursor.stream(sql, params, size=STREAM_CHUNK))


def _libpq_version() -> int:
    import psycopg

    return int(psycopg.pq.version())


def _valid(alias: str = "r") -> str:
    return engine.valid_sql(alias)


# Compiled once (core/prepared.py): the file, its sections and the hierarchy view ask.
_HIERARCHY_TYPES = Prepared(
    lambda: RelationshipType.objects.filter(structure=Structure.HIERARCHY).order_by("order", "key")
)


def all_hierarchy_types() -> list[RelationshipType]:
    """Every hierarchy type, active or not, in their order (one small query)."""
    return _HIERARCHY_TYPES()


def hierarchy_type(type_key: str) -> RelationshipType:
    """The active-or-not hierarchy type with this key; ValidationError naming ``type`` otherwise."""
    rtype = next((t for t in all_hierarchy_types() if t.key == type_key), None)
    if rtype is None:
        raise ValidationError({"type": [_("%(key)s is not a hierarchy type.") % {"key": type_key}]})
    return rtype


def _day(as_of: dt.date | str | None) -> tuple[dt.date, bool]:
    """The date asked about and whether the closure answers it (it holds today only)."""
    today = engine.today()
    if as_of in (None, ""):
        return today, True
    try:
        day = engine.as_date(as_of)
    except ValueError:
        raise ValidationError(
            {"as_of": [_("%(value)s is not a date (YYYY-MM-DD).") % {"value": as_of}]}
        ) from None
    return day, day == today


def hierarchy_type_id(type_key: str) -> int:
    """The id of the hierarchy type with this key (one indexed lookup, no model instance;
    remembered for a minute, since keys and structures of types in use do not change)."""
    now = time.monotonic()
    # Not inside transactions (tests roll types back and make them anew under the same key).
    memo = not connection.in_atomic_block
    hit = _TYPE_IDS.get(type_key)
    if memo and hit is not None and now - hit[1] < 60:
        return hit[0]
    found = (
        scalar(
            f"SELECT id FROM {TT} WHERE key = %s AND structure = %s",
            [type_key, Structure.HIERARCHY],
        )
        if could_be_type_key(type_key)
        else None
    )
    if found is None:
        raise ValidationError({"type": [_("%(key)s is not a hierarchy type.") % {"key": type_key}]})
    if memo:
        _TYPE_IDS[type_key] = (int(found), now)
    return int(found)


def forget_type_ids() -> None:
    """Drop the remembered type ids (tests that flush the database and make the built-in
    types anew, under the same keys with new ids)."""
    _TYPE_IDS.clear()


def _prepare(type_key: str, as_of: dt.date | str | None) -> tuple[int, dt.date, bool]:
    type_id = hierarchy_type_id(type_key)
    day, current = _day(as_of)
    if current:
        engine.ensure_fresh(type_id)
    return type_id, day, current


def hierarchy_types() -> list[dict[str, Any]]:
    """Every active hierarchy type: key, name, labels, colour, whether revenue rolls up."""
    return [
        {
            "key": t.key,
            "name": t.name,
            "label_forward": t.label_forward,
            "label_inverse": t.label_inverse,
            "colour": t.colour,
            "rolls_up_revenue": t.rolls_up_revenue,
        }
        for t in all_hierarchy_types()
        if t.active
    ]


# --- ancestors and the ultimate parent ----------------------------------------------------


def _ancestor_ids(party_id: int, type_id: int, day: dt.date, current: bool) -> list[int]:
    """Ancestors from the top, without the party itself."""
    if current:
        rows = _rows(ANCESTORS_SQL, [type_id, party_id])
        return [int(r[0]) for r in rows]
    rows = _rows(ANCESTORS_AS_OF_SQL, [type_id, party_id, day, day, type_id, day, day, MAX_WALK])
    return [int(r[0]) for r in rows]


def ultimate_parent(party_id: int, type_key: str, as_of: dt.date | str | None = None) -> int:
    """The top of the party's tree (the party itself when it has no parent)."""
    type_id, day, current = _prepare(type_key, as_of)
    if current:
        top = scalar(
            f"SELECT ancestor_id FROM {CT} WHERE type_id = %s AND descendant_id = %s ORDER BY depth DESC LIMIT 1",
            [type_id, party_id],
        )
        return int(top) if top is not None else int(party_id)
    path = _ancestor_ids(party_id, type_id, day, current)
    return path[0] if path else int(party_id)


def _party_rows(ids: Sequence[int]) -> dict[int, tuple[Any, ...]]:
    if not ids:
        return {}
    marks = ",".join(["%s"] * len(ids))
    return {
        int(r[0]): r
        for r in _rows(f"SELECT id, number, name, city FROM {PT} WHERE id IN ({marks})", list(ids))
    }


def _child_counts(ids: Sequence[int], type_id: int, day: dt.date, current: bool) -> dict[int, int]:
    if not ids:
        return {}
    marks = ",".join(["%s"] * len(ids))
    if current:
        sql = f"SELECT ancestor_id, COUNT(*) FROM {CT} WHERE type_id = %s AND depth = 1 AND ancestor_id IN ({marks}) GROUP BY ancestor_id"
        params: list[Any] = [type_id, *ids]
    else:
        sql = f"SELECT r.to_party_id, COUNT(*) FROM {RT} r WHERE r.type_id = %s AND r.to_party_id IN ({marks}) AND {_valid()} GROUP BY r.to_party_id"
        params = [type_id, *ids, day, day]
    counts = {int(i): 0 for i in ids}
    counts.update({int(a): int(n) for a, n in _rows(sql, params)})
    return counts


def _node(row: tuple[Any, ...], depth: int, parent_id: int | None, child_count: int | None) -> Node:
    return {
        "id": int(row[0]),
        "number": row[1],
        "name": row[2],
        "city": row[3],
        "depth": depth,
        "child_count": child_count,
        "parent_id": parent_id,
    }


def ancestors(
    party_id: int, type_key: str, as_of: dt.date | str | None = None, *, child_counts: bool = False
) -> list[Node]:
    """The path from the ultimate parent down to (not including) the party.

    ``child_count`` is None unless asked for: on another date near the top of a large chain a
    node can have tens of thousands of children, and counting them would cost more than the
    whole path. Today's path is one index range joined to the party rows, and its child
    counts come with it (the closure keeps them).
    """
    type_id, day, current = _prepare(type_key, as_of)
    counts: dict[int, int | None] = {}
    if current:
        found = _rows(
            ANCESTOR_COUNT_ROWS_SQL if child_counts else ANCESTOR_ROWS_SQL, [type_id, party_id]
        )
        ids = [int(r[0]) for r in found]
        rows = {int(r[0]): r for r in found}
        if child_counts:
            counts = {int(r[0]): int(r[4]) for r in found}
    else:
        ids = _ancestor_ids(party_id, type_id, day, current)
        rows = _party_rows(ids)
        if child_counts:
            counts = dict(_child_counts(ids, type_id, day, current))
    return [
        _node(rows[pid], i, ids[i - 1] if i else None, counts.get(pid))
        for i, pid in enumerate(ids)
        if pid in rows
    ]


def depth_of(party_id: int, type_key: str, as_of: dt.date | str | None = None) -> int:
    type_id, day, current = _prepare(type_key, as_of)
    return len(_ancestor_ids(party_id, type_id, day, current))


# --- children, subtrees and groups --------------------------------------------------------


def _children_rows(
    parent_ids: Sequence[int], type_id: int, day: dt.date, current: bool
) -> list[tuple[int, int]]:
    """(parent, child) pairs of the given parents."""
    if not parent_ids:
        return []
    marks = ",".join(["%s"] * len(parent_ids))
    if current:
        sql = f"SELECT ancestor_id, descendant_id FROM {CT} WHERE type_id = %s AND depth = 1 AND ancestor_id IN ({marks})"
        params: list[Any] = [type_id, *parent_ids]
    else:
        sql = f"SELECT r.to_party_id, r.from_party_id FROM {RT} r WHERE r.type_id = %s AND r.to_party_id IN ({marks}) AND {_valid()}"
        params = [type_id, *parent_ids, day, day]
    return [(int(a), int(b)) for a, b in _rows(sql, params)]


def children(party_id: int, type_key: str, as_of: dt.date | str | None = None) -> list[Node]:
    """The party's direct children, by name, each with its own child count."""
    type_id, day, current = _prepare(type_key, as_of)
    depth = len(_ancestor_ids(party_id, type_id, day, current)) + 1
    if current:
        found = _rows(child_rows_sql(), [type_id, party_id])
        nodes = [_node(r, depth, int(party_id), int(r[4])) for r in found]
    else:
        ids = [c for _p, c in _children_rows([party_id], type_id, day, current)]
        rows = _party_rows(ids)
        counts = _child_counts(ids, type_id, day, current)
        nodes = [_node(rows[c], depth, int(party_id), counts[c]) for c in ids if c in rows]
    return sorted(nodes, key=lambda n: (n["name"] or "", n["id"]))


def _subtree_rows(
    root: int, type_id: int, day: dt.date, current: bool, max_depth: int | None = None
) -> list[tuple[Any, ...]]:
    """Root and its subtree by depth, as rows in ``GROUP_COLUMNS`` order (depth below root).

    Today's child counts come from the closure; on another date they are counted among the
    rows read, so that below ``max_depth`` the deepest level's are 0 (callers count those).
    """
    limit = MAX_WALK if max_depth is None else max_depth
    if current:
        return _rows(subtree_sql(), [type_id, root, limit])
    if connection.vendor == "sqlite":
        rows = _subtree_rows_by_level(root, type_id, day, limit)
    else:
        rows = _subtree_rows_as_of(root, type_id, day, limit)
    counts = Counter(map(itemgetter(5), rows)).get
    return [
        (i, number, name, city, depth, counts(i, 0), parent)
        for i, number, name, city, depth, parent in rows
    ]


def _subtree_rows_as_of(root: int, type_id: int, day: dt.date, limit: int) -> list[tuple[Any, ...]]:
    """(id, number, name, city, depth, parent) of the as-of walk on PostgreSQL."""
    # Anchored on the root's own row (a bare constant anchor makes SQLite scan every step).
    return _rows(
        f"""WITH RECURSIVE down(id, parent, depth) AS (
                SELECT p.id, CAST(NULL AS BIGINT), 0 FROM {PT} p WHERE p.id = %s
                UNION ALL
                SELECT r.from_party_id, r.to_party_id, down.depth + 1 FROM down JOIN {RT} r ON r.to_party_id = down.id
                WHERE r.type_id = %s AND down.depth < %s AND {_valid()}
            )
            SELECT d.id, p.number, p.name, p.city, d.depth, d.parent FROM down d JOIN {PT} p ON p.id = d.id
            ORDER BY d.depth""",
        [root, type_id, limit, day, day],
    )


def _subtree_rows_by_level(
    root: int, type_id: int, day: dt.date, limit: int
) -> list[tuple[Any, ...]]:
    """The as-of walk on SQLite: one indexed query per level instead of a recursive join, for
    which SQLite builds a Bloom filter over the whole relationships table (~100 ms at a
    million links, even for a group of ten)."""
    levels: list[tuple[int, int | None, int]] = [(int(root), None, 0)]
    frontier, seen, depth = [int(root)], {int(root)}, 0
    while frontier and depth < limit:
        depth += 1
        nxt: list[int] = []
        for i in range(0, len(frontier), 500):
            chunk = frontier[i : i + 500]
            marks = ",".join(["%s"] * len(chunk))
            for child, parent in _rows(
                f"SELECT r.from_party_id, r.to_party_id FROM {RT} r WHERE r.to_party_id IN ({marks}) AND r.type_id = %s AND {_valid()}",
                [*chunk, type_id, day, day],
            ):
                if child not in seen:  # broken data could loop; the rules never let it
                    seen.add(child)
                    levels.append((int(child), int(parent), depth))
                    nxt.append(int(child))
        frontier = nxt
    rows = {}
    ids = [n for n, _p, _d in levels]
    for i in range(0, len(ids), 500):
        rows.update(_party_rows(ids[i : i + 500]))
    return [(n, rows[n][1], rows[n][2], rows[n][3], d, p) for n, p, d in levels if n in rows]


def subtree_ids(party_id: int, type_key: str, as_of: dt.date | str | None = None) -> list[int]:
    """The party and everything below it."""
    type_id, day, current = _prepare(type_key, as_of)
    if current:
        ids = [
            int(r[0])
            for r in _rows(
                f"SELECT descendant_id FROM {CT} WHERE type_id = %s AND ancestor_id = %s ORDER BY depth",
                [type_id, party_id],
            )
        ]
        return ids or [int(party_id)]
    return [int(r[0]) for r in _subtree_rows(party_id, type_id, day, current)]


def group_member_ids(party_id: int, type_key: str = "group") -> list[int]:
    """Every member of the party's group today (the ultimate parent's subtree), itself included."""
    try:
        return subtree_ids(ultimate_parent(party_id, type_key), type_key)
    except ValidationError:
        return [int(party_id)]


# The columns of ``group_rows``: a whole group is sent as rows, not as one dict per member.
GROUP_COLUMNS = ("id", "number", "name", "city", "depth", "child_count", "parent_id")


def group_rows(
    party_id: int, type_key: str, as_of: dt.date | str | None = None
) -> list[tuple[Any, ...]]:
    """The whole group of the party as rows in ``GROUP_COLUMNS`` order, top-down by depth
    (the ultimate parent first). A party in no such hierarchy is a group of one.

    Meant for whole groups of any size (the group API, exports): 100,000 members as tuples
    cost a fraction of 100,000 dicts, and are as ready for JSON (``{"columns": ..., "rows":
    ...}``). Today's group is one statement (root, members, their fields, parents and child
    counts), its rows passed on as the database sends them.
    """
    type_id, day, current = _prepare(type_key, as_of)
    with gc_paused():
        if current:
            party = int(party_id)
            rows = _big_rows(
                subtree_sql(TOP_SQL), [type_id, type_id, party, party, MAX_WALK], stream=True
            )
            if not rows:
                own = _party_rows([party]).get(party)
                rows = [(*own, 0, 0, None)] if own else []
            return rows
        path = _ancestor_ids(party_id, type_id, day, current)
        root = path[0] if path else int(party_id)
        return _subtree_rows(root, type_id, day, current)


def group_json(
    party_id: int, type_key: str, as_of: dt.date | str | None = None
) -> tuple[int, int, bytes]:
    """The rows of ``group_rows`` as one JSON array (UTF-8), with the root's id and the row
    count.

    On SQLite today's group is written by the database itself, a level at a time (one
    aggregate per depth, so the order top-down holds by construction, not by a plan): 100,000
    members never become Python objects, which is most of the time of reading and then
    encoding them (about half). PostgreSQL's own JSON functions are slower than streaming the
    rows and encoding them here (720-820 against 640-670 ms for 100,000 members, same data),
    so there, and for other dates, the rows are encoded, with orjson: 5 ms for 100,000 rows
    where the standard library's encoder takes 47 (decision 0002, item 11).
    """
    type_id, _day, current = _prepare(type_key, as_of)
    if current and connection.vendor == "sqlite":
        party = int(party_id)
        root = int(scalar(f"SELECT {TOP_SQL}", [type_id, party, party]))
        levels: list[bytes] = []
        count = 0
        while True:
            n, data = _rows(LEVEL_JSON_SQL, [type_id, root, len(levels)])[0]
            if not n:
                break
            count += int(n)
            levels.append(bytes(data)[1:-1])  # the level's elements, without its brackets
        if levels:
            return root, count, b"[" + b",".join(levels) + b"]"
    with gc_paused():
        rows = group_rows(party_id, type_key, as_of)
        body = orjson.dumps(rows)
    return (int(rows[0][0]) if rows else int(party_id)), len(rows), body


def group_size(party_id: int, type_key: str) -> int:
    type_id = _prepare(type_key, None)[0]
    root = ultimate_parent(party_id, type_key)
    return int(
        scalar(
            f"SELECT COUNT(*) FROM {CT} WHERE type_id = %s AND ancestor_id = %s", [type_id, root]
        )
        or 1
    )


def party_hierarchies(party_id: int) -> list[dict[str, Any]]:
    """The hierarchies the party belongs to today: type, root, size of the group, its depth."""
    out: list[dict[str, Any]] = []
    for rtype in all_hierarchy_types():
        engine.ensure_fresh(rtype)
        top = _rows(
            f"SELECT ancestor_id, depth FROM {CT} WHERE type_id = %s AND descendant_id = %s ORDER BY depth DESC LIMIT 1",
            [rtype.pk, party_id],
        )
        if not top:
            continue
        root, depth = int(top[0][0]), int(top[0][1])
        size = int(
            scalar(
                f"SELECT COUNT(*) FROM {CT} WHERE type_id = %s AND ancestor_id = %s",
                [rtype.pk, root],
            )
            or 1
        )
        out.append(
            {
                "type_key": rtype.key,
                "type_name": rtype.name,
                "root_id": root,
                "size": size,
                "depth": depth,
            }
        )
    return out


# --- the tree -----------------------------------------------------------------------------


@gc_paused()  # a whole big group is 100,000 dicts: collections during it cost half the time
def tree(
    party_id: int,
    type_key: str,
    as_of: dt.date | str | None = None,
    depth: int | None = None,
    *,
    open_to: Sequence[int] = (),
) -> Node:
    """The party's tree from its ultimate parent as nested nodes.

    Each node has ``children`` (a list, or None where not loaded: fetch them with
    ``children()``), ``requested`` (the asked-for party) and ``on_path``. With ``depth`` the
    levels below it are left out except along the path to the party; without it, groups larger
    than LARGE_TREE come with DEFAULT_LEVELS levels, smaller ones whole.

    ``open_to``: further members (tree search hits) whose paths are open too; each of them is
    marked ``hit`` and the nodes above it ``hit_path``. Members of other trees are ignored.
    """
    if depth is not None and depth < 0:
        raise ValidationError({"depth": [_("The depth must not be negative.")]})
    if depth is not None and depth > MAX_WALK:
        # No tree is deeper than the walks go; a bigger number would only reach the
        # database as an integer it cannot hold.
        raise ValidationError(
            {"depth": [_("The depth must be at most %(max)s.") % {"max": MAX_WALK}]}
        )
    type_id, day, current = _prepare(type_key, as_of)
    path = [*_ancestor_ids(party_id, type_id, day, current), int(party_id)]
    root = path[0]
    if depth is None:
        # The size of today's group stands in for the size on another date: counting a past
        # group would mean walking all of it, which is what this limit is there to avoid.
        if not current:
            engine.ensure_fresh(type_id)
        top = root if current else (scalar(_TOP_SQL, [type_id, root]) or root)
        # Counted only as far as the limit: the whole of a 90,000-member group is 20-50 ms.
        size = int(
            scalar(
                f"SELECT COUNT(*) FROM (SELECT 1 FROM {CT} WHERE type_id = %s AND ancestor_id = %s"
                " LIMIT %s) t",
                [type_id, top, LARGE_TREE + 1],
            )
            or 1
        )
        if size > LARGE_TREE:
            depth = DEFAULT_LEVELS
    rows = _subtree_rows(root, type_id, day, current, depth)
    by_id: dict[int, Node] = {}
    for r in rows:
        by_id[int(r[0])] = {
            "id": int(r[0]), "number": r[1], "name": r[2], "city": r[3], "depth": int(r[4]), "child_count": int(r[5]),
            "parent_id": None if r[6] is None else int(r[6]), "children": None, "requested": False, "on_path": False,
        }  # fmt: skip
    # Today's rows bring their exact child counts; on another date the walk's last level has
    # none, and nodes added along the path below are counted apart.
    counted = set(by_id) if current else set()
    if not by_id:
        raise ValidationError({"party": [_("No party with id %(id)s.") % {"id": party_id}]})
    # Along the path to the party (and to each of ``open_to``) every level is open, however deep.
    hit_paths = _paths_to(open_to, root, type_id, day, current)
    if depth is not None:
        level = {p: i for i, p in enumerate(path)}
        for hit_path in hit_paths:
            level.update((p, i) for i, p in enumerate(hit_path))
        opened = {p for i, p in enumerate(path[:-1]) if i >= depth}
        opened.update(p for hp in hit_paths for i, p in enumerate(hp[:-1]) if i >= depth)
        if current:
            # Today the closure's depth-1 rows bring each child's fields and child count in one
            # read (a node near the top of a big group can have a thousand children).
            for r in sorted(_open_children_rows(opened, type_id), key=lambda r: level[int(r[5])]):
                c, p = int(r[0]), int(r[5])
                if c not in by_id:
                    by_id[c] = {
                        "id": c, "number": r[1], "name": r[2], "city": r[3], "depth": level[p] + 1,
                        "child_count": int(r[4]), "parent_id": p, "children": None, "requested": False,
                        "on_path": False,
                    }  # fmt: skip
                    counted.add(c)
        else:
            extra = _children_rows(sorted(opened), type_id, day, current)
            missing = [c for _p, c in extra if c not in by_id]
            prow = _party_rows(missing)
            for p, c in sorted(extra, key=lambda pc: level[pc[0]]):
                if c in prow and c not in by_id:
                    r = prow[c]
                    by_id[c] = {
                        "id": c, "number": r[1], "name": r[2], "city": r[3], "depth": level[p] + 1,
                        "child_count": 0, "parent_id": p, "children": None, "requested": False,
                        "on_path": False,
                    }  # fmt: skip
    for node in by_id.values():
        parent = node["parent_id"]
        if parent is not None and parent in by_id and node["id"] != root:
            siblings = by_id[parent]["children"]
            if siblings is None:
                by_id[parent]["children"] = siblings = []
            siblings.append(node)
    unopened = [n["id"] for n in by_id.values() if n["children"] is None and n["id"] not in counted]
    counts = _child_counts(unopened, type_id, day, current)
    for node in by_id.values():
        if node["children"] is None:
            if node["id"] not in counted:
                node["child_count"] = counts.get(node["id"], 0)
            if node["child_count"] == 0:
                node["children"] = []
        else:
            node["child_count"] = len(node["children"])
            node["children"].sort(key=lambda n: (n["name"] or "", n["id"]))
    for p in path:
        if p in by_id:
            by_id[p]["on_path"] = True
    for hit_path in hit_paths:
        for p in hit_path[:-1]:
            if p in by_id:
                by_id[p]["hit_path"] = True
        if hit_path[-1] in by_id:
            by_id[hit_path[-1]]["hit"] = True
    if int(party_id) in by_id:
        by_id[int(party_id)]["requested"] = True
    return by_id[root]


def children_of(
    parent_ids: Sequence[int], type_key: str, as_of: dt.date | str | None = None
) -> dict[int, list[Node]]:
    """The children of several parents at once, by name, each with its own child count
    (``children`` None where it has children, [] where none): today one read of the closure's
    depth-1 rows for all of them, on another date three (links, parties, their child counts),
    however many parents and children. Nodes carry no ``depth``; the caller knows it."""
    type_id, day, current = _prepare(type_key, as_of)
    wanted = sorted({int(p) for p in parent_ids})
    out: dict[int, list[Node]] = {p: [] for p in wanted}
    if not wanted:
        return out
    if current:
        for r in _open_children_rows(set(wanted), type_id):
            out[int(r[5])].append(_node(r, 0, int(r[5]), int(r[4])))
    else:
        pairs = _children_rows(wanted, type_id, day, current)
        ids = [c for _p, c in pairs]
        rows = _party_rows(ids)
        counts = _child_counts(ids, type_id, day, current)
        for p, c in pairs:
            if c in rows:
                out[p].append(_node(rows[c], 0, p, counts.get(c, 0)))
    for kids in out.values():
        kids.sort(key=lambda n: (n["name"] or "", n["id"]))
        for n in kids:
            n["children"] = None if n["child_count"] else []
    return out


def _open_children_rows(parents: set[int], type_id: int) -> list[tuple[Any, ...]]:
    """Today's children of the given parents with their fields and child counts:
    (id, number, name, city, child_count, parent)."""
    if not parents:
        return []
    return _rows(child_rows_sql(len(parents)), [type_id, *sorted(parents)])


def _paths_to(
    ids: Sequence[int], root: int, type_id: int, day: dt.date, current: bool
) -> list[list[int]]:
    """The paths from ``root`` down to each of ``ids`` that stand under it on the day (root
    first, the member last): today one query on the closure for all, on another date one
    dated walk up per member."""
    wanted = [int(i) for i in dict.fromkeys(ids)]
    if not wanted:
        return []
    if not current:
        found = [[*_ancestor_ids(i, type_id, day, current), i] for i in wanted]
        return [p for p in found if p[0] == root]
    ups: dict[int, list[tuple[int, int]]] = {}
    for chunk in chunks(wanted, 500):
        marks = ",".join(["%s"] * len(chunk))
        for member, ancestor, depth in _rows(
            f"SELECT descendant_id, ancestor_id, depth FROM {CT} WHERE type_id = %s"
            f" AND descendant_id IN ({marks}) AND depth > 0",
            [type_id, *chunk],
        ):
            ups.setdefault(int(member), []).append((int(depth), int(ancestor)))
    paths = []
    for member in wanted:
        above = [a for _d, a in sorted(ups.get(member, []), reverse=True)]
        path = [*above, member]
        if path[0] == root:
            paths.append(path)
    return paths


def flatten(node: Node) -> list[Node]:
    """The nodes of a tree in display order (depth first), without their children lists."""
    out: list[Node] = []
    stack = [node]
    while stack:
        n = stack.pop()
        out.append({k: v for k, v in n.items() if k != "children"})
        stack.extend(reversed(n["children"] or []))
    return out


# --- membership periods -------------------------------------------------------------------


def membership_periods(
    party_id: int, root_id: int, type_key: str
) -> list[tuple[dt.date | None, dt.date | None]]:
    """When the party stood under ``root_id``: the intersections of the validities along each
    path, merged; None is an open end. A party is always in its own group."""
    type_id = hierarchy_type_id(type_key)
    if int(party_id) == int(root_id):
        return [(None, None)]
    paths = engine.walk_up(type_id, int(party_id), MIN_DATE, MAX_DATE, stop_at=int(root_id))
    rows = sorted((lo, hi) for _path, lo, hi in paths)
    merged: list[list[dt.date]] = []
    for lo_raw, hi_raw in rows:
        lo, hi = engine.as_date(lo_raw), engine.as_date(hi_raw)
        if merged and (merged[-1][1] == MAX_DATE or lo <= merged[-1][1] + dt.timedelta(days=1)):
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return [(None if lo == MIN_DATE else lo, None if hi == MAX_DATE else hi) for lo, hi in merged]


# --- for other domains' set-based reads (revenue's roll-ups) ------------------------------

# Today's closure table, for joins of a whole subtree in one statement (revenue sums a group's
# figures so): a row (type_id, ancestor_id, descendant_id, depth, parent_id, child_count) says
# the descendant stands ``depth`` links below the ancestor today; every member of a tree has a
# self row (depth 0, ``parent_id`` NULL on a root's). Call ``ensure_current`` first. Roots:
# ``ROOTS_SQL``; the dated walk (for other dates): ``member_periods_sql``.
CLOSURE = CT
# The dated closure (``hierarchies.dated``): rows (type_id, ancestor_id, descendant_id,
# valid_from, valid_to) for every stretch of days a descendant stood below an ancestor, open
# ends as MIN_DATE/MAX_DATE, no self rows, never overlapping per pair; always current, no
# ``ensure_current`` needed. Sums by the structure of each month join it.
DATED_CLOSURE = DatedClosureEntry._meta.db_table


def ensure_current(rtype: RelationshipType | int) -> None:
    """Bring the type's closure up to today (links that began or ended since it was last
    brought up to date), so that it answers today's questions."""
    engine.ensure_fresh(rtype)


def top_ancestor(party_id: int, type_id: int, on: dt.date | None = None) -> int:
    """The party's ultimate parent along the type (the party itself when it has none): today
    from the closure as it stands (see ``ensure_current``), one index seek; on the date ``on``
    by the dated walk up the links valid that day."""
    if on is None:
        rows = _rows(_TOP_SQL, [type_id, party_id])
        return int(rows[0][0]) if rows else int(party_id)
    path = _ancestor_ids(party_id, type_id, on, current=False)
    return path[0] if path else int(party_id)


def tree_top(party_id: int, type_id: int) -> int | None:
    """The top of the party's tree along the type today, None when it is in no tree: one
    index seek, answering ``top_ancestor`` and ``in_tree`` at once (a party in a tree has its
    self row, so it has a deepest ancestor row; the top has its self row too)."""
    rows = _rows(_TOP_SQL, [type_id, party_id])
    return int(rows[0][0]) if rows else None


def in_tree(party_id: int, type_id: int) -> bool:
    """Whether the party belongs to a tree of the type today (has a closure self row)."""
    return bool(
        _rows(
            f"SELECT 1 FROM {CT} WHERE type_id = %s AND ancestor_id = %s AND depth = 0",
            [type_id, party_id],
        )
    )
