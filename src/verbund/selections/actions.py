"""Every write to selections: save, change, delete. Atomic and audited."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from verbund.core import audit
from verbund.parties.actions import do_change_many
from verbund.selections import rules, selectors
from verbund.selections.models import Selection

UNSET: Any = object()


@transaction.atomic
def do_save_selection(
    *, actor: Any, name: str, filters: Any, shared_with: str | None = None
) -> Selection:
    """Save the party filters ``filters`` as ``actor``'s selection ``name``, private or
    shared with the role ``shared_with``."""
    clean_name = rules.check_name(name)
    rules.check_unique_name(actor, clean_name)
    selection = Selection(
        name=clean_name,
        filters=rules.clean_filters(filters),
        owner=actor,
        shared_with=rules.role_group(shared_with, actor),
    )
    selection.save()
    audit.record(
        actor=actor, action="selection.create", obj=selection, after=audit.snapshot(selection)
    )
    return selection


@transaction.atomic
def do_update_selection(
    selection: Selection,
    *,
    actor: Any,
    name: Any = UNSET,
    filters: Any = UNSET,
    shared_with: Any = UNSET,
) -> Selection:
    """Rename, refilter or (un)share the owner's selection; only what is given changes."""
    rules.check_owner(selection, actor)
    before = audit.snapshot(selection)
    if name is not UNSET:
        selection.name = rules.check_name(name)
        rules.check_unique_name(actor, selection.name, exclude=selection.pk)
    if filters is not UNSET:
        selection.filters = rules.clean_filters(filters)
    if shared_with is not UNSET:
        selection.shared_with = rules.role_group(shared_with, actor)
    selection.save()
    audit.record(
        actor=actor,
        action="selection.update",
        obj=selection,
        before=before,
        after=audit.snapshot(selection),
    )
    return selection


@transaction.atomic
def do_delete_selection(selection: Selection, *, actor: Any) -> None:
    """Delete the owner's selection (the parties it selected are untouched)."""
    rules.check_owner(selection, actor)
    before = audit.snapshot(selection)
    pk = selection.pk
    selection.delete()
    audit.record(
        actor=actor,
        action="selection.delete",
        object_type="selections.selection",
        object_id=pk,
        before=before,
    )


@transaction.atomic
def do_rename_tag_in_filters(old: str, new: str, *, actor: Any) -> int:
    """Every saved selection filtering by the tag ``old`` filters by ``new`` (the tag was
    renamed or merged into ``new``: ``parties.signals.tag_renamed``), each change recorded.
    Returns how many selections changed. Not the owner's change: any user's rename of a tag
    carries over, as the tag's parties do."""
    changed = 0
    for selection in Selection.objects.select_for_update().order_by("pk"):
        value = (selection.filters or {}).get("tag")
        values = value if isinstance(value, list) else [value]
        if old not in values:
            continue
        before = audit.snapshot(selection)
        renamed = list(dict.fromkeys(new if v == old else v for v in values))
        selection.filters = {
            **selection.filters,
            "tag": renamed if isinstance(value, list) else renamed[0],
        }
        selection.save(update_fields=["filters", "updated_at"])
        audit.record(actor=actor, action="selection.update", obj=selection, before=before,
                     after=audit.snapshot(selection))  # fmt: skip
        changed += 1
    return changed


def do_change_parties(selection: Selection, *, actor: Any, **changes: Any) -> int:
    """Change every party the selection selects now (``parties.actions.do_change_many``: the
    responsible user, tags added and removed, all or nothing), each party's history naming the
    selection. Returns how many parties changed."""
    return do_change_many(
        selectors.parties(selection.filters),
        actor=actor,
        note=_("Changed for the selection “%(name)s”") % {"name": selection.name},
        source=selection,
        **changes,
    )
