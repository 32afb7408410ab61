"""Background jobs of the interfaces app (django-tasks): one import run per job."""

from typing import Any

from django_tasks import task

from verbund.interfaces.actions import do_execute_run
from verbund.interfaces.models import ImportRun, ImportStatus


@task()
def run_import(run_id: int) -> dict[str, Any]:
    """Execute a queued import run; progress is readable from the run page while it works."""
    run = ImportRun.objects.get(pk=run_id)
    if run.status != ImportStatus.QUEUED:
        return {"skipped": run.status}
    do_execute_run(run)
    run.refresh_from_db()
    return {"status": run.status, **run.counts}
