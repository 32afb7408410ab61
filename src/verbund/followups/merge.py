"""Duplicate merges: follow-ups follow the surviving party, open and done, and go back on undo."""

from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from verbund.followups.models import FollowUp
from verbund.parties.models import Party

MOVED = "followups.followup"


def reassign(source: Party, survivor: Party, *, actor: Any) -> dict[str, list[int]]:
    ids = list(FollowUp.objects.filter(party=source).values_list("pk", flat=True))
    if not ids:
        return {}
    FollowUp.objects.filter(pk__in=ids).update(party=survivor)
    return {MOVED: ids}


def unassign(moved: dict[str, list[int]], source: Party, survivor: Party, *, actor: Any) -> None:
    ids = moved.get(MOVED, [])
    if ids:
        # Only those still on the survivor: one deleted since stays deleted.
        FollowUp.objects.filter(pk__in=ids, party=survivor).update(party=source)


def describe(moved: dict[str, list[int]]) -> list[dict[str, str]]:
    """Each follow-up ``reassign`` moved, as the merge's plan lists it."""
    rows = FollowUp.objects.filter(pk__in=moved.get(MOVED, [])).order_by("due_on", "pk")
    return [
        {
            "outcome": "moved",
            "text": _("Follow-up %(due)s: %(subject)s")
            % {"due": date_format(f.due_on, "SHORT_DATE_FORMAT"), "subject": f.subject},
            "why": "" if f.done_at is None else _("done"),
        }
        for f in rows
    ]
