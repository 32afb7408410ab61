"""Duplicate merges: activities follow the surviving party (and go back on undo)."""

from typing import Any

from verbund.activities.models import Activity
from verbund.parties.models import Party


def reassign(source: Party, survivor: Party, *, actor: Any) -> dict[str, list[int]]:
    ids = list(Activity.objects.filter(party=source).values_list("pk", flat=True))
    Activity.objects.filter(pk__in=ids).update(party=survivor)
    return {"activities.activity": ids}


def unassign(moved: dict[str, list[int]], source: Party, survivor: Party, *, actor: Any) -> None:
    ids = moved.get("activities.activity", [])
    if ids:
        Activity.objects.filter(pk__in=ids, party=survivor).update(party=source)
