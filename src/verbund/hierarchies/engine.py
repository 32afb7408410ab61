"""Hierarchy rules and closure upkeep, called by the relationships actions.

Interface (kept stable for callers):
- ``lock_for_write(rtype, party_ids)``: take the locks that make check-then-write safe, and
  bring the type's closure up to today.
- ``check_link(rel)``: raise ``core.errors.Conflict`` (a ValidationError naming ``to_party``:
  stored links refuse it, the API's 409) when ``rel`` would give its child a second parent or
  close a cycle at any date inside its validity (the message names the path; the messages are
  ``hierarchies.rules``, shared with the batch check ``hierarchies.batch``).
- ``after_link_changed(rel, before)``: keep the closure table in step, same transaction.
- ``rebuild_closure(type_keys=None)``: set-based rebuild after bulk loads (demo, imports).
- ``ensure_fresh(rtype)``: replay the links that started or ended since the closure's day.

Locking: on PostgreSQL every writer of a hierarchy type takes a transaction-scoped advisory
lock on the type before it checks. Group roots would be a finer lock, but a dated link can join
groups that only meet at another date, and the root set can change while one waits; one lock
per type is always right and writes are rare next to reads. SQLite writers are serialised by
BEGIN IMMEDIATE (settings). After the lock, READ COMMITTED lets each check see the rows the
previous writer committed.
"""

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from verbund.core.bulk import scalar, secondary_indexes
from verbund.core.errors import Conflict
from verbund.core.sql import transaction_lock
from verbund.hierarchies import dated, rules
from verbund.hierarchies.models import ClosureEntry, ClosureState
from verbund.parties.models import Party
from verbund.relationships.models import (
    MAX_DATE,
    MIN_DATE,
    Relationship,
    RelationshipType,
    Structure,
    overlaps_q,
)

CT = ClosureEntry._meta.db_table
RT = Relationship._meta.db_table
PT = Party._meta.db_table

# Namespace of the advisory locks (first key), the type id is the second key.
LOCK_NAMESPACE = 0x5645
# Above this many links changing state since the closure's day a full rebuild is cheaper.
REPLAY_LIMIT = 5000
# Safety net for walks over broken (bulk-loaded, unchecked) data.
MAX_WALK = 200

# (database alias, type id) -> the day the closure was last seen fresh by this process.
_fresh: dict[tuple[str, int], dt.date] = {}


def _remember(type_id: int, day: dt.date) -> None:
    """Memo the closure's freshness, but only once it is committed: a rolled-back refresh
    (say, inside a refused write) must not leave the memo claiming a fresh closure."""
    key = (connection.alias, type_id)
    if connection.in_atomic_block:
        transaction.on_commit(lambda: _fresh.__setitem__(key, day))
    else:
        _fresh[key] = day


def forget_freshness() -> None:
    """Drop this process's memo of fresh closures, so the next read checks the database
    (benchmarks and tests that roll their writes back)."""
    _fresh.clear()


def today() -> dt.date:
    """The day 'today' means for the closure (a function, so tests can move the calendar)."""
    return dt.date.today()


def _type_id(rtype: RelationshipType | int) -> int:
    return rtype if isinstance(rtype, int) else int(rtype.pk)


def valid_sql(alias: str = "r") -> str:
    """SQL: the link ``alias`` is valid on a day (parameters: the day, twice)."""
    return f"({alias}.valid_from IS NULL OR {alias}.valid_from <= %s) AND ({alias}.valid_to IS NULL OR {alias}.valid_to >= %s)"


