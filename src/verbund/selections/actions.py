"""Every write to selections: save, change, delete; changing a selection's parties, while the
user waits or in a background run (decision 0066). Atomic and audited."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from verbund.core import audit
from verbund.parties import rules as party_rules
from verbund.parties.actions import KEEP, check_change_many, do_change_many, tag_names_of
from verbund.selections import rules, runs, selectors
from verbund.selections.models import CHANGE_RUN_OPEN, ChangeRun, ChangeRunStatus, Selection

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
    selection. Returns how many parties changed. Refused while a background run of the
    selection is open, and above ``parties.rules.CHANGE_MANY_LIMIT`` (``do_change_or_start``
    starts a run then)."""
    if message := rules.change_run_open_error(runs.open_run(selection) is not None):
        raise ValidationError(message)
    return do_change_many(
        selectors.parties(selection.filters), actor=actor, note=_note(selection.name),
        source=selection, **changes,
    )  # fmt: skip


def _note(name: str) -> str:
    return _("Changed for the selection “%(name)s”") % {"name": name}


def do_change_or_start(selection: Selection, *, actor: Any, **changes: Any) -> int | ChangeRun:
    """The confirmation of "Change all…" (the page and the API): up to
    ``CHANGE_MANY_LIMIT`` parties changed now (returns how many), more in a background run
    (returns the run, decision 0066)."""
    count = selectors.count(selection.filters)
    if party_rules.change_many_in_background(count):
        return do_start_change_run(selection, actor=actor, count=count, **changes)
    return do_change_parties(selection, actor=actor, **changes)


def do_start_change_run(
    selection: Selection, *, actor: Any, responsible: Any = KEEP, add_tags: Any = (),
    remove_tags: Any = (), count: int | None = None,
) -> ChangeRun:  # fmt: skip
    """Start changing the selection's parties in the background: a ``ChangeRun`` with the
    selection's filters now and what to change, and its job (``tasks.change_parties_task``).
    Refused while another run of the selection is open, when nothing would change, and above
    ``CHANGE_MANY_BACKGROUND_LIMIT`` parties (counted again by the run itself). ``count``:
    the selection's count when the caller has just made it."""
    from verbund.selections.tasks import change_parties_task

    given, removing = tag_names_of(add_tags), tag_names_of(remove_tags)
    # Refused now what the run would refuse before reading a party (not as a failed run).
    check_change_many(responsible, given, removing)
    if count is None:
        count = selectors.count(selection.filters)
    if too_many := party_rules.change_many_error(count, background=True):
        raise ValidationError(too_many)
    changes: dict[str, Any] = {"add_tags": given, "remove_tags": removing}
    if responsible is not KEEP:
        changes["responsible"] = responsible.pk if responsible is not None else None
    with transaction.atomic():
        # The selection's row is the lock under which one run at a time is started.
        locked = Selection.objects.select_for_update().get(pk=selection.pk)
        if message := rules.change_run_open_error(runs.open_run(locked) is not None):
            raise ValidationError(message)
        user = actor if getattr(actor, "is_authenticated", False) else None
        run = ChangeRun.objects.create(
            selection=locked, selection_name=locked.name, filters=locked.filters,
            changes=changes, created_by=user, total=count,
        )  # fmt: skip
        audit.record(
            actor=actor, action="selection.change_run_start", obj=run,
            after={"selection": locked.pk, "changes": changes, "total": run.total},
        )  # fmt: skip
    result = change_parties_task.enqueue(run.pk)
    if result.errors:
        # The immediate backend (tests, VERBUND_TASKS_IMMEDIATE) swallows exceptions: keep them
        # on the run, as the retention run's start does.
        ChangeRun.objects.filter(pk=run.pk, status__in=CHANGE_RUN_OPEN).update(
            status=ChangeRunStatus.FAILED, error=result.errors[-1].traceback[-2000:],
            finished_at=timezone.now(),
        )  # fmt: skip
    run.refresh_from_db()
    return run


def do_run_change(run: ChangeRun) -> int:
    """The background run's work (``tasks.change_parties_task``): ``do_change_many`` over
    the run's filters, all or nothing, and the run marked done in the same transaction (a
    failure leaves every party as it was, and the run open for its task to fail). Progress
    after each step goes to the run's progress file. Returns how many parties changed."""
    changes = dict(run.changes or {})
    responsible: Any = KEEP
    if "responsible" in changes:
        responsible = None
        if changes["responsible"] is not None:
            responsible = (
                get_user_model().objects.filter(pk=changes["responsible"], is_active=True).first()
            )
            if responsible is None:
                raise ValidationError(_("The responsible user is no longer active."))
    removing = [party_rules.known_tag(name) for name in changes.get("remove_tags", [])]
    actor = run.created_by
    # The history links the selection; one deleted since leaves the parties as the object.
    selection = run.selection if run.selection_id is not None else None
    with transaction.atomic():
        changed = do_change_many(
            selectors.parties(run.filters), actor=actor, note=_note(run.selection_name),
            source=selection, responsible=responsible, add_tags=changes.get("add_tags", []),
            remove_tags=removing, background=True,
            progress=lambda done, total: _progressed(run, done, total),
        )  # fmt: skip
        # Done, also where a sweep had given the run up meanwhile (its heartbeat late): the
        # parties are changed, so the run says so, without the sweep's reason.
        run.status, run.changed, run.finished_at = ChangeRunStatus.DONE, changed, timezone.now()
        run.error = ""
        run.save(update_fields=["status", "changed", "done", "total", "finished_at", "error"])
        audit.record(actor=actor, action="selection.change_run_done", obj=run,
                     after={"changed": changed, "total": run.total})  # fmt: skip
    runs.forget_progress(run)
    return changed


def _progressed(run: ChangeRun, done: int, total: int) -> None:
    run.done, run.total = done, total
    runs.write_progress(run, done, total)
