"""Reads of the hierarchy page and the move: batches of children, child counts, the tree
search with the paths to its hits, the group sizes of the tabs on a date, a party's current
parent and the size of the subtree that moves with it. The general reads (trees, groups,
ancestors) are ``hierarchies.selectors``; this module is for the hierarchy's own views, API
and commands.
"""

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from django.db import connection
from django.db.models import F, Q

from verbund.core.bulk import chunks, scalar
from verbund.core.collector import gc_paused
from verbund.core.text import fold
from verbund.hierarchies import engine
from verbund.hierarchies.engine import CT, MAX_WALK, PT, RT
from verbund.hierarchies.models import ClosureEntry
from verbund.hierarchies.selectors import (
    Node,
    children,
    depth_of,
    group_rows,
    hierarchy_type,
    hierarchy_type_id,
    party_hierarchies,
    subtree_ids,
    top_ancestor,
)
from verbund.hierarchies.sql import children_page_sql
from verbund.parties.models import Party
from verbund.parties.selectors import LIST_FIELDS, text_search
from verbund.relationships.models import Relationship, RelationshipType, Structure, valid_on_q

# --- the hierarchy view: batches of children, child counts, tree search -------------------


def child_counts(ids: Sequence[int], type_key: str, as_of: dt.date | None = None) -> dict[int, int]:
    """How many children the nodes have today, nodes without children left out: one query on
    their closure self rows (one row per node however many children it has), after the type's
    lookup. Empty for any other date (the closure holds today only; the dated tree counts its
    nodes' children itself)."""
    if as_of is not None and as_of != dt.date.today():
        return {}
    rtype = hierarchy_type(type_key)
    rows = ClosureEntry.objects.filter(type=rtype, descendant_id__in=ids, depth=0).values_list(
        "descendant_id", "child_count"
    )
    return {int(a): int(n) for a, n in rows if n}


def children_page(
    party_id: int, type_key: str, as_of: dt.date | None, offset: int, limit: int
) -> tuple[list[Node], int]:
    """One batch of a node's children by name (``limit`` from ``offset``), and how many there
    are. Nodes as in ``tree``: ``children`` is None where the node has children not loaded,
    ``[]`` where it has none.

    Today's structure is read from the closure a batch at a time (a central settlement party
    can have thousands of direct members); other dates go through ``children``.
    """
    if as_of is not None and as_of != engine.today():
        kids = children(party_id, type_key, as_of)
        return kids[offset : offset + limit], len(kids)
    rtype = hierarchy_type(type_key)
    engine.ensure_fresh(rtype)
    total = ClosureEntry.objects.filter(type=rtype, ancestor_id=party_id, depth=1).count()
    with connection.cursor() as cur:
        cur.execute(children_page_sql(), [rtype.pk, party_id, limit, offset])
        rows = cur.fetchall()
    nodes: list[Node] = [
        {
            "id": int(pid),
            "number": number,
            "name": name,
            "city": city,
            "child_count": int(count),
            "parent_id": party_id,
            "children": None,
        }
        for pid, number, name, city, count, _parent in rows
    ]
    for n in nodes:
        if not n["child_count"]:
            n["children"] = []
    return nodes, total


