"""Groups a user follows and what changed in them (#17.3, reads).

The start page lists, for each group the user subscribed to, the changes of the last
``DAYS`` days (joined, left, moved, share changed, from ``hierarchies.changes``). A group is
resolved when read: the subtree of the subscribed party's ultimate parent today. Two
subscriptions that lead to the same group today are listed once.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError

from verbund.core.prepared import Prepared
from verbund.hierarchies import changes, engine
from verbund.hierarchies.models import GroupSubscription

DAYS = 30
GROUPS_SHOWN = 10
CHANGES_SHOWN = 10


# Compiled once (core/prepared.py): the hierarchy view and the file's sections ask.
_SUBSCRIBED = Prepared(
    lambda user, party: GroupSubscription.objects.filter(user_id=user, party_id=party).values_list(
        "type__key", flat=True
    ),
    user=int,
    party=int,
)


def subscribed_types(user: Any, party_id: int) -> set[str]:
    """The hierarchy types along which ``user`` follows ``party_id``'s group (one query)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(_SUBSCRIBED(user=user.pk, party=party_id))


def subscriptions(user: Any) -> list[GroupSubscription]:
    return list(
        GroupSubscription.objects.filter(user=user)
        .select_related("party", "type")
        .order_by("-created_at", "-id")
    )


def recent_changes(user: Any, days: int = DAYS) -> list[dict[str, Any]]:
    """Per subscribed group (newest subscription first, at most ``GROUPS_SHOWN``): the party
    subscribed, the type, the group's root, its changes of the last ``days`` days (latest
    first, at most ``CHANGES_SHOWN``) and how many there are."""
    last = engine.today()
    first = last - dt.timedelta(days=days)
    out: list[dict[str, Any]] = []
    seen: set[tuple[int, int]] = set()
    for sub in subscriptions(user):
        if len(out) >= GROUPS_SHOWN:
            break
        try:
            log = changes.changes(sub.party_id, sub.type.key, first, last)
        except ValidationError:
            continue
        key = (sub.type_id, int(log["root_id"]))
        if key in seen:
            continue
        seen.add(key)
        rows = log["changes"]
        for row in rows:
            row["kind_label"] = changes.KINDS[row["kind"]]
        out.append(
            {
                "subscription": sub,
                "party": sub.party,
                "type_key": sub.type.key,
                "type_name": sub.type.name,
                "root_id": log["root_id"],
                "from": first,
                "changes": rows[-CHANGES_SHOWN:][::-1],
                "total": len(rows),
            }
        )
    return out
