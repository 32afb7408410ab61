"""The dated closure: every (ancestor, descendant) pair of a hierarchy type with the days it held.

A row ``(type, ancestor, descendant, valid_from, valid_to)`` says that ``descendant`` stood
below ``ancestor`` on every day of [valid_from, valid_to] (inclusive; open ends are stored as
``MIN_DATE`` / ``MAX_DATE`` so that every bound is an index key). The interval is the
intersection of the validities of the links along the path. A pair whose descendant left and
came back, or changed its path, has a row per stretch; since a party has at most one parent at
every date (the engine's rule), a pair's rows never overlap. There are no self rows: readers
add the root themselves.

Unlike today's closure (``ClosureEntry``), nothing here depends on the calendar: a row is
written when a link is written and stays right every later day, so there is no replay.

Upkeep is one primitive, ``redate(type, children)``: the rows of every party that ever stood
below one of ``children`` (and of the children themselves) are deleted and their upward paths
walked again from the relationships, level by level. A link change can only alter
paths that run through its child, and those are exactly the upward paths of the child's
all-time subtree (which the change itself does not alter). Called by the engine in the writing
transaction (``after_link_changed``, ``relink``) and rebuilt whole with ``rebuild_closure``.
"""

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import connection

from verbund.core.bulk import chunks
from verbund.hierarchies.models import DatedClosureEntry
from verbund.relationships.models import MAX_DATE, MIN_DATE, Relationship

DT = DatedClosureEntry._meta.db_table
RT = Relationship._meta.db_table
# Safety net for broken (bulk-loaded, unchecked) data with a cycle: no path is longer.
MAX_LEVELS = 64
TEMP_TABLES = ("hd_set", "hd_front", "hd_next")


def _pg() -> bool:
    return connection.vendor == "postgresql"


def _execute(sql: str, params: Iterable[Any] = ()) -> int:
    with connection.cursor() as cur:
        cur.execute(sql, list(params))
        return int(cur.rowcount or 0)


def _day(value: object) -> object:
    return value if _pg() else str(value)


def _link_bounds() -> tuple[str, str, str, str]:
    """SQL for a link's first and last day with open ends closed, and GREATEST/LEAST."""
    cast = "CAST(%s AS date)" if _pg() else "%s"
    greatest, least = ("GREATEST", "LEAST") if _pg() else ("MAX", "MIN")
    return (
        f"COALESCE(r.valid_from, {cast})",
        f"COALESCE(r.valid_to, {cast})",
        greatest,
        least,
    )


def _drop_temp() -> None:
    for name in TEMP_TABLES:
        _execute(f"DROP TABLE IF EXISTS {name}")


def _create_front(name: str) -> None:
    # Explicit column types: SQLite keeps dates as ISO text, PostgreSQL as dates (a CREATE
    # TABLE AS would also need its parameters bound client-side on PostgreSQL).
    day = "DATE" if _pg() else "TEXT"
    _execute(
        f"CREATE TEMPORARY TABLE {name} (des BIGINT NOT NULL, anc BIGINT NOT NULL,"
        f" lo {day} NOT NULL, hi {day} NOT NULL)"
    )


def rebuild(type_id: int) -> int:
    """All dated rows of the type again from its relationships (bulk loads, the migration),
    set-based, level by level. The type's links go into a temporary table keyed by child
    first: joining the relationships table itself, SQLite would build a Bloom filter over its
    whole index on every level."""
    _drop_temp()
    _execute(f"DELETE FROM {DT} WHERE type_id = %s", [type_id])
    vf, vt, greatest, least = _link_bounds()
    lo_hi = [_day(MIN_DATE), _day(MAX_DATE)]
    _create_front("hd_set")
    _execute(
        f"INSERT INTO hd_set (des, anc, lo, hi) SELECT r.from_party_id, r.to_party_id, {vf}, {vt}"
        f" FROM {RT} r WHERE r.type_id = %s AND {vf} <= {vt} AND r.from_party_id <> r.to_party_id",
        [*lo_hi, type_id, *lo_hi],
    )
    _execute("CREATE INDEX hd_set_child ON hd_set (des, anc, lo, hi)")
    if _pg():
        _execute("ANALYZE hd_set")
    _create_front("hd_front")
    _execute("INSERT INTO hd_front (des, anc, lo, hi) SELECT des, anc, lo, hi FROM hd_set")
    total = 0
    for _level in range(MAX_LEVELS):
        added = _execute(
            f"INSERT INTO {DT} (type_id, ancestor_id, descendant_id, valid_from, valid_to)"
            " SELECT %s, anc, des, lo, hi FROM hd_front",
            [type_id],
        )
        total += added
        if added == 0:
            break
        # One step up: the links of each row's ancestor that overlap the row's interval.
        _create_front("hd_next")
        _execute(
            "INSERT INTO hd_next (des, anc, lo, hi) SELECT DISTINCT f.des, l.anc,"
            f" {greatest}(f.lo, l.lo), {least}(f.hi, l.hi)"
            " FROM hd_front f JOIN hd_set l ON l.des = f.anc"
            f" WHERE {greatest}(f.lo, l.lo) <= {least}(f.hi, l.hi) AND l.anc <> f.des"
        )
        _execute("DROP TABLE hd_front")
        _execute("ALTER TABLE hd_next RENAME TO hd_front")
    _drop_temp()
    return total