def as_date(value: Any) -> dt.date:
    """A date from the database (SQLite gives text) or from a caller."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def no_jit() -> None:
    """Switch PostgreSQL's JIT off for the rest of the current transaction (SET LOCAL).

    Whole-group reads and the detach of a big subtree are plans of many cheap index probes,
    costed above ``jit_above_cost`` (a 100,000-member group above ``jit_inline_above_cost``):
    compiling them takes longer than running them. Harmless where JIT is off already.
    """
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cur:
            cur.execute("SET LOCAL jit = off")


def _advisory_lock(type_id: int) -> None:
    transaction_lock(LOCK_NAMESPACE, type_id)


# --- the write interface ------------------------------------------------------------------


def lock_for_write(rtype: RelationshipType, party_ids: list[int]) -> None:
    """Serialise writers of this hierarchy type, then make sure the closure describes today."""
    _advisory_lock(_type_id(rtype))
    ensure_fresh(rtype, locked=True)


def check_link(rel: Relationship) -> None:
    """Refuse a second parent or a cycle at any date inside the validity of ``rel``: a
    ``Conflict``, as the stored links refuse it, not the link itself."""
    type_id = rel.type_id
    child, parent = rel.from_party_id, rel.to_party_id
    lo, hi = rel.valid_from or MIN_DATE, rel.valid_to or MAX_DATE
    clash = (
        Relationship.objects.filter(type_id=type_id, from_party_id=child)
        .exclude(pk=rel.pk or -1)
        .filter(overlaps_q(rel.valid_from, rel.valid_to))
        .order_by("valid_from", "id")
        .first()
    )
    if clash is not None:
        names = rules.party_labels([child, clash.to_party_id])
        message = rules.second_parent(
            names.get(child, str(child)),
            rel.type.name,
            clash.valid_from,
            clash.valid_to,
            names.get(clash.to_party_id, str(clash.to_party_id)),
        )
        raise Conflict({"to_party": [message]})
    found = _cycle_path(type_id, child, parent, lo, hi, exclude_pk=rel.pk or -1)
    if found is not None:
        path, day = found
        names = rules.party_labels(path)
        message = rules.cycle(day, [names.get(p, str(p)) for p in path])
        raise Conflict({"to_party": [message]})


def walk_up(
    type_id: int, start: int, lo: dt.date, hi: dt.date, *, stop_at: int, exclude_pk: int = -1
) -> list[tuple[list[int], dt.date, dt.date]]:
    """Every upward path from ``start`` to ``stop_at`` over links valid together inside
    [lo, hi], with the interval on which the whole path holds: (path from start, from, to).

    A party may have had several parents over the years, so this is a search, one indexed
    query per visited party. It is not a recursive CTE on purpose: SQLite (3.38+) builds a
    Bloom filter over the whole relationships table for a recursive join once statistics
    exist, about 100 ms at a million links on every call.
    """
    found: list[tuple[list[int], dt.date, dt.date]] = []
    stack: list[tuple[int, dt.date, dt.date, list[int]]] = [(start, lo, hi, [start])]
    sql = f"""SELECT to_party_id, valid_from, valid_to FROM {RT}
              WHERE from_party_id = %s AND type_id = %s AND id <> %s
                AND (valid_from IS NULL OR valid_from <= %s) AND (valid_to IS NULL OR valid_to >= %s)"""
    with connection.cursor() as cur:
        while stack:
            node, a, b, path = stack.pop()
            cur.execute(sql, [node, type_id, exclude_pk, b, a])
            for to, vf, vt in cur.fetchall():
                na = max(a, as_date(vf) if vf else MIN_DATE)
                nb = min(b, as_date(vt) if vt else MAX_DATE)
                if int(to) == stop_at:
                    found.append(([*path, int(to)], na, nb))
                elif len(path) < MAX_WALK and int(to) not in path:
                    stack.append((int(to), na, nb, [*path, int(to)]))
    return found


def _cycle_path(
    type_id: int, child: int, parent: int, lo: dt.date, hi: dt.date, *, exclude_pk: int
) -> tuple[list[int], dt.date] | None:
    """Walk up from ``parent`` over links that are valid together with [lo, hi]; reaching
    ``child`` means the new link closes a cycle on the first day of that common interval."""
    paths = walk_up(type_id, parent, lo, hi, stop_at=child, exclude_pk=exclude_pk)
    if not paths:
        return None
    path, first_day, _last = min(paths, key=lambda p: p[1])
    # The path runs from the new parent up to the child; read it top-down and close the circle.
    return [*reversed(path), child], first_day


def dated_upkeep_once() -> AbstractContextManager[None]:
    """Inside the block, link writes leave the dated closure to the end of the block, which
    brings it in step once per changed child (a move: two link writes, one upkeep)."""
    return dated.deferred()


def after_link_changed(rel: Relationship, before: dict[str, Any] | None) -> None:
    """Bring the closure in step with ``rel`` (new, corrected or ended), same transaction."""
    # The dated closure changes with every change of dates, also where today's does not.
    dated.redate(rel.type_id, [rel.from_party_id])
    day = today()
    now_valid = rel.is_valid_on(day)
    if before is not None:
        was_valid = (
            (_opt_date(before.get("valid_from")) or MIN_DATE)
            <= day
            <= (_opt_date(before.get("valid_to")) or MAX_DATE)
        )
        if was_valid == now_valid and before.get("to_party_id") == rel.to_party_id:
            return
    elif not now_valid:
        return
    _detach(rel.type_id, rel.from_party_id)
    _attach(rel.type_id, rel.from_party_id, day)


def _opt_date(value: Any) -> dt.date | None:
    return None if value in (None, "") else as_date(value)


# --- closure primitives -------------------------------------------------------------------


def _execute(sql: str, params: Sequence[Any] = ()) -> int:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return int(cur.rowcount or 0)


# Detach: the rows that tie a subtree to the ancestors above its root are, for each member,
# its rows deeper than its own depth below the root: one range of the ancestors index per
# member, depth in the index condition, no probe per (ancestor, member) pair. On PostgreSQL
# the ranges are read per member behind an OFFSET 0 fence and the rows deleted by their
# ctid: with a plain join the planner may prefer a hash join over a sequential scan of the
# whole closure when it expects a big subtree (and never NOT IN, which it plans the same).
# SQLite: the row ids from the join. Parameters: type, root.
DETACH_SQL_PG = f"""DELETE FROM {CT} x USING (
    SELECT y.ctid AS row_id FROM {CT} s
    CROSS JOIN LATERAL (SELECT z.ctid FROM {CT} z WHERE z.type_id = s.type_id
        AND z.descendant_id = s.descendant_id AND z.depth > s.depth OFFSET 0) y
    WHERE s.type_id = %s AND s.ancestor_id = %s) d
    WHERE x.ctid = d.row_id"""
DETACH_SQL_SQLITE = f"""DELETE FROM {CT} WHERE id IN (
    SELECT x.id FROM {CT} s JOIN {CT} x
        ON x.type_id = s.type_id AND x.descendant_id = s.descendant_id AND x.depth > s.depth
    WHERE s.type_id = %s AND s.ancestor_id = %s)"""
# Attach: ancestors x subtree in one statement. Both databases plan it with the subtree as
# the outer loop (in its index order), so the new rows reach
# the ancestors index grouped by member and the subtree index at a dozen places.
# Parameters: type, type, new parent, type, child.
ATTACH_SQL = f"""INSERT INTO {CT} (type_id, ancestor_id, descendant_id, depth, parent_id, child_count)
    SELECT %s, a.ancestor_id, s.descendant_id, a.depth + s.depth + 1, s.parent_id, s.child_count
    FROM {CT} a, {CT} s
    WHERE a.type_id = %s AND a.descendant_id = %s AND s.type_id = %s AND s.ancestor_id = %s"""


def detach_sql() -> str:
    return DETACH_SQL_PG if connection.vendor == "postgresql" else DETACH_SQL_SQLITE


def _detach(type_id: int, child: int) -> None:
    """Cut ``child``'s subtree off its ancestors in the closure (whatever the closure says)."""
    sql = f"SELECT ancestor_id FROM {CT} WHERE type_id = %s AND descendant_id = %s AND depth = 1"
    if connection.vendor == "postgresql":
        # JIT off for the rest of the transaction (see no_jit) in the same round trip: the
        # detach of a big subtree is costed above jit_above_cost.
        sql = f"SELECT ({sql}) FROM set_config('jit', 'off', true)"
    old_parent = scalar(sql, [type_id, child])
    if old_parent is None:
        _drop_if_isolated(type_id, [child])
        return
    _execute(detach_sql(), [type_id, child])
    _execute(
        f"UPDATE {CT} SET parent_id = NULL WHERE type_id = %s AND descendant_id = %s",
        [type_id, child],
    )
    _add_children(type_id, int(old_parent), -1)
    _drop_if_isolated(type_id, [child, int(old_parent)])


