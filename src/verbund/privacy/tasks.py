"""Background jobs of the privacy app (django-tasks): applying the retention rules, with
progress on the run row."""

from typing import Any

from django_tasks import task

from verbund.core import jobs
from verbund.privacy.models import RETENTION_OPEN, RetentionRun, RetentionStatus

# What a failed run erased stays erased: each transaction of the run committed its own
# parties, and the next run finds the rest.
fail_run = jobs.failed(RetentionStatus.FAILED)


RETENTION_RUNS = jobs.RunKind(
    model=RetentionRun,
    open_statuses=RETENTION_OPEN,
    fail=fail_run,
    task_path="verbund.privacy.tasks.apply_retention_task",
)
RUN_KINDS = [RETENTION_RUNS]


@task()
def apply_retention_task(run_id: int) -> int:
    """Apply the retention rules for one ``RetentionRun`` (``actions.do_retention``, as the
    command does). The worker claims the run first, so that it fails if the worker dies."""
    from verbund.privacy.actions import do_retention

    run = RetentionRun.objects.select_related("created_by").get(pk=run_id)
    if not run.is_open:
        return run_id
    run.status = RetentionStatus.RUNNING
    run.save(update_fields=["status", *jobs.claim(run)])
    actor: Any = run.created_by
    try:
        do_retention(actor=actor, apply=True, run=run)
    except Exception as exc:
        fields = fail_run(run, f"{type(exc).__name__}: {exc}"[:2000])
        run.save(update_fields=fields)
        raise
    finally:
        jobs.release(run)
    return run_id