# Inside ``deferred()``: the children whose redate waits for the end of the block, per type.
_pending: ContextVar[dict[int, set[int]] | None] = ContextVar("dated_pending", default=None)


@contextmanager
def deferred() -> Iterator[None]:
    """Redate once, at the end of the block, instead of once per link write.

    A move writes two links of one child (the old one ends, the new one starts); each write
    would otherwise rewrite the rows of the child's whole subtree, the first time only for the
    second to rewrite them again. Nothing inside the block may read the dated rows (the link
    rules and today's closure do not). Nested blocks join the outermost one; when the block
    raises, nothing is redated (its transaction rolls back).
    """
    if _pending.get() is not None:
        yield
        return
    pending: dict[int, set[int]] = {}
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    for type_id in sorted(pending):
        redate(type_id, pending[type_id])


def redate(type_id: int, children: Iterable[int]) -> int:
    """Bring the dated rows in step after the links of ``children`` changed (same transaction).

    Returns the number of rows written (0 inside ``deferred()``, which redates at its end). The affected parties are the children and everything
    that ever stood below them; their rows are deleted and their upward paths walked again,
    one level at a time with one indexed ``IN`` query per chunk of the level's distinct
    ancestors (a subtree's paths meet after a level or two, so a level is a handful of
    queries). Not a join of a temporary table with the relationships: SQLite then builds a
    Bloom filter over the whole relationships index on every level (ADR 0002, item 2), half
    a second each at a million links.
    """
    ids = sorted(set(children))
    if not ids:
        return 0
    pending = _pending.get()
    if pending is not None:
        pending.setdefault(type_id, set()).update(ids)
        return 0
    if len(ids) == 1:
        return _redate_one(type_id, ids[0])
    affected = set(ids)
    for chunk in chunks(ids, 900):
        marks = ", ".join(["%s"] * len(chunk))
        with connection.cursor() as cur:
            cur.execute(
                # Not DISTINCT: SQLite would then read the type's whole descendant index
                # for its order instead of the subtree ranges (the set below dedupes).
                f"SELECT descendant_id FROM {DT} WHERE type_id = %s AND ancestor_id IN ({marks})",
                [type_id, *chunk],
            )
            affected.update(int(r[0]) for r in cur.fetchall())
    members = sorted(affected)
    for chunk in chunks(members, 900):
        marks = ", ".join(["%s"] * len(chunk))
        _execute(
            f"DELETE FROM {DT} WHERE type_id = %s AND descendant_id IN ({marks})",
            [type_id, *chunk],
        )
    links: dict[int, list[tuple[int, dt.date, dt.date]]] = {}

    def load(nodes: Iterable[int]) -> None:
        unloaded = sorted(n for n in set(nodes) if n not in links)
        for n in unloaded:
            links[n] = []
        for chunk in chunks(unloaded, 900):
            marks = ", ".join(["%s"] * len(chunk))
            with connection.cursor() as cur:
                cur.execute(
                    f"SELECT from_party_id, to_party_id, valid_from, valid_to FROM {RT}"
                    f" WHERE type_id = %s AND from_party_id IN ({marks})",
                    [type_id, *chunk],
                )
                for child, parent, vf, vt in cur.fetchall():
                    links[int(child)].append(
                        (int(parent), _as_date(vf) or MIN_DATE, _as_date(vt) or MAX_DATE)
                    )

    # (descendant, ancestor, from, to)
    front: list[tuple[int, int, dt.date, dt.date]] = [(m, m, MIN_DATE, MAX_DATE) for m in members]
    total = 0
    for _level in range(MAX_LEVELS):
        load(anc for _d, anc, _lo, _hi in front)
        # A set: in broken (bulk-loaded, unchecked) data with two parents the paths would
        # multiply level by level; the rows they give do not.
        nxt: set[tuple[int, int, dt.date, dt.date]] = set()
        for des, anc, lo, hi in front:
            for parent, vf, vt in links[anc]:
                a, b = max(lo, vf), min(hi, vt)
                if a <= b and parent != des:
                    nxt.add((des, parent, a, b))
        if not nxt:
            break
        _insert(type_id, sorted(nxt))
        total += len(nxt)
        front = list(nxt)
    return total


