"""Background jobs of selections (django-tasks): "Change all…" of a selection too big to
change while the user waits (decision 0066), all or nothing, with its progress in a file."""

from django.core.exceptions import ValidationError
from django_tasks import task

from verbund.core import jobs
from verbund.selections import runs
from verbund.selections.models import CHANGE_RUN_OPEN, ChangeRun, ChangeRunStatus

# A failed run changed nothing: its one transaction was rolled back.
_failed = jobs.failed(ChangeRunStatus.FAILED)


def fail_run(run: ChangeRun, reason: str) -> list[str]:
    """Fail the run (its task, or the sweep of a dead worker's runs), its progress file gone."""
    runs.forget_progress(run)
    return _failed(run, reason)


CHANGE_RUNS = jobs.RunKind(
    model=ChangeRun,
    open_statuses=CHANGE_RUN_OPEN,
    fail=fail_run,
    task_path="verbund.selections.tasks.change_parties_task",
)
RUN_KINDS = [CHANGE_RUNS]


@task()
def change_parties_task(run_id: int) -> int:
    """Change the parties of one ``ChangeRun`` (``actions.do_run_change``). The worker claims
    the run first, so that it fails if the worker dies. A refusal (a tag deleted meanwhile,
    the selection grown past the limit) fails the run with its message; anything else with
    the exception, raised again for the job's record."""
    from verbund.selections.actions import do_run_change

    run = ChangeRun.objects.select_related("created_by").get(pk=run_id)
    if not run.is_open:
        return run_id
    run.status = ChangeRunStatus.RUNNING
    run.save(update_fields=["status", *jobs.claim(run)])
    try:
        do_run_change(run)
    except ValidationError as exc:
        _fail(run, " ".join(exc.messages))
    except Exception as exc:
        _fail(run, f"{type(exc).__name__}: {exc}"[:2000])
        raise
    finally:
        jobs.release(run)
    return run_id


def _fail(run: ChangeRun, reason: str) -> None:
    run.changed = 0
    fields = fail_run(run, reason)
    run.save(update_fields=[*fields, "done", "total", "changed"])
