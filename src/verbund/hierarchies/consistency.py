"""`verbund check hierarchies`: compare the closure with the relationships valid today."""

import argparse
import json
from collections import Counter
from typing import Any, TextIO

from django.db import connection
from django.utils.translation import gettext as _

from verbund.hierarchies import engine
from verbund.hierarchies.models import ClosureEntry, ClosureState
from verbund.relationships.models import Relationship, RelationshipType, Structure, valid_on_q

# ancestor, descendant, depth, the descendant's parent and its number of children
Row = tuple[int, int, int, int | None, int]


def expected_closure(type_id: int) -> set[Row]:
    """The transitive closure of the type's links valid on the closure's day, walked in Python."""
    day = (
        ClosureState.objects.filter(type_id=type_id).values_list("as_of", flat=True).first()
        or engine.today()
    )
    parent: dict[int, int] = {}
    for child, par in (
        Relationship.objects.filter(type_id=type_id)
        .filter(valid_on_q(day))
        .values_list("from_party_id", "to_party_id")
    ):
        parent[child] = par
    rows: set[Row] = set()
    kids = Counter(parent.values())
    members = set(parent) | set(parent.values())
    for node in members:
        rows.add((node, node, 0, parent.get(node), kids[node]))
        seen = {node}
        cur, depth = node, 0
        while cur in parent:
            cur, depth = parent[cur], depth + 1
            if cur in seen:
                break  # a cycle in the data: reported by the difference it makes
            seen.add(cur)
            rows.add((cur, node, depth, parent[node], kids[node]))
    return rows


def differences(type_keys: list[str] | None = None) -> list[dict[str, Any]]:
    """Every row the closure lacks or has too much, per hierarchy type."""
    out: list[dict[str, Any]] = []
    types = RelationshipType.objects.filter(structure=Structure.HIERARCHY).order_by("key")
    if type_keys:
        types = types.filter(key__in=type_keys)
    for rtype in types:
        want = expected_closure(rtype.pk)
        rows = ClosureEntry.objects.filter(type_id=rtype.pk)
        copies = Counter(
            rows.values_list("ancestor_id", "descendant_id", "depth", "parent_id", "child_count")
        )
        have: set[Row] = set(copies)
        # No unique key guards the closure: a second copy of a row is reported as extra too.
        twice = [r for r, n in copies.items() if r in want for _i in range(n - 1)]
        for problem, diff in (("missing", want - have), ("extra", [*(have - want), *twice])):
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
