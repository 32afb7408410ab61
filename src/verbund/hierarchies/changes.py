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

Two statements for any group size: the member stretches from the dated closure's index, and
the members' links with a date inside the period.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from verbund.core.bulk import chunks
from verbund.hierarchies import engine, selectors
from verbund.hierarchies.engine import PT, RT
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


@dataclass(frozen=True)
class Link:
    id: int
    child: int
    parent: int
    valid_from: dt.date
    valid_to: dt.date
    share: Decimal | None


def period(raw_from: Any, raw_to: Any) -> tuple[dt.date, dt.date]:
    """The period asked for: ``to`` defaults to today, ``from`` to a year before ``to``; each
    refused naming its parameter."""

    def read(raw: Any, name: str) -> dt.date | None:
        if raw in (None, ""):
            return None
        if isinstance(raw, dt.date):
            return raw
        try:
            return dt.date.fromisoformat(str(raw))
        except ValueError:
            raise ValidationError(
                {name: [_("%(value)s is not a date (YYYY-MM-DD).") % {"value": raw}]}
            ) from None

    last = read(raw_to, "to") or engine.today()
    first = read(raw_from, "from") or max(MIN_DATE, last - dt.timedelta(days=365))
    if first > last:
        raise ValidationError({"to": [_("The end lies before the start.")]})
    return first, last


def _rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return list(cur.fetchall())


def _day(value: Any) -> dt.date:
    return engine.as_date(value)


def changes(
    party_id: int, type_key: str = "group", first: Any = None, last: Any = None
) -> dict[str, Any]:
    """The changes of the party's group in [first, last]: ``{"type", "root_id", "from", "to",
    "changes": [...]}``, each change ``{date, kind, party, from_parent, to_parent,
    share_before, share_after, relationship_id, ended_relationship_id, members}`` (parties as
    ``{id, number, name}``), by date and then name."""
    first, last = period(first, last)
    type_id = selectors.hierarchy_type_id(type_key)
    root = selectors.top_ancestor(int(party_id), type_id, on=last)
    # Every stretch a party stood below the root inside the period.
    stretches: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for des, lo, hi in selectors._big_rows(
        f"SELECT descendant_id, valid_from, valid_to FROM {DT} WHERE type_id = %s"
        " AND ancestor_id = %s AND valid_from <= %s AND valid_to >= %s",
        [type_id, root, last, first],
    ):
        stretches[int(des)].append((_day(lo), _day(hi)))

    def inside(party: int | None, day: dt.date) -> bool:
        if party is None:
            return False
        if party == root:
            return True
        return any(lo <= day <= hi for lo, hi in stretches.get(party, ()))

    # The members' links that began or ended (the day before a day) inside the period.
    links: dict[int, list[Link]] = defaultdict(list)
    for rid, child, parent, vf, vt, share in selectors._big_rows(
        f"SELECT r.id, r.from_party_id, r.to_party_id, r.valid_from, r.valid_to, r.share"
        f" FROM {RT} r WHERE r.type_id = %s AND r.from_party_id IN (SELECT descendant_id"
        f" FROM {DT} WHERE type_id = %s AND ancestor_id = %s AND valid_from <= %s"
        " AND valid_to >= %s) AND ((r.valid_from > %s AND r.valid_from <= %s)"
        " OR (r.valid_to >= %s AND r.valid_to < %s))",
        [type_id, type_id, root, last, first, first, last, first, last],
    ):
        links[int(child)].append(
            Link(
                int(rid),
                int(child),
                int(parent),
                _day(vf) if vf else MIN_DATE,
                _day(vt) if vt else MAX_DATE,
                None if share is None else Decimal(str(share)),
            )
        )
    found: list[dict[str, Any]] = []
    for child, own in links.items():
        days = {lk.valid_from for lk in own if first < lk.valid_from <= last}
        days |= {lk.valid_to + DAY for lk in own if first <= lk.valid_to < last}
        for day in sorted(days):
            before = next((lk for lk in own if lk.valid_to == day - DAY), None)
            after = next((lk for lk in own if lk.valid_from == day), None)
            was = before is not None and inside(before.parent, day - DAY)
            now = after is not None and inside(after.parent, day)
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
            found.append(
                {
                    "date": day,
                    "kind": kind,
                    "party": child,
                    "from_parent": before.parent if before and was else None,
                    "to_parent": after.parent if after and now else None,
                    "share_before": before.share if before else None,
                    "share_after": after.share if after else None,
                    "relationship_id": cause.id,
                    "ended_relationship_id": before.id if before else None,
                }
            )
    _name_parties(found)
    _count_members(found, type_id)
    found.sort(key=lambda c: (c["date"], c["party"]["name"] or "", c["party"]["id"]))
    return {"type": type_key, "root_id": root, "from": first, "to": last, "changes": found}


def _name_parties(found: list[dict[str, Any]]) -> None:
    wanted = {c[k] for c in found for k in ("party", "from_parent", "to_parent") if c[k]}
    names: dict[int, dict[str, Any]] = {}
    for chunk in chunks(sorted(wanted), 900):
        marks = ", ".join(["%s"] * len(chunk))
        for pid, number, name in _rows(
            f"SELECT id, number, name FROM {PT} WHERE id IN ({marks})", list(chunk)
        ):
            names[int(pid)] = {"id": int(pid), "number": number, "name": name}
    for c in found:
        for key in ("party", "from_parent", "to_parent"):
            if c[key]:
                c[key] = names.get(c[key], {"id": c[key], "number": "", "name": ""})


def _count_members(found: list[dict[str, Any]], type_id: int) -> None:
    """How many parties went with each change: the party and those below it on its day (one
    read of the changed parties' dated rows as ancestors)."""
    below: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for chunk in chunks(sorted({c["party"]["id"] for c in found}), 900):
        marks = ", ".join(["%s"] * len(chunk))
        for anc, lo, hi in _rows(
            f"SELECT ancestor_id, valid_from, valid_to FROM {DT} WHERE type_id = %s"
            f" AND ancestor_id IN ({marks})",
            [type_id, *chunk],
        ):
            below[int(anc)].append((_day(lo), _day(hi)))
    for c in found:
        day = c["date"] if c["kind"] != "left" else c["date"] - DAY
        rows = below.get(c["party"]["id"], [])
        c["members"] = 1 + sum(1 for lo, hi in rows if lo <= day <= hi)
