"""Who owns a party, and what it owns: effective ownership along share-carrying links (reads).

Links of a type with ``carries_share`` read from = the owned company, to = the owner, share =
the owner's percentage. The effective share of an owner O in a party X is the product of the
shares along a path of links from X up to O, summed over every such path that visits no party
twice. Cross-holdings are legal (A holds 10 % of B, B holds 5 % of A), so the graph may have
cycles: a path never comes back to a party it passed, which keeps the sum finite and the walk
terminating.

Where the parties reachable from X form no cycle (the usual case, a tree or a DAG), the sum
over paths is computed level by level in topological order, linear in the links; where a cycle
is reachable, the simple paths are enumerated, with a budget of steps (``MAX_STEPS``) after
which the result says ``complete: False``. ``paths`` lists up to ``MAX_PATHS`` paths per owner
as examples.

Beneficial owners ("wirtschaftlich Berechtigte", GwG § 3, Transparenzregister) are the persons
among the effective owners holding at least the threshold (25 % unless the setting
``VERBUND_BENEFICIAL_OWNER_THRESHOLD`` says otherwise, or the caller asks another).

compliance.ownership answers a different question (the aggregate held by *blocked* owners,
OFAC's 50 % rule, passing only through blocked entities) and is left as it is.
"""

import datetime as dt
from collections import defaultdict, deque
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _

from verbund.core.bulk import chunks
from verbund.core.sql import id_set
from verbund.hierarchies import engine
from verbund.hierarchies.engine import PT, RT
from verbund.hierarchies.sql import party_join
from verbund.parties.models import display_name_of
from verbund.relationships.models import RelationshipType
from verbund.relationships.rules import could_be_type_key

HUNDRED = Decimal(100)
MAX_PATHS = 10
MAX_STEPS = 200_000
DEFAULT_THRESHOLD = Decimal(25)

Graph = dict[int, list[tuple[int, Decimal]]]


def threshold(raw: Any = None) -> Decimal:
    """The beneficial-owner threshold in percent (the setting, or ``raw``), refused naming
    ``threshold`` unless above 0 and at most 100."""
    if raw in (None, ""):
        raw = getattr(settings, "VERBUND_BENEFICIAL_OWNER_THRESHOLD", DEFAULT_THRESHOLD)
    try:
        value = Decimal(str(raw))
    except ArithmeticError:
        value = Decimal(-1)
    if not value.is_finite() or not Decimal(0) < value <= HUNDRED:
        raise ValidationError(
            {"threshold": [_("The threshold must be a percentage above 0 and at most 100.")]}
        )
    return value


def share_type_ids(type_key: str | None = None) -> list[int]:
    """The types whose links carry shares (one of them with ``type_key``), refused naming
    ``type`` when the key names no such type."""
    qs = RelationshipType.objects.filter(carries_share=True)
    if type_key:
        qs = qs.filter(key=type_key)
    ids = list(qs.values_list("id", flat=True)) if could_be_type_key(type_key) else []
    if type_key and not ids:
        raise ValidationError(
            {"type": [_("%(key)s is no type that carries shares.") % {"key": type_key}]}
        )
    return ids


def load_graph(start: int, types: list[int], day: dt.date, *, up: bool) -> Graph:
    """The share links reachable from ``start``, upward (to the owners) or downward (to the
    holdings), valid on ``day``: node -> [(next node, share in percent)], every node reached
    a key. On PostgreSQL one statement however many links (``_walk``); on SQLite one indexed
    query per level and chunk of 900 nodes (``_walk_by_level``)."""
    return _reach(start, types, day, up=up, parties=False)[0]


# The party columns read of the nodes reached, for ``_party``.
_PARTY_COLUMNS = ("id", "number", "name", "kind", "title", "first_name", "last_name", "city")


def _reach(
    start: int, types: list[int], day: dt.date, *, up: bool, parties: bool
) -> tuple[Graph, dict[int, dict[str, Any]]]:
    """``load_graph``'s graph and (``parties``, on PostgreSQL, where the walk reads them in
    the same statement) the nodes reached as ``_party`` makes them; the caller reads those
    missing."""
    if not types:
        return {start: []}, {}
    if connection.vendor == "postgresql":
        return _walk(start, types, day, up=up, parties=parties)
    return _walk_by_level(start, types, day, up=up), {}


def _links_sql(types: list[int], day: dt.date) -> tuple[str, list[Any]]:
    marks = ", ".join(["%s"] * len(types))
    cond = f"r.type_id IN ({marks}) AND r.share IS NOT NULL AND {engine.valid_sql('r')}"
    return cond, [*types, day, day]


