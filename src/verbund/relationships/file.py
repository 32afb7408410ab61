"""The relationships of one party for its file: counted per type, capped per type.

A chain head or a central settlement party can have tens of thousands of direct links; the
file shows the first PER_TYPE of each type (current ones first) and links to the full list.
One aggregate query counts every type and side; one query loads all small types; each type
over the cap costs one more query (there are only a handful of types).
"""

import datetime as dt
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from django.db.models import Case, Count, F, Q, QuerySet, Value, When

from verbund.core.paging import ListCount, list_count
from verbund.core.prepared import Prepared
from verbund.parties.selectors import LIST_FIELDS
from verbund.relationships.memberships import Membership
from verbund.relationships.models import Relationship, RelationshipType, valid_on_q
from verbund.relationships.selectors import SeenRelationship, party_relationships, seen_from

PER_TYPE = 25
OWN_FIELDS = tuple(f.name for f in Relationship._meta.concrete_fields)


def _ended(seen: SeenRelationship) -> bool:
    end = seen.relationship.valid_to
    return end is not None and end < dt.date.today()


@dataclass
class TypeGroup:
    type: RelationshipType
    entries: list[SeenRelationship] = field(default_factory=list)
    total: int = 0

    @property
    def current(self) -> list[SeenRelationship]:
        """What holds today or starts later."""
        return [e for e in self.entries if not _ended(e)]

    @property
    def ended(self) -> list[SeenRelationship]:
        """Shown folded away: the file shows what holds today first."""
        return [e for e in self.entries if _ended(e)]

    @property
    def hidden(self) -> int:
        return self.total - len(self.entries)


def _file_rows(party_id: int) -> QuerySet[Relationship]:
    """The party's relationships with what the file shows of both parties (their list fields):
    a row of a party holds some forty columns, and building them was a third of the query."""
    return party_relationships(party_id).only(
        *OWN_FIELDS,
        *(f"{side}__{name}" for side in ("from_party", "to_party") for name in LIST_FIELDS),
    )


def _ordered(qs: QuerySet[Relationship], party_id: int) -> QuerySet[Relationship]:
    # The party's own parent links first (at most one per hierarchy type), then current links,
    # then the most recent; explicit NULL placement, as SQLite and PostgreSQL differ.
    upward = Case(When(from_party_id=party_id, then=Value(0)), default=Value(1))
    return qs.order_by(
        "type__order",
        "type__key",
        upward,
        F("valid_to").asc(nulls_first=True),
        F("valid_from").desc(nulls_last=True),
        "id",
    )


def _ordered_by_row(qs: QuerySet[Relationship], party_id: int) -> QuerySet[Relationship]:
    upward = Case(When(from_party_id=party_id, then=Value(0)), default=Value(1))
    return qs.order_by(
        upward, F("valid_to").asc(nulls_first=True), F("valid_from").desc(nulls_last=True), "id"
    )


def _row_key(rel: Relationship, party_id: int) -> tuple[int, int, int, int, int]:
    """The order of ``_ordered_by_row`` in Python."""
    return (
        0 if rel.from_party_id == party_id else 1,
        0 if rel.valid_to is None else 1,
        rel.valid_to.toordinal() if rel.valid_to else 0,
        -rel.valid_from.toordinal() if rel.valid_from else 1,
        rel.pk,
    )


def _counts(party: int, today: dt.date) -> QuerySet[Relationship, dict[str, Any]]:
    current = valid_on_q(today)
    return (
        Relationship.objects.filter(Q(from_party_id=party) | Q(to_party_id=party))
        .values("type_id")
        .annotate(
            total=Count("id"),
            up=Count("id", filter=Q(from_party_id=party) & current),
            down=Count("id", filter=Q(to_party_id=party) & current),
        )
    )


# Compiled once (core/prepared.py): the file opens all day. The rows of a party without a
# type over the cap (nearly every party) need no type filter.
_COUNTS = Prepared(_counts, party=int, today=dt.date)
_ALL_ROWS = Prepared(lambda party: _ordered(_file_rows(party), party), party=int)


def load(party_id: int) -> tuple[list[TypeGroup], list[Membership]]:
    counts = _COUNTS(party=party_id, today=dt.date.today())
    if not counts:
        return [], []
    small = [c["type_id"] for c in counts if c["total"] <= PER_TYPE]
    big = [c["type_id"] for c in counts if c["total"] > PER_TYPE]
    rels: list[Relationship] = []
    if not big:
        rels.extend(_ALL_ROWS(party=party_id))
    elif small:
        rels.extend(_ordered(_file_rows(party_id).filter(type_id__in=small), party_id))
    for type_id in big:
        # Pick the first ids on the relationship table alone (its indexes, no joins), then load
        # those rows with their parties: sorting thousands of joined rows cost 150 ms.
        first_ids = _ordered_by_row(
            Relationship.objects.filter(
                Q(from_party_id=party_id) | Q(to_party_id=party_id), type_id=type_id
            ),
            party_id,
        ).values("id")[:PER_TYPE]
        chunk = list(_file_rows(party_id).filter(pk__in=first_ids))
        chunk.sort(key=lambda r: _row_key(r, party_id))
        rels.extend(chunk)
    types = {r.type_id: r.type for r in rels}
    totals = {c["type_id"]: c["total"] for c in counts}
    groups: list[TypeGroup] = []
    rels.sort(key=lambda r: (r.type.order, r.type.key))  # stable: keeps the order within a type
    for type_id, items in groupby(seen_from(party_id, rels), key=lambda s: s.relationship.type_id):
        group = TypeGroup(type=types[type_id], total=totals[type_id])
        group.entries = list(items)
        groups.append(group)
    memberships = [
        Membership(types[c["type_id"]], c["up"] > 0, c["down"] > 0)
        for c in counts
        if types[c["type_id"]].is_hierarchy and (c["up"] or c["down"])
    ]
    memberships.sort(key=lambda m: (m.type.order, m.type.key))
    return groups, memberships


def full_list(
    party_id: int, type_key: str, page: int, size: int = 100
) -> tuple[Any, list[SeenRelationship], bool, ListCount]:
    """One page of the party's relationships of one type, for the "show all" page, and how
    many of how many it shows."""
    rtype = RelationshipType.objects.get(key=type_key)
    qs = _ordered(_file_rows(party_id).filter(type=rtype), party_id)
    rows = list(qs[(page - 1) * size : page * size + 1])
    more = len(rows) > size
    shown = rows[:size]
    count = list_count(
        qs,
        len(shown),
        complete=page == 1 and not more,
        first=(page - 1) * size + 1,
    )
    return rtype, seen_from(party_id, shown), more, count
