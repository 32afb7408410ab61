"""Sanctions lists uploaded in the browser, imported in the background with progress.

A large list (OFAC: 27 s) is not imported inside the request: ``do_queue_list_upload`` stores
the files and a ``ListUpload`` row and queues the job (django-tasks, claimed through
``core.jobs`` like every run); the job imports through the same ``do_import_list`` the API and
the command line use, then screens the parties against the new and changed entries in a run of
its own, whose progress the upload page shows (``upload_progress``).
"""

import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from verbund.compliance import actions, screening
from verbund.compliance.models import (
    ListUpload,
    RunTrigger,
    ScreeningRun,
    ScreeningStatus,
    UploadStage,
    UploadStatus,
)
from verbund.compliance.parsers import PARSERS
from verbund.core import audit


def upload_dir() -> Path:
    path = Path(settings.VERBUND_IMPORT_DIR) / "lists"
    path.mkdir(parents=True, exist_ok=True)
    return path


@transaction.atomic
def do_queue_list_upload(
    fmt: str, files: list[tuple[str, bytes]], *, actor: Any, list_key: str = ""
) -> ListUpload:
    """Store the files and queue their import; what can be told at once is refused at once."""
    if fmt not in PARSERS:
        raise ValidationError(
            {"format": [_("Unknown format %(format)s.") % {"format": fmt or "—"}]}
        )
    if not files:
        raise ValidationError({"files": [_("Choose at least one file.")]})
    stored = []
    for name, data in files:
        path = upload_dir() / f"{uuid.uuid4().hex}-{Path(name).name[-80:]}"
        path.write_bytes(data)
        stored.append({"name": name, "path": str(path), "size": len(data)})
    upload = ListUpload.objects.create(
        format=fmt,
        list_key=list_key,
        files=stored,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record(
        actor=actor,
        action="compliance.list_upload",
        obj=upload,
        after={"format": fmt, "files": [f["name"] for f in stored]},
    )
    from verbund.compliance.tasks import import_list_task

    transaction.on_commit(lambda: import_list_task.enqueue(upload.pk))
    return upload


def _set(upload: ListUpload, **fields: Any) -> None:
    for key, value in fields.items():
        setattr(upload, key, value)
    # Each stage is committed on its own, so the page polling the upload sees it.
    ListUpload.objects.filter(pk=upload.pk).update(**fields)


def execute_upload(upload: ListUpload) -> ListUpload:
    """The job: import the stored files, then screen the parties against the changes."""
    _set(upload, status=UploadStatus.RUNNING, stage=UploadStage.READING)
    try:
        files = [(f["name"], Path(f["path"]).read_bytes()) for f in upload.files]
        version = actions.do_import_list(
            upload.format,
            files,
            actor=upload.actor,
            list_key=upload.list_key,
            rescreen=False,
        )
    except (ValidationError, OSError) as exc:
        messages = getattr(exc, "messages", None) or [str(exc)]
        _finish(upload, status=UploadStatus.FAILED, error=" ".join(messages))
        return upload
    _set(upload, version=version)
    if upload.rescreen and actions.needs_rescreen(version):
        run = ScreeningRun.objects.create(
            trigger=RunTrigger.LIST_UPDATE,
            actor=upload.actor,
            threshold=screening.threshold(),
            status=ScreeningStatus.QUEUED,
        )
        _set(upload, stage=UploadStage.SCREENING, run=run)
        actions.do_rescreen_version(version, actor=upload.actor, run=run)
    _finish(upload, status=UploadStatus.DONE)
    return upload


def _finish(upload: ListUpload, *, status: str, error: str = "") -> None:
    for f in upload.files:
        Path(f["path"]).unlink(missing_ok=True)
    _set(
        upload,
        status=status,
        stage=UploadStage.FINISHED,
        error=error,
        finished_at=timezone.now(),
    )


def upload_progress(upload: ListUpload) -> dict[str, Any]:
    """{fraction 0..1, message}: reading is the first half, screening the second."""
    if upload.status in (UploadStatus.DONE, UploadStatus.FAILED):
        return {"fraction": 1.0, "message": upload.get_status_display()}
    if upload.stage == UploadStage.SCREENING and upload.run is not None:
        run = upload.run
        share = run.done / run.total if run.total else 0.0
        message = _("Screening parties: %(done)s of %(total)s") % {
            "done": _number(run.done),
            "total": _number(run.total),
        }
        return {"fraction": 0.5 + share / 2, "message": message}
    if upload.stage == UploadStage.READING:
        return {"fraction": 0.1, "message": upload.get_stage_display()}
    return {"fraction": 0.0, "message": upload.get_stage_display()}


def _number(value: int) -> str:
    from django.utils.formats import number_format

    return number_format(value, use_l10n=True, force_grouping=True)
