"""Background jobs of the quality app (django-tasks)."""

from typing import Any

from django_tasks import task

from verbund.quality.detection import execute_run


@task()
def run_dedupe(run_id: int) -> dict[str, Any]:
    """Bulk duplicate detection for one ``DedupeRun``; started from the review queue."""
    return execute_run(run_id)
