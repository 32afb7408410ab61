"""Background runs and the processes that do them: claims, heartbeats, and the sweep that fails
the runs of processes that are gone (issue 21).

A run (an import, a duplicate search, a screening run) is *claimed* by the process that starts
working on it: ``claim(run)`` records this host, this process id and the time, and a daemon
thread of the process refreshes ``heartbeat_at`` every ``VERBUND_JOB_HEARTBEAT_SECONDS`` while
the run is open. A process killed with SIGKILL cannot say it stopped, so
``do_fail_abandoned_runs`` (run when `verbund serve` or `verbund db_worker` starts, and every
``VERBUND_JOB_SWEEP_SECONDS`` while they run) decides for every open claimed run:

- claimed on this host: abandoned when its process no longer exists, or when the process now
  holding that id started after the claim (the id was reused, e.g. a restarted container);
- claimed on another host (or where process ids cannot be checked): abandoned when its
  heartbeat is older than ``VERBUND_JOB_STALE_SECONDS``.

An abandoned run is marked failed with the reason, in one transaction with one audit record;
so is the django-tasks row of its job, which would otherwise stay RUNNING for ever. Job rows
whose worker (named ``host:pid:…`` by our workers) is gone are failed the same way, and the run
they were working on with them, even if the run had not been claimed yet.

Each domain declares its kinds of run in ``verbund.<app>.tasks.RUN_KINDS``.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import OperationalError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from verbund.core import audit
from verbund.core.bulk import refresh_all_statistics

log = logging.getLogger(__name__)

HOST = socket.gethostname()[:100] or "localhost"
CLAIM_FIELDS = ["worker_host", "worker_pid", "claimed_at", "heartbeat_at"]


class ClaimedRun(models.Model):
    """Fields of a run that a worker process claims (see the module's docstring)."""

    worker_host = models.CharField(
        gettext_lazy("worker host"), max_length=100, blank=True, editable=False
    )
    worker_pid = models.PositiveIntegerField(
        gettext_lazy("worker process"), null=True, blank=True, editable=False
    )
    claimed_at = models.DateTimeField(
        gettext_lazy("claimed"), null=True, blank=True, editable=False
    )
    heartbeat_at = models.DateTimeField(
        gettext_lazy("last heartbeat"), null=True, blank=True, editable=False
    )

    class Meta:
        abstract = True

    @property
    def worker(self) -> str:
        return f"{self.worker_host}:{self.worker_pid}" if self.worker_pid else ""


@dataclass(frozen=True)
class RunKind:
    """One kind of run: its model, the statuses in which it is unfinished, how to fail one
    (``fail(run, reason)`` sets the fields on the instance and returns their names), and the
    django-tasks task whose first argument is the run's id."""

    model: type[Any]
    open_statuses: tuple[str, ...]
    fail: Callable[[Any, str], list[str]]
    task_path: str = ""

    @property
    def label(self) -> str:
        return str(self.model._meta.label_lower)


def failed(status: str) -> Callable[[Any, str], list[str]]:
    """The usual ``RunKind.fail``: the run gets ``status`` (its kind's failed status), the
    reason in ``error`` and its end now."""

    def fail(run: Any, reason: str) -> list[str]:
        run.status = status
        run.error = reason
        run.finished_at = timezone.now()
        return ["status", "error", "finished_at"]

    return fail


class WorkerLost(Exception):
    """Recorded on a django-tasks row whose worker process died."""


def kinds() -> list[RunKind]:
    from verbund.core.extensions import modules

    return [kind for module in modules("tasks") for kind in getattr(module, "RUN_KINDS", [])]


def worker_id(suffix: str) -> str:
    """A django-tasks worker id naming this host and process (``host:pid:suffix``, ≤ 64)."""
    return f"{HOST[:40]}:{os.getpid()}:{suffix}"[:64]


def abandoned_reason(worker: str) -> str:
    return _(
        "The process running this job (%(worker)s) stopped before it finished (killed or crashed). The run was marked failed; start it again."
    ) % {"worker": worker or "?"}


# --- claims and heartbeats ------------------------------------------------------------------

_lock = threading.Lock()
_claimed: dict[tuple[str, int], Any] = {}
_beating: threading.Thread | None = None


def claim(run: Any) -> list[str]:
    """Mark ``run`` (an unsaved change) as worked on by this process from now on; returns the
    fields to save. The process's heartbeat thread keeps it fresh while the run is open."""
    global _beating
    now = timezone.now()
    run.worker_host, run.worker_pid, run.claimed_at, run.heartbeat_at = HOST, os.getpid(), now, now
    with _lock:
        _claimed[(run._meta.label_lower, run.pk)] = run
        if _beating is None or not _beating.is_alive():
            _beating = threading.Thread(target=_beat_forever, name="job-heartbeat", daemon=True)
            _beating.start()
    return list(CLAIM_FIELDS)


def release(run: Any) -> None:
    """The run is no longer worked on by this process (finished or failed)."""
    with _lock:
        _claimed.pop((run._meta.label_lower, run.pk), None)


def _beat_forever() -> None:
    while True:
        time.sleep(float(settings.VERBUND_JOB_HEARTBEAT_SECONDS))
        try:
            beat()
        except OperationalError as exc:
            # SQLite has one writer: while an import's own transaction holds it, the beat waits
            # for the next turn. A SQLite database has one host, where a run is swept by its
            # process id, never by the age of its beat.
            log.info("job heartbeat postponed: %s", exc)
        except Exception:  # a missed beat is harmless; the next one tries again
            log.warning("job heartbeat failed", exc_info=True)
        finally:
            connection.close()


def beat() -> int:
    """Refresh the heartbeat of this process's open runs; forget the finished ones. Returns the
    number of runs refreshed."""
    by_label = {k.label: k for k in kinds()}
    with _lock:
        items = list(_claimed.items())
    wanted: dict[str, list[int]] = {}
    for (label, pk), run in items:
        kind = by_label.get(label)
        if kind is None or getattr(run, "status", None) not in kind.open_statuses:
            release(run)
        else:
            wanted.setdefault(label, []).append(pk)
    if not wanted:
        return 0
    if connection.vendor == "sqlite":
        # An import holds SQLite's write lock for its whole transaction: give up quickly and
        # beat again later rather than wait for it (this host's runs are judged by process).
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout = 2000")
    refreshed = 0
    now = timezone.now()
    for label, pks in wanted.items():
        kind = by_label[label]
        mine = kind.model.objects.filter(
            pk__in=pks, worker_host=HOST, worker_pid=os.getpid(), status__in=kind.open_statuses
        )
        refreshed += mine.update(heartbeat_at=now)
        still = set(mine.values_list("pk", flat=True))
        for (lab, pk), run in items:
            if lab == label and pk in pks and pk not in still:
                release(run)
    return refreshed


# --- is a process alive? ----------------------------------------------------------------------


def _proc_start(pid: int) -> tuple[str, float] | None:
    """(state, start time as a Unix timestamp) of a process from /proc, or None without /proc."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        boot = next(
            float(line.split()[1])
            for line in Path("/proc/stat").read_text().splitlines()
            if line.startswith("btime ")
        )
    except (OSError, StopIteration, ValueError):
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return fields[0], boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")


def process_alive(pid: int, since: datetime | None) -> bool | None:
    """Whether the process ``pid`` of this host still runs and is the one that existed at
    ``since``; None where that cannot be told (not a POSIX system)."""
    if os.name != "posix" or pid <= 0:
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists and belongs to another user
    except OSError:
        return None
    info = _proc_start(pid)
    if info is None:
        return True
    state, started = info
    if state in ("Z", "X"):
        return False
    # A process that started after the claim is a newer one that got the same id.
    return not (since is not None and started > since.timestamp() + 1)


def is_abandoned(run: Any, now: datetime | None = None) -> bool:
    """The module docstring's rule for one open claimed run."""
    if not run.worker_pid:
        return False
    if run.worker_host == HOST:
        alive = process_alive(int(run.worker_pid), run.claimed_at)
        if alive is not None:
            return not alive
    last = run.heartbeat_at or run.claimed_at
    stale = timedelta(seconds=float(settings.VERBUND_JOB_STALE_SECONDS))
    return last is None or last < (now or timezone.now()) - stale


# --- failing abandoned runs -------------------------------------------------------------------


def do_fail_run(
    kind: RunKind, pk: int, reason: str, *, only_if: Callable[[Any], bool] | None = None
) -> bool:
    """Mark one open run failed with ``reason`` (one transaction, one audit record) and fail
    the django-tasks job working on it. False when the run was no longer open (or ``only_if``
    said no after the row was locked)."""
    with transaction.atomic():
        run = kind.model.objects.select_for_update().filter(pk=pk).first()
        if run is None or run.status not in kind.open_statuses or (only_if and not only_if(run)):
            return False
        before = {"status": run.status, "worker": getattr(run, "worker", "")}
        fields = kind.fail(run, reason)
        run.save(update_fields=fields)
        audit.record(
            actor=None,
            action=f"{kind.model._meta.app_label}.run_failed",
            obj=run,
            before=before,
            after={"status": run.status, "reason": reason},
        )
        if kind.task_path:
            _fail_tasks(_tasks_of(kind, [pk]), reason)
    release(run)
    return True


def do_fail_abandoned_runs() -> list[str]:
    """The sweep: fail every open run whose process is gone, and every django-tasks job whose
    worker is gone (with the run it was working on). Returns a line per run failed."""
    failed: list[str] = []
    now = timezone.now()
    for kind in kinds():
        open_claimed = kind.model.objects.filter(
            status__in=kind.open_statuses, worker_pid__isnull=False
        ).only("pk", "status", *CLAIM_FIELDS)
        for run in list(open_claimed):
            if is_abandoned(run, now):
                reason = abandoned_reason(run.worker)
                if do_fail_run(kind, run.pk, reason, only_if=lambda r: is_abandoned(r, now)):
                    failed.append(f"{kind.label} #{run.pk}: {reason}")
    failed += _fail_orphaned_tasks()
    return failed


def _running_tasks() -> Any:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.running()


def _tasks_of(kind: RunKind, pks: Iterable[int]) -> list[Any]:
    wanted = set(pks)
    return [
        t
        for t in _running_tasks().filter(task_path=kind.task_path)
        if (t.args_kwargs.get("args") or [None])[0] in wanted
    ]


def _fail_tasks(tasks: list[Any], reason: str) -> None:
    for task in tasks:
        task.set_failed(WorkerLost(reason))


def _worker_gone(task: Any) -> str:
    """The worker (``host:pid``) of a running job if it is gone, else ''."""
    ids = task.worker_ids or []
    parts = str(ids[-1]).split(":") if ids else []
    if len(parts) < 3 or parts[0] != HOST[:40] or not parts[1].isdigit():
        return ""
    alive = process_alive(int(parts[1]), task.started_at)
    return f"{HOST}:{parts[1]}" if alive is False else ""


def _fail_orphaned_tasks() -> list[str]:
    failed = []
    by_path = {k.task_path: k for k in kinds() if k.task_path}
    for task in list(_running_tasks()):
        worker = _worker_gone(task)
        if not worker:
            continue
        reason = abandoned_reason(worker)
        kind = by_path.get(task.task_path)
        run_id = (task.args_kwargs.get("args") or [None])[0]
        if kind is not None and isinstance(run_id, int) and do_fail_run(kind, run_id, reason):
            failed.append(f"{kind.label} #{run_id}: {reason}")
        task.refresh_from_db()
        if task.status == "RUNNING":
            _fail_tasks([task], reason)
            failed.append(f"task {task.task_path} {task.pk}: {reason}")
    return failed


def sweep_quietly() -> list[str]:
    """The sweep for servers and workers: never stops them, logs what it failed."""
    try:
        failed = do_fail_abandoned_runs()
    except Exception:
        log.warning("sweeping abandoned runs failed:\n%s", traceback.format_exc())
        return []
    for line in failed:
        log.warning("%s", line)
    return failed


# How often the sweeper refreshes SQLite's planner statistics (core.bulk.refresh_all_statistics).
STATISTICS_SECONDS = 24 * 3600


def statistics_quietly() -> None:
    """SQLite's planner statistics refreshed; a failure is logged, never raised."""
    try:
        refresh_all_statistics()
    except Exception:
        log.warning("refreshing the planner statistics failed:\n%s", traceback.format_exc())


def start_sweeper() -> threading.Thread:
    """A daemon thread sweeping every ``VERBUND_JOB_SWEEP_SECONDS`` (after the first pause),
    and refreshing SQLite's planner statistics after its first sweep and then once a day."""

    def loop() -> None:
        due = 0.0
        while True:
            time.sleep(float(settings.VERBUND_JOB_SWEEP_SECONDS))
            sweep_quietly()
            if time.monotonic() >= due:
                statistics_quietly()
                due = time.monotonic() + STATISTICS_SECONDS
            connection.close()

    thread = threading.Thread(target=loop, name="job-sweeper", daemon=True)
    thread.start()
    return thread
