"""Background jobs of the interfaces app (django-tasks): one import run per job."""

from typing import Any

from django.utils import timezone
from django_tasks import task

from verbund.core import jobs
from verbund.interfaces.actions import do_execute_run
from verbund.interfaces.models import ImportRun, ImportStatus


def fail_run(run: ImportRun, reason: str) -> list[str]:
    """Set ``run`` failed with ``reason`` as its one error (for ``core.jobs``); nothing of a
    failed run is in the database, since the run writes in one transaction."""
    run.status = ImportStatus.FAILED
    run.finished_at = timezone.now()
    if run.started_at:
        run.duration = round((run.finished_at - run.started_at).total_seconds(), 3)
    run.counts = {**(run.counts or {}), "errors": max(1, int((run.counts or {}).get("errors", 0)))}
    run.report = {
        **(run.report or {}),
        "errors": [{"row": 0, "key": "", "field": "", "value": "", "reason": reason}],
        "errors_total": 1,
    }
    return ["status", "finished_at", "duration", "counts", "report"]


IMPORT_RUNS = jobs.RunKind(
    model=ImportRun,
    open_statuses=(ImportStatus.QUEUED, ImportStatus.RUNNING),
    fail=fail_run,
    task_path="verbund.interfaces.tasks.run_import",
)
RUN_KINDS = [IMPORT_RUNS]


@task()
def run_import(run_id: int) -> dict[str, Any]:
    """Execute a queued import run; progress is readable from the run page while it works.

    An unexpected error fails the run with its message (and the job with its traceback) instead
    of leaving the run "running"."""
    run = ImportRun.objects.get(pk=run_id)
    if run.status != ImportStatus.QUEUED:
        return {"skipped": run.status}
    try:
        do_execute_run(run)
    except Exception as exc:
        jobs.do_fail_run(IMPORT_RUNS, run.pk, f"{type(exc).__name__}: {exc}"[:2000])
        raise
    finally:
        jobs.release(run)
    run.refresh_from_db()
    return {"status": run.status, **run.counts}