def _add_children(type_id: int, parent: int, n: int) -> None:
    """Change the parent's child count by ``n`` on all its rows (a dozen at most), so that
    every row of a descendant keeps the same count and the rows a later attach copies from a
    subtree carry it along."""
    _execute(
        f"UPDATE {CT} SET child_count = child_count + %s WHERE type_id = %s AND descendant_id = %s",
        [n, type_id, parent],
    )


def _drop_if_isolated(type_id: int, ids: list[int]) -> None:
    """Remove the self rows of parties that no longer have any link of the type today."""
    for pid in ids:
        _execute(
            f"""DELETE FROM {CT} WHERE type_id = %s AND ancestor_id = %s AND descendant_id = %s AND depth = 0
                  AND NOT EXISTS (SELECT 1 FROM {CT} k WHERE k.type_id = %s AND k.ancestor_id = %s AND k.depth > 0)
                  AND NOT EXISTS (SELECT 1 FROM {CT} k WHERE k.type_id = %s AND k.descendant_id = %s AND k.depth > 0)""",
            [type_id, pid, pid, type_id, pid, type_id, pid],
        )


def _ensure_self(type_id: int, ids: list[int]) -> None:
    for pid in ids:
        _execute(
            f"""INSERT INTO {CT} (type_id, ancestor_id, descendant_id, depth)
                SELECT %s, p.id, p.id, 0 FROM {PT} p WHERE p.id = %s
                  AND NOT EXISTS (SELECT 1 FROM {CT} k WHERE k.type_id = %s AND k.ancestor_id = p.id AND k.descendant_id = p.id)""",
            [type_id, pid, type_id],
        )