def search_tree(
    root_id: int, type_key: str, as_of: dt.date | None, query: str, *, limit: int
) -> list[Party]:
    """The members of the tree under ``root_id`` (itself included) that match ``query`` as
    the party search does (``parties.selectors.text_search``), by name, at most ``limit``.

    Party rows with ``LIST_FIELDS`` only. Today's members are a closure subquery of the one
    statement; on another date the dated walk's ids are searched 500 at a time until
    ``limit`` are found.
    """
    if not fold(query).split():
        return []
    qs = Party.objects.only(*LIST_FIELDS)
    if as_of is None or as_of == dt.date.today():
        rtype = hierarchy_type(type_key)
        members = ClosureEntry.objects.filter(type=rtype, ancestor_id=root_id).values(
            "descendant_id"
        )
        found = text_search(qs, query).filter(pk__in=members)
        if connection.vendor != "postgresql":
            return list(found.order_by("name", "id")[:limit])
        # The hits are found behind an OFFSET 0 fence and sorted after. Unfenced, the planner
        # counts on meeting ``limit`` hits early in the name index and walks it, filtering
        # every party and probing the closure per hit: 2 s at a million parties when the
        # group of 90,000 holds none of the 12,500 matches. Fenced it starts from the
        # smaller of the search's trigram hits and the group's closure rows.
        sql, params = found.order_by().query.sql_with_params()
        return list(
            Party.objects.raw(
                f"SELECT * FROM ({sql} OFFSET 0) s ORDER BY s.name, s.id LIMIT %s",
                [*params, limit],
            )
        )
    ids = subtree_ids(root_id, type_key, as_of)
    found_on: list[Party] = []
    for start in range(0, len(ids), 500):
        found_on.extend(text_search(qs, query).filter(pk__in=ids[start : start + 500]))
        if len(found_on) >= limit:
            break
    return sorted(found_on, key=lambda p: (p.name, p.pk))[:limit]


# --- moving a subtree ---------------------------------------------------------------------


def current_parent(
    party_id: int, type_key: str, on: dt.date | None = None
) -> dict[str, Any] | None:
    """The party's parent along the type on ``on`` (default today), from its link:
    ``{id, number, name, city, relationship_id, valid_from, valid_to}``; None for a root."""
    rel = (
        Relationship.objects.filter(type_id=hierarchy_type_id(type_key), from_party_id=party_id)
        .filter(valid_on_q(on or engine.today()))
        .select_related("to_party")
        .order_by("valid_from", "id")
        .first()
    )
    if rel is None:
        return None
    parent = rel.to_party
    return {
        "id": parent.pk,
        "number": parent.number,
        "name": parent.display_name,
        "city": parent.city,
        "relationship_id": rel.pk,
        "valid_from": rel.valid_from,
        "valid_to": rel.valid_to,
    }


def subtree_size(party_id: int, type_key: str, on: dt.date | None = None) -> int:
    """How many parties stand in the party's subtree on ``on`` (default today), itself
    included: the members that move along when it moves."""
    day = on or engine.today()
    if day == engine.today():
        type_id = hierarchy_type_id(type_key)
        engine.ensure_fresh(type_id)
        n = scalar(
            f"SELECT COUNT(*) FROM {CT} WHERE type_id = %s AND ancestor_id = %s",
            [type_id, party_id],
        )
        return int(n or 1)
    return len(subtree_ids(party_id, type_key, day))


# --- expanding levels ---------------------------------------------------------------------


def deepest_level(root_id: int, type_key: str) -> int:
    """How many levels today's tree under ``root_id`` has below it (one seek in the subtree
    index)."""
    type_id = hierarchy_type_id(type_key)
    engine.ensure_fresh(type_id)
    return int(
        scalar(
            f"SELECT MAX(depth) FROM {CT} WHERE type_id = %s AND ancestor_id = %s",
            [type_id, root_id],
        )
        or 0
    )


def levels_that_fit(root_id: int, type_key: str, wanted: int, limit: int) -> int:
    """The most levels, at most ``wanted``, whose nodes number at most ``limit`` in today's
    tree under ``root_id`` (the sizes of other dates are taken as today's, as ``tree`` does).
    Each try reads at most ``limit + 1`` closure rows, so a 100,000-member group costs no
    more than a small one."""
    type_id = hierarchy_type_id(type_key)
    engine.ensure_fresh(type_id)
    sql = (
        f"SELECT COUNT(*) FROM (SELECT 1 FROM {CT} WHERE type_id = %s AND ancestor_id = %s"
        " AND depth <= %s LIMIT %s) t"
    )
    for levels in range(wanted, 0, -1):
        if int(scalar(sql, [type_id, root_id, levels, limit + 1]) or 0) <= limit:
            return levels
    return 0


# --- the tabs: the party's hierarchies on a date ------------------------------------------