def _walk(
    start: int, types: list[int], day: dt.date, *, up: bool, parties: bool
) -> tuple[Graph, dict[int, dict[str, Any]]]:
    """The walk on PostgreSQL: one recursive statement, in which a link joins the walk at
    most once (UNION), so cross-holdings end it. Each node's party row is read by its key
    (``sql.party_join``: the walk's size is unknown to the planner, which may otherwise hash
    all parties)."""
    near, far = ("from_party_id", "to_party_id") if up else ("to_party_id", "from_party_id")
    cond, cond_params = _links_sql(types, day)
    sql = (
        f"WITH RECURSIVE link(id, near, far, share) AS ("
        f" SELECT r.id, r.{near}, r.{far}, r.share FROM {RT} r WHERE r.{near} = %s AND {cond}"
        " UNION"
        f" SELECT r.id, r.{near}, r.{far}, r.share FROM link l JOIN {RT} r ON r.{near} = l.far"
        f" WHERE {cond}) SELECT l.near, l.far, l.share"
    )
    if parties:
        cols = ", ".join(f"p.{c}" for c in _PARTY_COLUMNS)
        sql += f", {cols} FROM link l {party_join('l.far', _PARTY_COLUMNS)} ORDER BY l.id"
    else:
        sql += " FROM link l ORDER BY l.id"
    graph: Graph = {start: []}
    found: dict[int, dict[str, Any]] = {}
    with connection.cursor() as cur:
        cur.execute(sql, [start, *cond_params, *cond_params])
        for row in cur.fetchall():
            a, b = int(row[0]), int(row[1])
            graph.setdefault(a, []).append((b, Decimal(str(row[2]))))
            graph.setdefault(b, [])
            if parties and b not in found:
                found[b] = _party(row[3:])
    return graph, found


def _walk_by_level(start: int, types: list[int], day: dt.date, *, up: bool) -> Graph:
    """The walk on SQLite, level by level: for a recursive join SQLite builds a Bloom filter
    over the whole relationships table (40 ms at 130,000 links, even for a group of three),
    where the queries of a level take a millisecond."""
    graph: Graph = {}
    near, far = ("from_party_id", "to_party_id") if up else ("to_party_id", "from_party_id")
    cond, cond_params = _links_sql(types, day)
    frontier = [start]
    while frontier:
        for node in frontier:
            graph[node] = []
        found: list[int] = []
        for chunk in chunks(frontier, 900):
            marks = ", ".join(["%s"] * len(chunk))
            with connection.cursor() as cur:
                cur.execute(
                    f"SELECT r.{near}, r.{far}, r.share FROM {RT} r WHERE r.{near} IN ({marks})"
                    f" AND {cond}",
                    [*chunk, *cond_params],
                )
                for a, b, share in cur.fetchall():
                    graph[int(a)].append((int(b), Decimal(str(share))))
                    found.append(int(b))
        frontier = sorted({n for n in found if n not in graph})
    return graph


def _topological(graph: Graph, start: int) -> list[int] | None:
    """The nodes reachable from ``start`` in an order where every link goes forward, or None
    when a cycle is reachable."""
    reachable, pending = {start}, [start]
    while pending:
        for nxt, _share in graph.get(pending.pop(), ()):
            if nxt not in reachable:
                reachable.add(nxt)
                pending.append(nxt)
    indegree: dict[int, int] = defaultdict(int)
    for node in reachable:
        for nxt, _share in graph.get(node, ()):
            indegree[nxt] += 1
    queue = deque([start] if indegree[start] == 0 else [])
    order: list[int] = []
    while queue:
        node = queue.popleft()
        order.append(node)
        for nxt, _share in graph.get(node, ()):
            indegree[nxt] -= 1
            if indegree[nxt] == 0:
                queue.append(nxt)
    return order if len(order) == len(reachable) else None


