"""Group roots for hierarchy-aware matching: the top ancestor over current hierarchy links.

Two parties with the same root (group, chain or association, any hierarchy type) at different
addresses are branches or delivery addresses of one group, not duplicates.
"""

import datetime as dt
from collections.abc import Iterable

from django.db.models import QuerySet

from verbund.relationships.models import Relationship, Structure, valid_on_q

MAX_DEPTH = 50


def _current_links() -> QuerySet[Relationship]:
    today = dt.date.today()
    return Relationship.objects.filter(valid_on_q(today), type__structure=Structure.HIERARCHY)


def group_roots(party_ids: Iterable[int]) -> dict[int, int]:
    """Root of each given party that belongs to a hierarchy (parties outside any are left out).

    Walks up a level per query, so a handful of parties costs a few indexed queries.
    """
    ids = set(party_ids)
    parent: dict[int, int] = {}
    frontier = set(ids)
    for _ in range(MAX_DEPTH):
        if not frontier:
            break
        rows = list(
            _current_links()
            .filter(from_party_id__in=frontier)
            .values_list("from_party_id", "to_party_id")
        )
        new = set()
        for child, par in rows:
            parent.setdefault(child, par)
            if par not in parent:
                new.add(par)
        frontier = new - set(parent)
    has_children = set(
        _current_links().filter(to_party_id__in=ids).values_list("to_party_id", flat=True)
    )
    return {pid: root for pid in ids if (root := _root(pid, parent)) != pid or pid in has_children}


def _root(pid: int, parent: dict[int, int]) -> int:
    seen = {pid}
    while pid in parent and parent[pid] not in seen:
        pid = parent[pid]
        seen.add(pid)
    return pid


def all_group_roots() -> dict[int, int]:
    """Root of every party in a hierarchy, from one pass over the current hierarchy links."""
    parent: dict[int, int] = {}
    tops: set[int] = set()
    for child, par in (
        _current_links().values_list("from_party_id", "to_party_id").iterator(chunk_size=20_000)
    ):
        parent.setdefault(child, par)
        tops.add(par)
    roots: dict[int, int] = {}
    for pid in set(parent) | tops:
        roots[pid] = _root(pid, parent)
    return roots