Row = tuple[int, dt.date, dt.date]  # (the other party, from, to)


def _rows_of(type_id: int, column: str, party: int) -> list[Row]:
    """A party's dated rows as descendant (``column`` = "descendant_id": its ancestors) or as
    ancestor (its descendants)."""
    other = "ancestor_id" if column == "descendant_id" else "descendant_id"
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT {other}, valid_from, valid_to FROM {DT} WHERE type_id = %s AND {column} = %s",
            [type_id, party],
        )
        return [
            (int(o), _as_date(lo) or MIN_DATE, _as_date(hi) or MAX_DATE)
            for o, lo, hi in cur.fetchall()
        ]


def _up_sql(alias: str, rows: list[Row]) -> tuple[str, list[Any]]:
    """A few upward rows (ancestor, from, to) as an inline relation ``alias(anc, lo, hi)``."""
    if _pg():
        return (
            f"unnest(%s::bigint[], %s::date[], %s::date[]) AS {alias}(anc, lo, hi)",
            [[r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]],
        )
    values = ", ".join(["(%s, %s, %s)"] * len(rows))
    return (
        f"(SELECT column1 AS anc, column2 AS lo, column3 AS hi FROM (VALUES {values})) AS {alias}",
        [v for a, lo, hi in rows for v in (a, lo.isoformat(), hi.isoformat())],
    )


def _paths_sql(
    type_id: int, child: int, these: list[Row], unless: list[Row]
) -> tuple[str, list[Any]]:
    """SELECT (des, anc, lo, hi) of the paths below-then-above the changed child: every member
    of the child's all-time subtree (its rows as ancestor, and the child itself) combined with
    each of the upward rows ``these`` (intersected intervals, empty ones and cycles left out),
    except the rows that the same member combined with one of ``unless`` gives as well.

    With ``these`` the old upward rows and ``unless`` the new ones, these are the rows to
    delete; the other way round, the rows to add. Per member is the same as over the whole
    set: a pair's rows never overlap, so equal rows come from the same member row.
    """
    pg = _pg()
    greatest, least = ("GREATEST", "LEAST") if pg else ("MAX", "MIN")
    day = "CAST(%s AS date)" if pg else "%s"
    up, up_params = _up_sql("u", these)
    lo, hi = f"{greatest}(s.lo, u.lo)", f"{least}(s.hi, u.hi)"
    sql = (
        f"SELECT s.des AS des, u.anc AS anc, {lo} AS lo, {hi} AS hi FROM ("
        f"SELECT descendant_id AS des, valid_from AS lo, valid_to AS hi FROM {DT}"
        f" WHERE type_id = %s AND ancestor_id = %s UNION ALL SELECT %s, {day}, {day}) s"
        f" CROSS JOIN {up} WHERE {lo} <= {hi} AND u.anc <> s.des"
    )
    params: list[Any] = [type_id, child, child, _day(MIN_DATE), _day(MAX_DATE), *up_params]
    if unless:
        other, other_params = _up_sql("o", unless)
        sql += (
            f" AND NOT EXISTS (SELECT 1 FROM {other} WHERE o.anc = u.anc"
            f" AND {greatest}(s.lo, o.lo) = {lo} AND {least}(s.hi, o.hi) = {hi})"
        )
        params += other_params
    return sql, params


