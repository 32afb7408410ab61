"""Every write to selections: save, change, delete. Atomic and audited."""

from typing import Any

from django.db import transaction

from verbund.core import audit
from verbund.selections import rules
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
