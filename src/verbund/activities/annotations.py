"""Per-node counts for the hierarchy view: each member's contacts and activities (#17.1).

Two grouped queries for the nodes shown (the view asks for at most a few hundred at a time):
contacts as the group section counts them (``hierarchies.group``), activities filed under the
node itself. Today's links decide who is a contact, whatever date the tree shows.
"""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from verbund.activities.group import last_activities
from verbund.hierarchies.group import contact_counts

# Activity counts reach who may read activities (hierarchies.facts).
PERMISSION = "activities.view_activity"


def node_annotations(
    party_ids: Sequence[int], type_key: str, as_of: dt.date | str | None
) -> dict[int, dict[str, Any]]:
    ids = [int(i) for i in party_ids]
    if not ids:
        return {}
    contacts = contact_counts(ids)
    activities = last_activities(ids)
    return {
        i: {"contacts": contacts.get(i, 0), "activities": activities.get(i, {}).get("count", 0)}
        for i in ids
        if contacts.get(i) or i in activities
    }
