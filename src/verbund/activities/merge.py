"""Duplicate merges: activities follow the surviving party (and go back on undo), those filed
under it and those naming it as the contact person."""

from typing import Any

from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from verbund.activities.models import Activity
from verbund.parties.models import Party

FILED = "activities.activity"
NAMED = "activities.activity.contact"


def reassign(source: Party, survivor: Party, *, actor: Any) -> dict[str, list[int]]:
    ids = list(Activity.objects.filter(party=source).values_list("pk", flat=True))
    Activity.objects.filter(pk__in=ids).update(party=survivor)
    moved = {FILED: ids}
    named = list(Activity.objects.filter(contact=source).values_list("pk", flat=True))
    if named:
        # Only when some moved: a merge naming nobody is recorded as before contact persons.
        Activity.objects.filter(pk__in=named).update(contact=survivor)
        moved[NAMED] = named
    return moved


def unassign(moved: dict[str, list[int]], source: Party, survivor: Party, *, actor: Any) -> None:
    # A merge recorded before contact persons holds only FILED.
    named = moved.get(NAMED, [])
    if named:
        Activity.objects.filter(pk__in=named, contact=survivor).update(contact=source)
    ids = moved.get(FILED, [])
    if ids:
        Activity.objects.filter(pk__in=ids, party=survivor).update(party=source)


def _line(a: Activity) -> str:
    return f"{date_format(localtime(a.happened_at), 'SHORT_DATE_FORMAT')} {a}"


def describe(moved: dict[str, list[int]]) -> list[dict[str, str]]:
    """Each activity ``reassign`` moved or re-pointed, as the merge's plan lists it."""
    rows = Activity.objects.filter(pk__in=moved.get(FILED, []))
    items = [
        {"outcome": "moved", "text": _line(a), "why": ""}
        for a in rows.order_by("happened_at", "pk")
    ]
    named = Activity.objects.filter(pk__in=moved.get(NAMED, [])).select_related("party")
    items += [
        {
            "outcome": "moved",
            "text": _line(a),
            "why": _("names the merged person as contact person at %(party)s")
            % {"party": a.party.display_name},
        }
        for a in named.order_by("happened_at", "pk")
    ]
    return items
