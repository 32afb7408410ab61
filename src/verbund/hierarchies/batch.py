"""The hierarchy rules for a whole batch of link changes at once (ERP import, sync API).

``check_batch`` holds the current parents of each hierarchy type in memory (links valid
today or later: the whole type for big batches, level by level for small ones), takes away
the links the batch ends or replaces, adds the new ones, and refuses a second parent or a walk
upwards that comes back to where it started. It is the set-based twin of
``hierarchies.engine.check_link`` (one link, every date of its validity) and speaks with the
same messages (``hierarchies.rules``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from itertools import pairwise
from typing import Protocol

from django.db import connection

from verbund.core.bulk import chunks, stream
from verbund.hierarchies import engine, rules
from verbund.relationships.models import MIN_DATE, Relationship, RelationshipType, Structure

RT = Relationship._meta.db_table
# Above this many changes of a type its current parents are read whole, not by child.
WHOLE_TYPE = 20_000
# Walks up from this many children at a time.
_WALKERS = 50_000


class LinkProposal(Protocol):
    """A change to one child's link of a type, as the batch check reads it."""

    @property
    def rtype(self) -> RelationshipType: ...
    @property
    def child(self) -> int: ...
    @property
    def target(self) -> int | None: ...  # the new parent; None ends the link
    @property
    def current_parent(self) -> int | None: ...  # the parent of the link it ends or replaces
    @property
    def valid_from(self) -> dt.date | None: ...
    @property
    def valid_to(self) -> dt.date | None: ...


class ParentMap:
    """Current parents of one hierarchy type (links valid today or later), loaded whole or lazily."""

    def __init__(self, type_id: int, today: dt.date, whole: bool) -> None:
        self.type_id = type_id
        self.today = today
        self.parent: dict[int, int] = {}
        self.loaded: set[int] = set()
        self.whole = whole
        self._sql = f"SELECT from_party_id, to_party_id FROM {RT} WHERE type_id = %s AND (valid_to IS NULL OR valid_to >= %s)"
        if whole:
            for child, parent in stream(self._sql, [type_id, today]):
                self.parent[child] = parent

    def load(self, nodes: Iterable[int]) -> None:
        if self.whole:
            return
        pending = [n for n in set(nodes) if n not in self.loaded]
        for chunk in chunks(pending, 900):
            marks = ", ".join(["%s"] * len(chunk))
            with connection.cursor() as cur:
                cur.execute(
                    self._sql + f" AND from_party_id IN ({marks})",
                    [self.type_id, self.today, *chunk],
                )
                for child, parent in cur.fetchall():
                    self.parent[child] = parent
            self.loaded.update(chunk)

    def get(self, node: int) -> int | None:
        return self.parent.get(node)


def check_batch(changes: Sequence[LinkProposal], today: dt.date) -> dict[int, tuple[str, str]]:
    """Second parents and cycles the batch would create, against the current parents.

    Returns, for each change that fails, its index -> (the new parent's label, the message).
    Takes the hierarchy lock of every type it checks, so the parents it read stay current
    until the caller commits.
    """
    bad: dict[int, str] = {}
    by_type: dict[int, list[int]] = {}
    for i, ch in enumerate(changes):
        if ch.rtype.structure == Structure.HIERARCHY:
            by_type.setdefault(ch.rtype.pk, []).append(i)
    for type_id, idxs in by_type.items():
        rtype = changes[idxs[0]].rtype
        engine.lock_for_write(rtype, [])
        pm = ParentMap(type_id, today, whole=len(idxs) > WHOLE_TYPE)
        pm.load(changes[i].child for i in idxs)
        # Take away the links the batch ends or replaces, then add the new ones.
        for i in idxs:
            ch = changes[i]
            if ch.current_parent is not None and pm.parent.get(ch.child) == ch.current_parent:
                del pm.parent[ch.child]
        new_parent: dict[int, int] = {}
        for i in idxs:
            ch = changes[i]
            if ch.target is None or (ch.valid_to is not None and ch.valid_to < today):
                continue
            if ch.child in new_parent and new_parent[ch.child] != ch.target:
                first = new_parent[ch.child]
                names = _labels([ch.child, first, ch.target])
                message = rules.two_parents_in_batch(
                    names[ch.child], rtype.name, names[first], names[ch.target]
                )
                bad[i] = message
                continue
            existing = pm.parent.get(ch.child)
            if existing is not None and existing != ch.target:
                bad[i] = _second_parent(rtype, ch.child, existing, today)
                continue
            new_parent[ch.child] = ch.target
            pm.parent[ch.child] = ch.target
        _cycles(changes, idxs, new_parent, pm, rtype, today, bad)
    targets = _labels([t for i in bad if (t := changes[i].target) is not None])
    return {
        i: (targets.get(changes[i].target or 0, ""), message) for i, message in sorted(bad.items())
    }


