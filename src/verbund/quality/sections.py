"""What the duplicate check adds to shared pages (``core.extensions``): a merge in a file's
history names the other record and says in words what moved (the label links the merge)."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from verbund.parties.models import Party


def describe_history(party: Party, records: list[Any]) -> None:
    """A merge's records: ``detail`` names the other record (the merged one on the kept party's
    file, the kept one on the merged party's) and counts what moved or ended. Reads the
    merge's summary as written since 2026-12-07 (``merge_summary``) and as written before
    (its keys at the top of ``after``). One query for all."""
    merges = [r for r in records if r.action == "quality.merge" and r.after]
    summaries = [(r, r.after.get("merge_summary") or r.after) for r in merges]
    other_ids = [
        s.get("source") if s.get("survivor") == party.pk else s.get("survivor")
        for _r, s in summaries
    ]
    names = Party.objects.in_bulk({i for i in other_ids if isinstance(i, int)})
    for (rec, summary), other_id in zip(summaries, other_ids, strict=True):
        parts = []
        moved = summary.get("relationships_moved") or 0
        ended = summary.get("relationships_ended") or 0
        contacts = summary.get("contacts_moved") or 0
        if moved:
            parts.append(
                ngettext("%(n)s relationship moved", "%(n)s relationships moved", moved)
                % {"n": moved}
            )
        if ended:
            parts.append(
                ngettext("%(n)s relationship ended", "%(n)s relationships ended", ended)
                % {"n": ended}
            )
        if contacts:
            parts.append(
                ngettext("%(n)s contact moved", "%(n)s contacts moved", contacts) % {"n": contacts}
            )
        other = names.get(other_id) if isinstance(other_id, int) else None
        counts = ", ".join(parts)
        if other is not None:
            with_other = _("with %(party)s (%(number)s)") % {
                "party": other.display_name,
                "number": other.number,
            }
            rec.detail = f"{with_other}: {counts}" if counts else with_other
        else:
            rec.detail = counts