def _attach(type_id: int, child: int, day: dt.date) -> None:
    """Hang ``child``'s subtree under the parent it has on ``day`` (if any): ancestors x subtree."""
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT r.to_party_id FROM {RT} r WHERE r.type_id = %s AND r.from_party_id = %s AND {valid_sql()}",
            [type_id, child, day, day],
        )
        parents = [int(r[0]) for r in cur.fetchall()]
    if not parents:
        return
    parent = parents[0]
    _ensure_self(type_id, [child, parent])
    # The child is detached, so its self row is its only row as a descendant.
    _execute(
        f"UPDATE {CT} SET parent_id = %s WHERE type_id = %s AND descendant_id = %s",
        [parent, type_id, child],
    )
    _execute(ATTACH_SQL, [type_id, type_id, parent, type_id, child])
    _add_children(type_id, parent, 1)


# --- freshness: the calendar moves on -----------------------------------------------------


def ensure_fresh(rtype: RelationshipType | int, *, locked: bool = False) -> None:
    """Make the type's closure describe today; cheap when it already does.

    Readers call it without a lock (a per-process memo answers most calls without a query);
    when work is due they take the writer lock and re-check, so two readers never replay twice.
    """
    type_id = _type_id(rtype)
    day = today()
    key = (connection.alias, type_id)
    if not locked and _fresh.get(key) == day:
        return
    as_of = ClosureState.objects.filter(type_id=type_id).values_list("as_of", flat=True).first()
    if as_of == day:
        _remember(type_id, day)
        return
    if not locked:
        with transaction.atomic():
            _advisory_lock(type_id)
            ensure_fresh(type_id, locked=True)
        return
    if as_of is None:
        _rebuild_type(type_id, day)
    else:
        _replay(type_id, as_of, day)
    ClosureState.objects.update_or_create(type_id=type_id, defaults={"as_of": day})
    _remember(type_id, day)


