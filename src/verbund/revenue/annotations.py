"""Per-node revenue for the hierarchy view: the node's own and its subtree's, for one year.

The year is the calendar year of ``as_of`` (today when absent). For today's structure the
subtree sums come from one closure join over the yearly aggregates; for a past ``as_of`` the
subtree is the one valid on that day (dated relationships), so the view matches the tree shown.
"""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError

from verbund.revenue import plans, rules, selectors

# Revenue figures reach who may read revenue (hierarchies.facts).
PERMISSION = rules.READ_PERMISSION


def _as_of(value: dt.date | str | None) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def node_annotations(
    party_ids: Sequence[int], type_key: str, as_of: dt.date | str | None
) -> dict[int, dict[str, Any]]:
    ids = [int(i) for i in party_ids]
    if not ids:
        return {}
    try:
        rtype = selectors.hierarchy_type(type_key)
    except ValidationError:
        return {}
    day = _as_of(as_of)
    today = dt.date.today()
    year = (day or today).year
    marks = ",".join(["%s"] * len(ids))
    own = dict(
        selectors._rows(
            f"SELECT party_id, SUM(amount_cents) FROM {selectors.T_YEAR} WHERE year = %s AND party_id IN ({marks}) GROUP BY party_id",
            [year, *ids],
        )
    )
    subtree: dict[int, int] = {}
    if (day is None or day == today) and selectors._fresh(rtype):
        with plans.index_driven():
            closure = selectors._closure_table()
            rows = selectors._rows(
                f"SELECT c.ancestor_id, SUM(y.amount_cents) FROM {closure} c JOIN {selectors.T_YEAR} y"
                f" ON y.party_id = c.descendant_id AND y.year = %s WHERE c.type_id = %s AND c.ancestor_id IN ({marks})"
                " GROUP BY c.ancestor_id",
                [year, rtype.pk, *ids],
            )
        subtree = {int(a): int(s) for a, s in rows}
    else:
        on = day or today
        for pid in ids:
            members, params = selectors._tree_sql(rtype, pid, on, on, members_only=True)
            sql = f"SELECT COALESCE(SUM(amount_cents), 0) FROM {selectors.T_YEAR} WHERE year = %s AND party_id IN ({members})"
            subtree[pid] = int(selectors._rows(sql, [year, *params])[0][0])
    result: dict[int, dict[str, Any]] = {}
    for pid in ids:
        own_cents = int(own.get(pid, 0) or 0)
        sub_cents = subtree.get(pid, own_cents) or own_cents
        result[pid] = {
            "revenue": selectors.cents_str(own_cents),
            "subtree_revenue": selectors.cents_str(sub_cents),
            "revenue_year": year,
        }
    return result
