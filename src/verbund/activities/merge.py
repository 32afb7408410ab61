"""Duplicate merges: activities follow the surviving party (and go back on undo)."""

from typing import Any

from django.utils.formats import date_format
from django.utils.timezone import localtime

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


def describe(moved: dict[str, list[int]]) -> list[dict[str, str]]:
    """Each activity ``reassign`` moved, as the merge's plan lists it."""
    rows = Activity.objects.filter(pk__in=moved.get("activities.activity", []))
    return [
        {
            "outcome": "moved",
            "text": f"{date_format(localtime(a.happened_at), 'SHORT_DATE_FORMAT')} {a}",
            "why": "",
        }
        for a in rows.order_by("happened_at", "pk")
    ]