def _replay(type_id: int, since: dt.date, day: dt.date) -> int:
    """Re-hang the children whose link is valid on exactly one of ``since`` and ``day``."""
    lo, hi = min(since, day), max(since, day)
    with connection.cursor() as cur:
        cur.execute(
            f"""SELECT DISTINCT from_party_id FROM {RT}
                WHERE type_id = %s AND ((valid_from > %s AND valid_from <= %s) OR (valid_to >= %s AND valid_to < %s))""",
            [type_id, lo, hi, lo, hi],
        )
        children = [int(r[0]) for r in cur.fetchall()]
    if len(children) > REPLAY_LIMIT:
        _rebuild_type(type_id, day)
        return len(children)
    relink(type_id, children, day, dated=False)
    return len(children)


def relink(
    type_id: int, children: Iterable[int], day: dt.date | None = None, *, dated: bool = True
) -> None:
    """Re-hang several children after their links changed in bulk (importers): detach all
    first, so the closure holds only links that stay, a forest; attaching in any order then
    keeps it one. Hanging them one by one could meet a stale ancestor in between (B was under
    A, now A is under B) and fail. ``dated``: the links themselves changed, so the dated
    closure follows (not when only the calendar moved on)."""
    day = day or today()
    ids = sorted(set(children))
    if dated:
        _redate(type_id, ids)
    # The questions every child asks (is it in the closure? its parent today? its self row?) go
    # to the database once per chunk of children; an API batch relinks hundreds of them.
    placed = _in_closure(type_id, ids)
    for child in ids:
        if child in placed:  # a party without a row of the type has nothing to cut off
            _detach(type_id, child)
    parents: dict[int, int] = {}
    for chunk in _chunks(ids):
        marks = ", ".join(["%s"] * len(chunk))
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT r.from_party_id, r.to_party_id FROM {RT} r WHERE r.type_id = %s"
                f" AND r.from_party_id IN ({marks}) AND {valid_sql()}",
                [type_id, *chunk, day, day],
            )
            for child, parent in cur.fetchall():
                parents.setdefault(int(child), int(parent))
    ends = sorted({x for pair in parents.items() for x in pair})
    have = _in_closure(type_id, ends, self_row=True)
    missing = [x for x in ends if x not in have]
    if missing:
        with connection.cursor() as cur:
            cur.executemany(
                f"INSERT INTO {CT} (type_id, ancestor_id, descendant_id, depth) VALUES (%s, %s, %s, 0)",
                [(type_id, x, x) for x in missing],
            )
    for child in sorted(parents):
        parent = parents[child]
        # The child is detached, so its self row is its only row as a descendant.
        _execute(
            f"UPDATE {CT} SET parent_id = %s WHERE type_id = %s AND descendant_id = %s",
            [parent, type_id, child],
        )
        _execute(ATTACH_SQL, [type_id, type_id, parent, type_id, child])
    # Counted after all attaches: an update reaches every row the parent has by then, the
    # rows just attached included.
    for parent, n in sorted(Counter(parents.values()).items()):
        _add_children(type_id, parent, n)


def _redate(type_id: int, children: list[int]) -> None:
    dated.redate(type_id, children)