def _second_parent(rtype: RelationshipType, child: int, parent: int, today: dt.date) -> str:
    """The message for a child whose current parent stays: with that link's dates."""
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT valid_from, valid_to FROM {RT} WHERE type_id = %s AND from_party_id = %s "
            "AND to_party_id = %s AND (valid_to IS NULL OR valid_to >= %s) ORDER BY valid_from",
            [rtype.pk, child, parent, today],
        )
        found = cur.fetchone()
    vf, vt = (_date(found[0]), _date(found[1])) if found else (None, None)
    names = _labels([child, parent])
    return rules.second_parent(names[child], rtype.name, vf, vt, names[parent])


def _date(value: object) -> dt.date | None:
    return None if value in (None, "") else engine.as_date(value)


def _labels(ids: list[int]) -> dict[int, str]:
    names = rules.party_labels(ids)
    return {pid: names.get(pid, str(pid)) for pid in ids}


def _cycles(
    changes: Sequence[LinkProposal],
    idxs: list[int],
    new_parent: dict[int, int],
    pm: ParentMap,
    rtype: RelationshipType,
    today: dt.date,
    bad: dict[int, str],
) -> None:
    """Walk up from every child that got a new parent, level by level; a walk that comes back
    fails every change of the batch on its ring."""
    ok: set[int] = set()
    reported: set[frozenset[int]] = set()
    starts = list(new_parent)
    for lo in range(0, len(starts), _WALKERS):
        walkers = {c: [c] for c in starts[lo : lo + _WALKERS] if c not in ok}
        while walkers:
            pm.load(path[-1] for path in walkers.values())
            nxt: dict[int, list[int]] = {}
            for start, path in walkers.items():
                up = pm.get(path[-1])
                if up is None or up in ok:
                    ok.update(path)
                    continue
                if up == start or up in path:
                    loop = [*path[path.index(up) :], up] if up in path else [*path, up]
                    ring = frozenset(loop)
                    if ring not in reported:
                        reported.add(ring)
                        _report_cycle(changes, idxs, new_parent, loop, rtype, today, bad)
                    continue
                if len(path) > 10_000:
                    continue
                nxt[start] = [*path, up]
            walkers = nxt


def _report_cycle(
    changes: Sequence[LinkProposal],
    idxs: list[int],
    new_parent: dict[int, int],
    loop: list[int],
    rtype: RelationshipType,
    today: dt.date,
    bad: dict[int, str],
) -> None:
    """``loop`` runs upwards from a child back to it; the message reads it from the top, as
    ``check_link`` does, dated by the first day all its links hold."""
    ring = set(loop)
    new_from = {
        changes[i].child: changes[i].valid_from
        for i in idxs
        if changes[i].child in ring and new_parent.get(changes[i].child) == changes[i].target
    }
    day = max((d or MIN_DATE for d in new_from.values()), default=MIN_DATE)
    stored = [(c, p) for c, p in pairwise(loop) if c not in new_from]
    if stored:
        day = max(day, _latest_start(rtype, stored, today))
    names = _labels(loop)
    message = rules.cycle(day, [names[p] for p in reversed(loop)])
    for i in idxs:
        child = changes[i].child
        if child in ring and child in new_parent:
            bad[i] = message


def _latest_start(rtype: RelationshipType, links: list[tuple[int, int]], today: dt.date) -> dt.date:
    """The latest start among the current stored links (child, parent) of a cycle."""
    day = MIN_DATE
    with connection.cursor() as cur:
        for child, parent in links:
            cur.execute(
                f"SELECT MAX(valid_from) FROM {RT} WHERE type_id = %s AND from_party_id = %s "
                "AND to_party_id = %s AND (valid_to IS NULL OR valid_to >= %s)",
                [rtype.pk, child, parent, today],
            )
            found = cur.fetchone()
            if found and found[0]:
                day = max(day, engine.as_date(found[0]))
    return day
