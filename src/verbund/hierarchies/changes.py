"""What changed in a group between two dates: joined, left, moved, share changed (reads).

The group is the subtree of the party's ultimate parent on the last day asked about. Every
party that stood below that root on some day of the period is in the dated closure
(``hierarchies.dated``) with the days it did; a change is a day ``d`` in (from, to] on which
one of those parties' own links to a parent began (valid_from = d) or had ended the day before
(valid_to = d - 1). Comparing the link valid the day before with the link valid on ``d``:

- not in the group before, in it after: **joined** (under the new parent),
- in it before, not after: **left** (from the old parent),
- in it both days under another parent: **moved** (from which parent to which),
- in it both days under the same parent with another share: **share changed**.

A member whose parent moved goes with its parent without a change of its own: the change log
names the link that changed, not each member of a moved subtree (``members`` says how many
moved with it). A share corrected in place on a relationship (not ended and replaced) has no
date of its own in the relationships and is not a change here; the audit trail has it.

One statement for any group size: the members' links with a date inside the period, each
with whether its parent stood in the group then and how many stood below its child, from the
dated closure's indexes.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from verbund.hierarchies import engine, selectors
from verbund.hierarchies.engine import PT, RT
from verbund.hierarchies.group import as_day
from verbund.hierarchies.models import DatedClosureEntry
from verbund.relationships.models import MAX_DATE, MIN_DATE

DT = DatedClosureEntry._meta.db_table
DAY = dt.timedelta(days=1)

KINDS = {
    "joined": gettext_lazy("joined"),
    "left": gettext_lazy("left"),
    "moved": gettext_lazy("moved"),
    "share_changed": gettext_lazy("share changed"),
}


def period(raw_from: Any, raw_to: Any) -> tuple[dt.date, dt.date]:
    """The period asked for: ``to`` defaults to today, ``from`` to a year before ``to``; each
    refused naming its parameter."""

    last = as_day(raw_to, "to") or engine.today()
    first = as_day(raw_from, "from") or max(MIN_DATE, last - dt.timedelta(days=365))
    if first > last:
        raise ValidationError({"to": [_("The end lies before the start.")]})
    return first, last


def _day(value: Any) -> dt.date:
    return engine.as_date(value)


# The links of the members of ``root``'s group in [first, last] that began or ended (the day
# before a day) inside the period, each with what the log needs to know of it: whether its
# parent stood in the group on its first and on its last day (the root always does), how many
# parties stood below its child on those days (counted only where the day lies inside the
# period) and the names of both ends. Parameters: see ``_LINK_PARAMS``.
_LINKS_SQL = f"""SELECT r.id, r.from_party_id, r.to_party_id, r.valid_from, r.valid_to, r.share,
    (r.to_party_id = %(root)s OR EXISTS (SELECT 1 FROM {DT} d WHERE d.type_id = %(type)s
        AND d.descendant_id = r.to_party_id AND d.ancestor_id = %(root)s
        AND d.valid_from <= r.valid_from AND d.valid_to >= r.valid_from)),
    (r.to_party_id = %(root)s OR EXISTS (SELECT 1 FROM {DT} d WHERE d.type_id = %(type)s
        AND d.descendant_id = r.to_party_id AND d.ancestor_id = %(root)s
        AND d.valid_from <= r.valid_to AND d.valid_to >= r.valid_to)),
    CASE WHEN r.valid_from > %(first)s AND r.valid_from <= %(last)s THEN (SELECT COUNT(*)
        FROM {DT} m WHERE m.type_id = %(type)s AND m.ancestor_id = r.from_party_id
        AND m.valid_from <= r.valid_from AND m.valid_to >= r.valid_from) END,
    CASE WHEN r.valid_to >= %(first)s AND r.valid_to < %(last)s THEN (SELECT COUNT(*)
        FROM {DT} m WHERE m.type_id = %(type)s AND m.ancestor_id = r.from_party_id
        AND m.valid_from <= r.valid_to AND m.valid_to >= r.valid_to) END,
    pc.number, pc.name, pp.number, pp.name
    FROM {RT} r JOIN {PT} pc ON pc.id = r.from_party_id JOIN {PT} pp ON pp.id = r.to_party_id
    WHERE r.type_id = %(type)s AND r.from_party_id IN (SELECT descendant_id FROM {DT}
        WHERE type_id = %(type)s AND ancestor_id = %(root)s AND valid_from <= %(last)s
        AND valid_to >= %(first)s)
    AND ((r.valid_from > %(first)s AND r.valid_from <= %(last)s)
        OR (r.valid_to >= %(first)s AND r.valid_to < %(last)s))"""


@dataclass(frozen=True)
class Link:
    id: int
    child: int
    parent: int
    valid_from: dt.date
    valid_to: dt.date
    share: Decimal | None
    # Whether the parent stood in the group on the link's first and last day.
    in_at_start: bool
    in_at_end: bool
    # Parties below the child on those days (None where the day lies outside the period).
    below_at_start: int | None
    below_at_end: int | None


def changes(
    party_id: int, type_key: str = "group", first: Any = None, last: Any = None
) -> dict[str, Any]:
    """The changes of the party's group in [first, last]: ``{"type", "root_id", "from", "to",
    "changes": [...]}``, each change ``{date, kind, party, from_parent, to_parent,
    share_before, share_after, relationship_id, ended_relationship_id, members}`` (parties as
    ``{id, number, name}``), by date and then name.

    One statement however big the group or the log (the root's lookup aside): the links with
    what each change needs of them, answered from the dated closure's indexes.
    """
    first, last = period(first, last)
    type_id = selectors.hierarchy_type_id(type_key)
    root = selectors.top_ancestor(int(party_id), type_id, on=last)
    links: dict[int, list[Link]] = defaultdict(list)
    names: dict[int, dict[str, Any]] = {}
    for row in selectors._big_rows(
        _LINKS_SQL, {"type": type_id, "root": root, "first": first, "last": last}
    ):
        rid, child, parent, vf, vt, share, in_start, in_end, at_start, at_end = row[:10]
        child, parent = int(child), int(parent)
        names[child] = {"id": child, "number": row[10], "name": row[11]}
        names[parent] = {"id": parent, "number": row[12], "name": row[13]}
        links[child].append(
            Link(
                int(rid),
                child,
                parent,
                _day(vf) if vf else MIN_DATE,
                _day(vt) if vt else MAX_DATE,
                None if share is None else Decimal(str(share)),
                bool(in_start),
                bool(in_end),
                None if at_start is None else int(at_start),
                None if at_end is None else int(at_end),
            )
        )
    found: list[dict[str, Any]] = []
    for child, own in links.items():
        days = {lk.valid_from for lk in own if first < lk.valid_from <= last}
        days |= {lk.valid_to + DAY for lk in own if first <= lk.valid_to < last}
        for day in sorted(days):
            before = next((lk for lk in own if lk.valid_to == day - DAY), None)
            after = next((lk for lk in own if lk.valid_from == day), None)
            was = before is not None and before.in_at_end
            now = after is not None and after.in_at_start
            kind = ""
            if now and not was:
                kind = "joined"
            elif was and not now:
                kind = "left"
            elif was and now and before and after:
                if before.parent != after.parent:
                    kind = "moved"
                elif before.share != after.share:
                    kind = "share_changed"
            cause = after or before
            if not kind or cause is None:
                continue
            # Those below the party on its last day in the group ("left") or its first.
            below = before.below_at_end if kind == "left" and before else None
            if kind != "left" and after:
                below = after.below_at_start
            found.append(
                {
                    "date": day,
                    "kind": kind,
                    "party": names[child],
                    "from_parent": names[before.parent] if before and was else None,
                    "to_parent": names[after.parent] if after and now else None,
                    "share_before": before.share if before else None,
                    "share_after": after.share if after else None,
                    "relationship_id": cause.id,
                    "ended_relationship_id": before.id if before else None,
                    "members": 1 + (below or 0),
                }
            )
    found.sort(key=lambda c: (c["date"], c["party"]["name"] or "", c["party"]["id"]))
    return {"type": type_key, "root_id": root, "from": first, "to": last, "changes": found}