def _chunks(ids: Sequence[int], size: int = 900) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _in_closure(type_id: int, ids: Sequence[int], *, self_row: bool = False) -> set[int]:
    """The parties among ``ids`` that are descendants in the type's closure (with ``self_row``:
    that have their self row)."""
    found: set[int] = set()
    only_self = " AND depth = 0 AND ancestor_id = descendant_id" if self_row else ""
    for chunk in _chunks(ids):
        marks = ", ".join(["%s"] * len(chunk))
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT DISTINCT descendant_id FROM {CT} WHERE type_id = %s"
                f" AND descendant_id IN ({marks}){only_self}",
                [type_id, *chunk],
            )
            found.update(int(r[0]) for r in cur.fetchall())
    return found


def refresh_all() -> dict[str, int]:
    """Bring every hierarchy type's closure to today (``verbund hierarchy refresh``, cron)."""
    done: dict[str, int] = {}
    for rtype in RelationshipType.objects.filter(structure=Structure.HIERARCHY).order_by("key"):
        with transaction.atomic():
            _advisory_lock(rtype.pk)
            day = today()
            as_of = (
                ClosureState.objects.filter(type_id=rtype.pk)
                .values_list("as_of", flat=True)
                .first()
            )
            if as_of is None:
                _rebuild_type(rtype.pk, day)
                changed = -1
            elif as_of != day:
                changed = _replay(rtype.pk, as_of, day)
            else:
                changed = 0
            ClosureState.objects.update_or_create(type_id=rtype.pk, defaults={"as_of": day})
            _remember(rtype.pk, day)
        done[rtype.key] = changed
    return done


# --- bulk rebuild -------------------------------------------------------------------------


def rebuild_closure(type_keys: Iterable[str] | None = None) -> dict[str, int]:
    """Rebuild the closure of the given hierarchy types (all by default) from the relationships
    valid today, set-based and level by level. Returns the row count per type key.

    Used after bulk loads (demo generator, importers); one transaction. Raises ValidationError
    when the loaded relationships give a party two parents today or contain a cycle.
    """
    types = RelationshipType.objects.filter(structure=Structure.HIERARCHY).order_by("pk")
    if type_keys is not None:
        types = types.filter(key__in=list(type_keys))
    counts: dict[str, int] = {}
    day = today()
    with transaction.atomic():
        for rtype in types:
            _advisory_lock(rtype.pk)
        indexes = _indexes_to_rebuild()
        for name, _sql in indexes:
            _execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        for rtype in types:
            counts[rtype.key] = _rebuild_type(rtype.pk, day)
            dated.rebuild(rtype.pk)
            ClosureState.objects.update_or_create(
                type_id=rtype.pk, defaults={"as_of": day, "rebuilt_at": timezone.now()}
            )
            _remember(rtype.pk, day)
        if indexes:
            pg = connection.vendor == "postgresql"
            # Sorts of a few million keys in memory rather than on disk (this transaction
            # only); SQLite's sorter may use a second core.
            _execute("SET LOCAL maintenance_work_mem = '256MB'" if pg else "PRAGMA threads = 2")
            for _name, sql in indexes:
                _execute(sql)
            if not pg:
                _execute("PRAGMA threads = 0")
        if sum(counts.values()) > 10000:
            # Both tables: without statistics SQLite reads the dated rows by the wrong index.
            _execute(f"ANALYZE {CT}")
            _execute(f"ANALYZE {dated.DT}")
    return counts


def _indexes_to_rebuild() -> list[tuple[str, str]]:
    """Empty closure tables, today's and the dated one (a first load): their secondary indexes
    as (name, CREATE statement), to be dropped for the rebuild and built afterwards from the
    sorted rows, which is faster than growing the B-trees row by row. Only into an empty table: on PostgreSQL DROP INDEX
    locks every reader of the closure out until commit, and a rebuild on a live database keeps
    the indexes so that readers go on seeing the old closure meanwhile. (SQLite readers keep
    their snapshot in WAL mode; the rule is the same for both, for one behaviour to reason
    about.)"""
    return [
        index
        for table in (CT, dated.DT)
        if not scalar(f"SELECT 1 FROM {table} LIMIT 1", [])
        for index in secondary_indexes(table)
    ]


