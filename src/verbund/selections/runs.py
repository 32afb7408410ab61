"""Background change runs of selections (decision 0066): what the pages and the API read --
the open run of a selection, the runs a user may see, and a running run's progress.

A run changes all or nothing in one transaction, so its progress cannot be on its row (no one
else would see it before the commit): the worker writes it to a small file under
``VERBUND_IMPORT_DIR/runs``, as an import does, and the run's page reads it.
"""

import contextlib
import json
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet

from verbund.selections.models import CHANGE_RUN_OPEN, ChangeRun, ChangeRunStatus, Selection


def open_run(selection: Selection) -> ChangeRun | None:
    """The selection's unfinished change run, if any (one at a time)."""
    return selection.change_runs.filter(status__in=CHANGE_RUN_OPEN).order_by("-id").first()


def visible(user: Any, selections: QuerySet[Selection]) -> QuerySet[ChangeRun]:
    """The runs ``user`` may see: those of a selection in ``selections`` (the ones the user
    may open) and the user's own (also when the selection was deleted since)."""
    if user is None or not user.is_authenticated:
        return ChangeRun.objects.none()
    return ChangeRun.objects.filter(
        Q(selection__in=selections.values("pk")) | Q(created_by=user)
    ).select_related("created_by", "selection")


def progress_path(run: ChangeRun) -> Path:
    return Path(settings.VERBUND_IMPORT_DIR) / "runs" / f"change-run-{run.pk}.progress.json"


def write_progress(run: ChangeRun, done: int, total: int) -> None:
    """The worker's report after each step (replaced atomically: a reader never sees half)."""
    target = progress_path(run)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    tmp.write_text(json.dumps({"done": done, "total": total}), encoding="utf-8")
    os.replace(tmp, target)


def forget_progress(run: ChangeRun) -> None:
    """Remove the run's progress file; a file that cannot be removed stays (it is read only
    while the run is open), and never turns a finished run into a failed one."""
    with contextlib.suppress(OSError):
        progress_path(run).unlink(missing_ok=True)


def progress(run: ChangeRun) -> tuple[int, int, int]:
    """(done, total, percent) consistent with the status: a finished run its own figures
    (100 % when done), a queued one 0, a running one what its last step reported (below
    100 %: the commit is still to come)."""
    if run.status == ChangeRunStatus.DONE:
        return run.done, run.total, 100
    if run.status == ChangeRunStatus.FAILED:
        return run.done, run.total, int(100 * run.done / run.total) if run.total else 0
    done, total = 0, run.total
    if run.status == ChangeRunStatus.RUNNING:
        try:
            found = json.loads(progress_path(run).read_text(encoding="utf-8"))
            done, total = int(found.get("done", 0)), int(found.get("total", 0)) or total
        except (OSError, ValueError, AttributeError):
            pass
    percent = min(99, int(100 * done / total)) if total else 0
    return done, total, percent
