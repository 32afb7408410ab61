"""`verbund check hierarchies`: compare the closure with the relationships valid today."""

import argparse
import json
from collections import Counter
from collections.abc import Iterator
from itertools import groupby
from operator import itemgetter
from typing import Any, TextIO

from django.db import connection
from django.utils.translation import gettext as _

from verbund.hierarchies import engine
from verbund.hierarchies.models import ClosureEntry, ClosureState
from verbund.relationships.models import Relationship, RelationshipType, Structure, valid_on_q

# ancestor, descendant, depth, the descendant's parent and its number of children
Row = tuple[int, int, int, int | None, int]
CHUNK = 20_000


def _links_today(type_id: int) -> dict[int, int]:
    """Child -> parent of the type's links valid on the closure's day."""
    day = (
        ClosureState.objects.filter(type_id=type_id).values_list("as_of", flat=True).first()
        or engine.today()
    )
    return dict(
        Relationship.objects.filter(type_id=type_id)
        .filter(valid_on_q(day))
        .values_list("from_party_id", "to_party_id")
        .iterator(chunk_size=CHUNK)
    )


def _expected_below(
    ancestor: int, parent: dict[int, int], children: dict[int, list[int]], kids: Counter[int]
) -> set[Row]:
    """The closure rows whose ancestor is ``ancestor``: its subtree, walked down breadth first.

    Each party is met at its shortest distance and once only, so that a cycle in the data ends
    the walk; it is then reported by the rows it adds or lacks."""
    rows: set[Row] = {(ancestor, ancestor, 0, parent.get(ancestor), kids[ancestor])}
    seen = {ancestor}
    level, depth = [ancestor], 0
    while level:
        depth += 1
        below = []
        for node in level:
            for child in children.get(node, ()):
                if child not in seen:
                    seen.add(child)
                    below.append(child)
                    rows.add((ancestor, child, depth, node, kids[child]))
        level = below
    return rows


def _stored_by_ancestor(type_id: int) -> Iterator[tuple[int, Counter[Row]]]:
    """The closure's rows of one type, one ancestor at a time in ascending order (streamed)."""
    stored = (
        ClosureEntry.objects.filter(type_id=type_id)
        .order_by("ancestor_id", "depth", "descendant_id")
        .values_list("ancestor_id", "descendant_id", "depth", "parent_id", "child_count")
        .iterator(chunk_size=CHUNK)
    )
    for ancestor, rows in groupby(stored, key=itemgetter(0)):
        yield ancestor, Counter(rows)


def differences(type_keys: list[str] | None = None) -> list[dict[str, Any]]:
    """Every row the closure lacks or has too much, per hierarchy type.

    Compared one ancestor at a time against the closure streamed in index order, so the check
    holds the links in memory, not two copies of the closure."""
    out: list[dict[str, Any]] = []
    types = RelationshipType.objects.filter(structure=Structure.HIERARCHY).order_by("key")
    if type_keys:
        types = types.filter(key__in=type_keys)
    for rtype in types:
        parent = _links_today(rtype.pk)
        children: dict[int, list[int]] = {}
        for child, par in parent.items():
            children.setdefault(par, []).append(child)
        kids = Counter({node: len(below) for node, below in children.items()})
        members = sorted(set(parent) | set(children))
        missing: list[Row] = []
        extra: list[Row] = []
        i = 0
        for ancestor, have in _stored_by_ancestor(rtype.pk):
            while i < len(members) and members[i] < ancestor:
                missing.extend(_expected_below(members[i], parent, children, kids))
                i += 1
            if i < len(members) and members[i] == ancestor:
                want = _expected_below(ancestor, parent, children, kids)
                i += 1
            else:
                want = set()
            missing.extend(want - have.keys())
            # No unique key guards the closure: a second copy of a row is reported as extra too.
            extra.extend(r for r, n in have.items() for _i in range(n - (r in want)))
        for node in members[i:]:
            missing.extend(_expected_below(node, parent, children, kids))
        for problem, diff in (("missing", missing), ("extra", extra)):
            for a, d, k, p, n in sorted(diff, key=lambda r: (r[0], r[1], r[2], r[3] or 0, r[4])):
                out.append(
                    {
                        "type": rtype.key,
                        "problem": problem,
                        "ancestor": a,
                        "descendant": d,
                        "depth": k,
                        "parent": p,
                        "children": n,
                    }
                )
    return out


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--type",
        dest="hierarchy_type",
        action="append",
        help="Only this hierarchy type (repeatable).",
    )


def run(options: dict[str, Any], stdout: TextIO) -> int:
    """Print every difference; return their number."""
    for rtype in RelationshipType.objects.filter(structure=Structure.HIERARCHY):
        engine.ensure_fresh(rtype)
    found = differences(options.get("hierarchy_type"))
    if options.get("json"):
        stdout.write(json.dumps(found, indent=2) + "\n")
    else:
        for d in found:
            label = _("missing") if d["problem"] == "missing" else _("extra")
            stdout.write(
                _(
                    "%(type)s: %(problem)s %(ancestor)s > %(descendant)s (%(depth)s, parent %(parent)s, %(children)s children)"
                )
                % {**d, "problem": label}
                + "\n"
            )
        stdout.write(
            _("hierarchies: %(n)s difference(s) on %(db)s")
            % {"n": len(found), "db": connection.vendor}
            + "\n"
        )
    return len(found)