def party_hierarchies_on(party_id: int, day: dt.date | None) -> list[dict[str, Any]]:
    """The hierarchies the party belongs to on ``day`` with the size of its group that day
    (as ``selectors.party_hierarchies``, which answers for today from the closure). On
    another date each group is walked down from its top on that date."""
    if day is None or day == engine.today():
        return party_hierarchies(party_id)
    out: list[dict[str, Any]] = []
    for rtype in RelationshipType.objects.filter(structure=Structure.HIERARCHY).order_by(
        "order", "key"
    ):
        linked = Relationship.objects.filter(type=rtype).filter(valid_on_q(day))
        if not (
            linked.filter(from_party_id=party_id).exists()
            or linked.filter(to_party_id=party_id).exists()
        ):
            continue
        root = top_ancestor(party_id, rtype.pk, day)
        out.append(
            {
                "type_key": rtype.key,
                "type_name": rtype.name,
                "root_id": root,
                "size": dated_size(root, rtype.pk, day),
                "depth": depth_of(party_id, rtype.key, day),
            }
        )
    return out


def dated_size(root: int, type_id: int, day: dt.date) -> int:
    """How many parties stood under ``root`` (itself included) on ``day``: the dated walk,
    ids only (no party rows: a 100,000-member group is counted, not read). PostgreSQL walks
    in one recursive statement; SQLite one indexed query per level and chunk (a recursive
    join makes it build a Bloom filter over the whole relationships table, see
    ``selectors._subtree_rows_by_level``)."""
    valid = engine.valid_sql("r")
    if connection.vendor == "postgresql":
        return int(
            scalar(
                f"""WITH RECURSIVE down(id, depth) AS (
                        SELECT p.id, 0 FROM {PT} p WHERE p.id = %s
                        UNION ALL
                        SELECT r.from_party_id, down.depth + 1 FROM down
                        JOIN {RT} r ON r.to_party_id = down.id
                        WHERE r.type_id = %s AND down.depth < %s AND {valid})
                    SELECT COUNT(DISTINCT id) FROM down""",
                [root, type_id, MAX_WALK, day, day],
            )
            or 1
        )
    seen, frontier, depth = {int(root)}, [int(root)], 0
    with connection.cursor() as cur:
        while frontier and depth < MAX_WALK:
            depth += 1
            found: list[int] = []
            for chunk in chunks(frontier, 500):
                marks = ",".join(["%s"] * len(chunk))
                cur.execute(
                    f"SELECT r.from_party_id FROM {RT} r WHERE r.to_party_id IN ({marks})"
                    f" AND r.type_id = %s AND {valid}",
                    [*chunk, type_id, day, day],
                )
                found.extend(int(row[0]) for row in cur.fetchall())
            frontier = [x for x in found if x not in seen]
            seen.update(frontier)
    return len(seen)


def latest_hierarchy_key(party_id: int) -> str | None:
    """The type of the party's hierarchy link that starts last (either end), or None."""
    rel = (
        Relationship.objects.filter(type__structure=Structure.HIERARCHY)
        .filter(Q(from_party_id=party_id) | Q(to_party_id=party_id))
        .select_related("type")
        .order_by(F("valid_from").desc(nulls_last=True), "-id")
        .first()
    )
    return rel.type.key if rel else None


# --- the export ---------------------------------------------------------------------------


def export_rows(
    party_id: int, type_key: str, as_of: dt.date | None
) -> Iterator[tuple[int, str, str, str, int, str]]:
    """The party's whole tree (from its ultimate parent) in the order of the view: depth
    first, siblings by name. Each row: level, number, name, city, children, the parent's
    number. From ``group_rows`` (one statement for today's group) rather than nested nodes:
    134,000 members as tuples cost a fraction of as many dicts."""
    with gc_paused():
        rows = group_rows(party_id, type_key, as_of)
        if not rows:
            return
        numbers = {r[0]: r[1] for r in rows}
        below: dict[Any, list[tuple[Any, ...]]] = {}
        for r in rows[1:]:
            below.setdefault(r[6], []).append(r)
        for kids in below.values():
            kids.sort(key=lambda r: (r[2] or "", r[0]))
    stack = [rows[0]]
    while stack:
        r = stack.pop()
        yield (r[4], r[1], r[2], r[3], r[5], numbers.get(r[6], ""))
        under = below.get(r[0])
        if under:
            stack.extend(reversed(under))
