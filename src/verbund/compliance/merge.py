"""Duplicate merges: a merged party's screening hits move to the survivor, and back on undo.

Where the survivor already has a hit on the same entry, the source's hit stays where it is
(the survivor's own review stands); the survivor is screened again after the merge through
``party_saved`` anyway.
"""

from typing import Any

from django.db import transaction

from verbund.compliance.models import Hit
from verbund.core import audit


@transaction.atomic
def reassign(source: Any, survivor: Any, *, actor: Any) -> dict[str, list[int]]:
    taken = set(
        Hit.objects.filter(party_id=survivor.pk).values_list("list_id", "entry_external_id")
    )
    movable = [
        h.pk
        for h in Hit.objects.filter(party_id=source.pk)
        if (h.list_id, h.entry_external_id) not in taken
    ]
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
    return {"compliance.hit": movable}


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