def _redate_one(type_id: int, child: int) -> int:
    """One child's links changed (the interactive path): only the paths through it change.

    Every such path is a path from a member of the child's all-time subtree up to the child
    (its rows as ancestor, untouched by the change) followed by one of the child's upward
    paths. So the rows to delete are the old upward paths combined with the subtree rows, and
    the rows to add the new ones combined with them. Two paths of one pair never share an
    interval (one parent per day), so a row is identified by its four values. A move of an
    11,000-member subtree touches 11,000 rows this way instead of rewriting all their rows.

    The upward paths are a handful of rows, read and compared here; the subtree side is done
    by the database, one statement to delete and one to insert (as ``engine.ATTACH_SQL`` does
    for today's closure): row by row from Python, a 10,000-member move took seconds.
    """
    old_up = _rows_of(type_id, "descendant_id", child)
    new_up: list[Row] = []
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT to_party_id, valid_from, valid_to FROM {RT} WHERE type_id = %s AND from_party_id = %s",
            [type_id, child],
        )
        links = [
            (int(p), _as_date(vf) or MIN_DATE, _as_date(vt) or MAX_DATE)
            for p, vf, vt in cur.fetchall()
        ]
    for parent, vf, vt in links:
        if parent == child or vf > vt:
            continue
        new_up.append((parent, vf, vt))
        for a, lo, hi in _rows_of(type_id, "descendant_id", parent):
            lo, hi = max(vf, lo), min(vt, hi)
            if lo <= hi and a != child:
                new_up.append((a, lo, hi))
    old_set, new_set = set(old_up), set(new_up)
    if old_set == new_set:
        return 0
    old_only = sorted(old_set - new_set)
    new_only = sorted(new_set - old_set)
    if old_only:
        gone, params = _paths_sql(type_id, child, old_only, sorted(new_set))
        if _pg():
            # By the rows' physical address behind an OFFSET 0 fence, as engine.DETACH_SQL_PG:
            # a join the planner may turn into a scan of the whole table.
            _execute(
                f"DELETE FROM {DT} x USING (SELECT y.ctid AS row_id FROM ({gone} OFFSET 0) g"
                f" JOIN {DT} y ON y.type_id = %s AND y.ancestor_id = g.anc"
                " AND y.descendant_id = g.des AND y.valid_from = g.lo AND y.valid_to = g.hi) d"
                " WHERE x.ctid = d.row_id",
                [*params, type_id],
            )
        else:
            _execute(
                f"DELETE FROM {DT} WHERE id IN (SELECT y.id FROM ({gone}) g JOIN {DT} y"
                " ON y.type_id = %s AND y.ancestor_id = g.anc AND y.valid_from = g.lo"
                " AND y.valid_to = g.hi AND y.descendant_id = g.des)",
                [*params, type_id],
            )
    if not new_only:
        return 0
    added, params = _paths_sql(type_id, child, new_only, sorted(old_set))
    # DISTINCT: broken (bulk-loaded, unchecked) data with two parents gives a row twice.
    # PostgreSQL hashes for it and then inserts in hash order, all over both indexes (8 s
    # against 5 s for a 160,000-row move at load 15); sorted in the subtree index's order it
    # appends. SQLite keeps the rows in join order (by upward row, then member) anyway.
    order = " ORDER BY 2, 4, 5, 3" if _pg() else ""
    return _execute(
        f"INSERT INTO {DT} (type_id, ancestor_id, descendant_id, valid_from, valid_to)"
        f" SELECT DISTINCT %s, a.anc, a.des, a.lo, a.hi FROM ({added}) a{order}",
        [type_id, *params],
    )


def _as_date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


# PostgreSQL: a whole batch as four arrays in one statement. Row by row (executemany) or as
# VALUES lists, 11,000 rows of a subtree move took 1.3-1.4 s each way.
UNNEST = "unnest(%s::bigint[], %s::bigint[], %s::date[], %s::date[]) AS v(des, anc, lo, hi)"


def _columns(rows: list[tuple[int, int, dt.date, dt.date]]) -> list[list[Any]]:
    return [[r[i] for r in rows] for i in range(4)]


def _insert(type_id: int, rows: list[tuple[int, int, dt.date, dt.date]]) -> None:
    """Insert rows given as (descendant, ancestor, from, to)."""
    if not rows:
        return
    if _pg():
        _execute(
            f"INSERT INTO {DT} (type_id, ancestor_id, descendant_id, valid_from, valid_to)"
            f" SELECT %s, v.anc, v.des, v.lo, v.hi FROM {UNNEST}",
            [type_id, *_columns(rows)],
        )
        return
    day = dt.date.isoformat  # SQLite keeps dates as ISO text
    with connection.cursor() as cur:
        for chunk in chunks(rows, 500):
            marks = ", ".join(["(%s, %s, %s, %s, %s)"] * len(chunk))
            cur.execute(
                f"INSERT INTO {DT} (type_id, ancestor_id, descendant_id, valid_from, valid_to) VALUES {marks}",
                [v for des, anc, lo, hi in chunk for v in (type_id, anc, des, day(lo), day(hi))],
            )
