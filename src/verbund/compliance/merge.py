"""Duplicate merges: a merged party's screening hits move to the survivor, and back on undo.

Where the survivor already has a hit on the same entry, the source's hit stays where it is
(the survivor's own review stands); the survivor is screened again after the merge through
``party_saved`` anyway.
"""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from verbund.compliance.models import Hit
from verbund.core import audit

STAYS_KEY = "compliance.hit:stays"


@transaction.atomic
def reassign(source: Any, survivor: Any, *, actor: Any) -> dict[str, list[int]]:
    taken = set(
        Hit.objects.filter(party_id=survivor.pk).values_list("list_id", "entry_external_id")
    )
    movable: list[int] = []
    stays: list[int] = []
    for h in Hit.objects.filter(party_id=source.pk).order_by("pk"):
        (stays if (h.list_id, h.entry_external_id) in taken else movable).append(h.pk)
    if movable:
        Hit.objects.filter(pk__in=movable).update(party_id=survivor.pk)
        audit.record(
            actor=actor,
            action="compliance.merge_hits",
            object_type="compliance.hit",
            party_id=survivor.pk,
            after={"from": source.pk, "to": survivor.pk, "hits": movable},
        )
        from verbund.compliance.receivers import schedule_ownership

        schedule_ownership()
    result = {"compliance.hit": movable}
    if stays:
        # Only for the merge's plan; undo has nothing to put back for these.
        result[STAYS_KEY] = stays
    return result


@transaction.atomic
def unassign(moved: dict[str, list[int]], source: Any, survivor: Any, *, actor: Any) -> None:
    ids = moved.get("compliance.hit", [])
    if ids:
        Hit.objects.filter(pk__in=ids, party_id=survivor.pk).update(party_id=source.pk)
        audit.record(
            actor=actor,
            action="compliance.unmerge_hits",
            object_type="compliance.hit",
            party_id=source.pk,
            after={"from": survivor.pk, "to": source.pk, "hits": ids},
        )
        from verbund.compliance.receivers import schedule_ownership

        schedule_ownership()


def describe(moved: dict[str, list[int]]) -> list[dict[str, str]]:
    """Each hit of the merged record, as the merge's plan lists it: moved to the survivor, or
    staying with the merged record where the survivor has a hit on the same entry."""
    stays = set(moved.get(STAYS_KEY, []))
    ids = set(moved.get("compliance.hit", [])) | stays
    items = []
    for hit in Hit.objects.filter(pk__in=ids).select_related("list").order_by("pk"):
        text = f"{hit.list.name}: {hit.entry_name} ({hit.get_status_display()})"
        if hit.pk in stays:
            why = _("the survivor has a hit on the same entry")
            items.append({"outcome": "stays", "text": text, "why": why})
        else:
            items.append({"outcome": "moved", "text": text, "why": ""})
    return items