def effective(
    graph: Graph, start: int, *, max_paths: int = MAX_PATHS, max_steps: int = MAX_STEPS
) -> tuple[dict[int, Decimal], dict[int, list[list[tuple[int, Decimal]]]], bool]:
    """The effective shares (fractions, 0.5 = 50 %) of every node reachable from ``start``,
    summed over the simple paths; up to ``max_paths`` paths per node as lists of (node, share)
    from ``start``'s first link; and whether the sums are complete."""
    shares: dict[int, Decimal] = defaultdict(Decimal)
    order = _topological(graph, start)
    if order is not None:
        carried: dict[int, Decimal] = defaultdict(Decimal)
        carried[start] = Decimal(1)
        for node in order:
            for nxt, share in graph.get(node, ()):
                carried[nxt] += carried[node] * share / HUNDRED
        shares.update({n: v for n, v in carried.items() if n != start})
    paths: dict[int, list[list[tuple[int, Decimal]]]] = defaultdict(list)
    if order is not None and max_paths == 0:
        return dict(shares), {}, True
    # Depth first over the simple paths: the sums where a cycle is reachable (within the
    # budget), and the example paths.
    steps = 0
    stack: list[tuple[int, Decimal, tuple[tuple[int, Decimal], ...], frozenset[int]]] = [
        (start, Decimal(1), (), frozenset([start]))
    ]
    while stack:
        node, product, path, seen = stack.pop()
        for nxt, share in graph.get(node, ()):
            if nxt in seen:
                continue
            steps += 1
            if steps > max_steps:
                # The sums of an acyclic graph are complete already; only examples stop.
                return dict(shares), dict(paths), order is not None
            value = product * share / HUNDRED
            step = (*path, (nxt, share))
            if order is None:
                shares[nxt] += value
            if len(paths[nxt]) < max_paths:
                paths[nxt].append(list(step))
            stack.append((nxt, value, step, seen | {nxt}))
    return dict(shares), dict(paths), True


def _party(row: Sequence[Any]) -> dict[str, Any]:
    """A party as the results name it, from its ``_PARTY_COLUMNS``."""
    pid, number, name, kind, title, first, last, city = row
    return {
        "id": int(pid), "number": number, "name": display_name_of(kind, name, title, first, last),
        "kind": kind, "city": city,
    }  # fmt: skip


def _parties(ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    wanted, params = id_set(set(ids))
    with connection.cursor() as cur:
        cur.execute(f"SELECT {', '.join(_PARTY_COLUMNS)} FROM {PT} WHERE id {wanted}", params)
        return {int(row[0]): _party(row) for row in cur.fetchall()}


def _percent(fraction: Decimal) -> Decimal:
    return (fraction * HUNDRED).quantize(Decimal("0.0001"))


def ownership(
    party_id: int,
    type_key: str | None = None,
    as_of: Any = None,
    beneficial_threshold: Any = None,
    *,
    holdings: bool = True,
) -> dict[str, Any]:
    """The party's direct and effective owners (with paths), its beneficial owners, and
    (``holdings``) the effective share it holds in every party below it."""
    day = as_of if isinstance(as_of, dt.date) else None
    if as_of not in (None, "") and day is None:
        try:
            day = dt.date.fromisoformat(str(as_of))
        except ValueError:
            raise ValidationError(
                {"as_of": [_("%(value)s is not a date (YYYY-MM-DD).") % {"value": as_of}]}
            ) from None
    day = day or engine.today()
    limit = threshold(beneficial_threshold)
    types = share_type_ids(type_key)
    start = int(party_id)
    # On PostgreSQL the parties come with the links that reach them: one statement each way
    # and one for the party itself, however big the group.
    up, names = _reach(start, types, day, up=True, parties=True)
    owner_shares, owner_paths, owners_complete = effective(up, start)
    down: Graph = {start: []}
    if holdings:
        down, below = _reach(start, types, day, up=False, parties=True)
        names.update(below)
    held, _held_paths, held_complete = effective(down, start, max_paths=0)
    names.update(_parties(n for n in (start, *up, *owner_shares, *held) if n not in names))

    def ref(pid: int) -> dict[str, Any]:
        return names.get(pid, {"id": pid, "number": "", "name": "", "kind": "", "city": ""})

    direct = [
        {"owner": ref(o), "share": s.quantize(Decimal("0.0001"))}
        for o, s in sorted(up.get(start, []), key=lambda e: (-e[1], e[0]))
    ]
    owners: list[dict[str, Any]] = []
    for owner, fraction in sorted(owner_shares.items(), key=lambda e: (-e[1], e[0])):
        owners.append(
            {
                "owner": ref(owner),
                "effective_share": _percent(fraction),
                "paths": [
                    {
                        # From the owner down to the party, the share of each link.
                        "parties": [ref(owner)["id"], *[n for n, _s in reversed(p[:-1])], start],
                        "shares": [s for _n, s in reversed(p)],
                    }
                    for p in owner_paths.get(owner, [])
                ],
            }
        )
    beneficial = [
        o for o in owners if o["owner"]["kind"] == "person" and o["effective_share"] >= limit
    ]
    return {
        "party": ref(start),
        "as_of": day,
        "threshold": limit,
        "direct_owners": direct,
        "owners": owners,
        "beneficial_owners": beneficial,
        "holdings": [
            {"party": ref(p), "effective_share": _percent(f)}
            for p, f in sorted(held.items(), key=lambda e: (-e[1], e[0]))
        ],
        "complete": owners_complete and held_complete,
    }