TEMP_TABLES = ("hier_edges", "hier_kids", "hier_links", "hier_front", "hier_next")


def _rebuild_type(type_id: int, day: dt.date) -> int:
    pg = connection.vendor == "postgresql"
    temp = "TEMPORARY TABLE"
    for name in TEMP_TABLES:
        _execute(f"DROP TABLE IF EXISTS {name}")
    _execute(f"DELETE FROM {CT} WHERE type_id = %s", [type_id])
    try:
        with transaction.atomic():
            # The child is the key: a second parent today fails here.
            _execute(f"CREATE {temp} hier_edges (child BIGINT PRIMARY KEY, parent BIGINT NOT NULL)")
            _execute(
                f"INSERT INTO hier_edges (child, parent) SELECT r.from_party_id, r.to_party_id FROM {RT} r WHERE r.type_id = %s AND {valid_sql()}",
                [type_id, day, day],
            )
    except IntegrityError:
        raise ValidationError(
            {"type": [_("Some party has two parents today; the closure cannot be built.")]}
        ) from None
    # Each party's number of children, and the links with their child's number, so that
    # every level below carries it along without a lookup per row.
    _execute(f"CREATE {temp} hier_kids (id BIGINT PRIMARY KEY, n INTEGER NOT NULL)")
    _execute(
        "INSERT INTO hier_kids (id, n) SELECT parent, COUNT(*) FROM hier_edges GROUP BY parent"
    )
    _execute(
        f"CREATE {temp} hier_links AS SELECT e.child AS child, e.parent AS parent,"
        " COALESCE(k.n, 0) AS kids FROM hier_edges e LEFT JOIN hier_kids k ON k.id = e.child"
    )
    _execute("CREATE INDEX hier_links_parent ON hier_links (parent, child, kids)")
    if pg:
        _execute("ANALYZE hier_links")
    total = _execute(
        f"""INSERT INTO {CT} (type_id, ancestor_id, descendant_id, depth, parent_id, child_count)
            SELECT %s, u.id, u.id, 0, e.parent, COALESCE(k.n, 0)
            FROM (SELECT child AS id FROM hier_edges UNION SELECT parent FROM hier_edges) u
            LEFT JOIN hier_edges e ON e.child = u.id LEFT JOIN hier_kids k ON k.id = u.id""",
        [type_id],
    )
    _execute(
        f"CREATE {temp} hier_front AS SELECT parent AS anc, child AS des, parent AS par, kids"
        " FROM hier_links"
    )
    depth = 1
    while True:
        # A cycle brings each of its parties back to itself as its own ancestor after one
        # round; without this stop the levels would go round forever (no key stops them).
        if scalar("SELECT 1 FROM hier_front WHERE anc = des LIMIT 1", []) is not None:
            raise ValidationError(
                {
                    "type": [
                        _(
                            "The relationships valid today contain a cycle; the closure cannot be built."
                        )
                    ]
                }
            )
        added = _execute(
            f"INSERT INTO {CT} (type_id, ancestor_id, descendant_id, depth, parent_id, child_count)"
            " SELECT %s, anc, des, %s, par, kids FROM hier_front",
            [type_id, depth],
        )
        total += added
        if added == 0:
            break
        _execute(
            f"CREATE {temp} hier_next AS SELECT f.anc AS anc, e.child AS des, e.parent AS par,"
            " e.kids AS kids FROM hier_front f JOIN hier_links e ON e.parent = f.des"
        )
        _execute("DROP TABLE hier_front")
        _execute("ALTER TABLE hier_next RENAME TO hier_front")
        depth += 1
    for name in TEMP_TABLES:
        _execute(f"DROP TABLE IF EXISTS {name}")
    return total
