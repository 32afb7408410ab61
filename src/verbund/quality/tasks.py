"""Background jobs of the quality app (django-tasks)."""

from typing import Any

from django_tasks import task

from verbund.core import jobs
from verbund.quality.detection import execute_run
from verbund.quality.models import DedupeRun, RunStatus

fail_run = jobs.failed(RunStatus.FAILED)


DEDUPE_RUNS = jobs.RunKind(
    model=DedupeRun,
    open_statuses=(RunStatus.QUEUED, RunStatus.RUNNING),
    fail=fail_run,
    task_path="verbund.quality.tasks.run_dedupe",
)
RUN_KINDS = [DEDUPE_RUNS]


@task()
def run_dedupe(run_id: int) -> dict[str, Any]:
    """Bulk duplicate detection for one ``DedupeRun``; started from the review queue. The
    worker claims the run first, so that the run fails if the worker dies."""
    run = DedupeRun.objects.get(pk=run_id)
    run.save(update_fields=jobs.claim(run))
    try:
        return execute_run(run_id)
    finally:
        jobs.release(run)
