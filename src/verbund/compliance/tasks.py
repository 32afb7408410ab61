"""Background jobs (django-tasks): screening every party, with progress on the run row."""

from typing import Any

from django.contrib.auth import get_user_model
from django_tasks import task

from verbund.compliance.models import (
    ListUpload,
    RunTrigger,
    ScreeningRun,
    ScreeningStatus,
    UploadStatus,
)
from verbund.core import jobs

# A failed run's chunks stay: they are per party and idempotent, and its report shows them
# under a failed run.
fail_run = jobs.failed(ScreeningStatus.FAILED)


SCREENING_RUNS = jobs.RunKind(
    model=ScreeningRun,
    open_statuses=(ScreeningStatus.QUEUED, ScreeningStatus.RUNNING),
    fail=fail_run,
    task_path="verbund.compliance.tasks.screen_all_task",
)


@task()
def screen_all_task(run_id: int, actor_id: int | None = None) -> int:
    from verbund.compliance.actions import do_screen_parties

    actor: Any = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    run = ScreeningRun.objects.get(pk=run_id)
    do_screen_parties(actor=actor, trigger=RunTrigger.ALL, run=run)
    return run_id


@task()
def screen_ranges_task(id_ranges: list[list[int]]) -> int:
    """Screen the parties a bulk load created or changed (ids as inclusive [first, last]
    ranges), after storing their name tokens for the delta screening."""
    from verbund.compliance import screening
    from verbund.compliance.actions import do_screen_parties
    from verbund.compliance.list_updates import do_refresh_party_tokens

    ids = [pk for first, last in id_ranges for pk in range(first, last + 1)]
    do_refresh_party_tokens(ids, screening.workers())
    run = do_screen_parties(
        actor=None, trigger=RunTrigger.PARTIES, party_ids=ids, close_missing=False
    )
    return run.pk


def start_screen_all(actor: Any) -> ScreeningRun:
    """Create the run row (so the UI can show progress at once) and enqueue the job."""
    from verbund.compliance import screening

    run = ScreeningRun.objects.create(
        trigger=RunTrigger.ALL,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        threshold=screening.threshold(),
        status=ScreeningStatus.QUEUED,
    )
    result = screen_all_task.enqueue(run.pk, getattr(actor, "pk", None))
    if result.errors:
        # The immediate backend (tests, VERBUND_TASKS_IMMEDIATE) swallows exceptions: keep them on the run.
        ScreeningRun.objects.filter(pk=run.pk).update(
            status="failed", error=result.errors[-1].traceback[-2000:]
        )
    run.refresh_from_db()
    return run


fail_upload = jobs.failed(UploadStatus.FAILED)


LIST_UPLOADS = jobs.RunKind(
    model=ListUpload,
    open_statuses=(UploadStatus.QUEUED, UploadStatus.RUNNING),
    fail=fail_upload,
    task_path="verbund.compliance.tasks.import_list_task",
)
RUN_KINDS = [SCREENING_RUNS, LIST_UPLOADS]


@task()
def import_list_task(upload_id: int) -> int:
    """Import a list uploaded in the browser (``compliance.uploads``); the worker claims the
    upload first, so that it fails if the worker dies."""
    from verbund.compliance.uploads import execute_upload

    upload = ListUpload.objects.select_related("actor").get(pk=upload_id)
    upload.save(update_fields=jobs.claim(upload))
    try:
        execute_upload(upload)
    finally:
        jobs.release(upload)
    return upload_id
