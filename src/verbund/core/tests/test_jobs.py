"""Runs whose process is gone are failed, with a reason, by the sweep of servers and workers;
so are their django-tasks jobs (issue 21, point 6)."""

import datetime as dt
import os
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from verbund.compliance.models import RunTrigger, ScreeningRun
from verbund.core import jobs
from verbund.core.models import AuditRecord
from verbund.interfaces import actions
from verbund.interfaces.models import ImportRun
from verbund.quality.models import DedupeRun

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def dead_pid() -> int:
    """The id of a process that has just ended (and was reaped)."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def import_run(tmp_path: Path, **claim) -> ImportRun:
    path = tmp_path / "p.csv"
    path.write_text("id;name\nK1;A GmbH\n", encoding="utf-8")
    run = actions.do_create_run(actor=None, kind="parties", source="erp", path=path)
    ImportRun.objects.filter(pk=run.pk).update(status="running", started_at=timezone.now(), **claim)
    run.refresh_from_db()
    return run


def test_a_run_whose_process_is_gone_is_failed_with_a_reason(tmp_path: Path) -> None:
    pid = dead_pid()
    run = import_run(
        tmp_path,
        worker_host=jobs.HOST,
        worker_pid=pid,
        claimed_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )
    failed = jobs.do_fail_abandoned_runs()
    run.refresh_from_db()
    assert run.status == "failed" and run.finished_at is not None
    reason = run.report["errors"][0]["reason"]
    assert reason.startswith(
        f"The process running this job ({jobs.HOST}:{pid}) stopped before it finished"
    )
    assert run.counts["errors"] == 1
    assert failed == [f"interfaces.importrun #{run.pk}: {reason}"]
    record = AuditRecord.objects.get(action="interfaces.run_failed")
    assert record.object_id == str(run.pk) and record.after["status"] == "failed"
    assert jobs.do_fail_abandoned_runs() == []  # once is enough


def test_the_reason_is_german_in_the_german_installation(tmp_path: Path) -> None:
    run = import_run(
        tmp_path, worker_host=jobs.HOST, worker_pid=dead_pid(), claimed_at=timezone.now()
    )
    with translation.override("de"):
        jobs.do_fail_abandoned_runs()
    run.refresh_from_db()
    assert "wurde beendet, bevor er fertig war" in run.report["errors"][0]["reason"]


def test_a_run_of_a_live_process_is_left_alone(tmp_path: Path) -> None:
    run = import_run(
        tmp_path,
        worker_host=jobs.HOST,
        worker_pid=os.getpid(),
        claimed_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )
    assert jobs.do_fail_abandoned_runs() == []
    run.refresh_from_db()
    assert run.status == "running"


def test_a_process_id_reused_after_the_claim_does_not_keep_the_run_alive(tmp_path: Path) -> None:
    # This test's own process took the id after the run was claimed (a restarted container).
    claimed = timezone.now() - dt.timedelta(days=3)
    run = import_run(tmp_path, worker_host=jobs.HOST, worker_pid=os.getpid(), claimed_at=claimed)
    jobs.do_fail_abandoned_runs()
    run.refresh_from_db()
    assert run.status == "failed"


def test_a_run_of_another_host_fails_only_when_its_heartbeat_is_stale(
    tmp_path: Path, settings
) -> None:
    settings.VERBUND_JOB_STALE_SECONDS = 300
    now = timezone.now()
    fresh = import_run(
        tmp_path, worker_host="elsewhere", worker_pid=1, claimed_at=now, heartbeat_at=now
    )
    stale = import_run(
        tmp_path, worker_host="elsewhere", worker_pid=1, claimed_at=now,
        heartbeat_at=now - dt.timedelta(seconds=301),
    )  # fmt: skip
    jobs.do_fail_abandoned_runs()
    fresh.refresh_from_db()
    stale.refresh_from_db()
    assert fresh.status == "running" and stale.status == "failed"


def test_unclaimed_and_finished_runs_are_not_touched(tmp_path: Path) -> None:
    queued = import_run(tmp_path)
    ImportRun.objects.filter(pk=queued.pk).update(status="queued")
    done = import_run(
        tmp_path, worker_host=jobs.HOST, worker_pid=dead_pid(), claimed_at=timezone.now()
    )
    ImportRun.objects.filter(pk=done.pk).update(status="done")
    assert jobs.do_fail_abandoned_runs() == []


def test_duplicate_and_screening_runs_of_a_dead_process_are_failed() -> None:
    claim = {"worker_host": jobs.HOST, "worker_pid": dead_pid(), "claimed_at": timezone.now()}
    dedupe = DedupeRun.objects.create(status="running", **claim)
    screening = ScreeningRun.objects.create(
        trigger=RunTrigger.ALL, threshold=0.7, status="running", **claim
    )
    jobs.do_fail_abandoned_runs()
    dedupe.refresh_from_db()
    screening.refresh_from_db()
    assert dedupe.status == "failed" and "stopped before it finished" in dedupe.error
    assert screening.status == "failed" and "stopped before it finished" in screening.error


def test_the_job_of_a_dead_worker_is_failed_with_the_run_it_was_working_on(tmp_path: Path) -> None:
    run = import_run(tmp_path)
    ImportRun.objects.filter(pk=run.pk).update(status="queued")  # the worker died before the claim
    pid = dead_pid()
    job = DBTaskResult.objects.create(
        task_path="verbund.interfaces.tasks.run_import", args_kwargs={"args": [run.pk], "kwargs": {}},
        backend_name="default", status="RUNNING", started_at=timezone.now(),
        worker_ids=[f"{jobs.HOST}:{pid}:worker"],
    )  # fmt: skip
    live = DBTaskResult.objects.create(
        task_path="verbund.interfaces.tasks.run_import", args_kwargs={"args": [0], "kwargs": {}},
        backend_name="default", status="RUNNING", started_at=timezone.now(),
        worker_ids=[jobs.worker_id("serve-0")],
    )  # fmt: skip
    jobs.do_fail_abandoned_runs()
    job.refresh_from_db()
    live.refresh_from_db()
    run.refresh_from_db()
    assert job.status == "FAILED" and job.exception_class_path == "verbund.core.jobs.WorkerLost"
    assert live.status == "RUNNING"
    assert run.status == "failed"


def test_failing_a_run_fails_its_running_job_too(tmp_path: Path) -> None:
    run = import_run(
        tmp_path,
        worker_host="elsewhere",
        worker_pid=7,
        claimed_at=timezone.now() - dt.timedelta(hours=1),
    )
    job = DBTaskResult.objects.create(
        task_path="verbund.interfaces.tasks.run_import", args_kwargs={"args": [run.pk], "kwargs": {}},
        backend_name="default", status="RUNNING", started_at=timezone.now(), worker_ids=["elsewhere:7:worker"],
    )  # fmt: skip
    jobs.do_fail_abandoned_runs()
    job.refresh_from_db()
    assert job.status == "FAILED"


def test_an_import_run_claims_its_process_and_the_heartbeat_refreshes_it(
    tmp_path: Path, monkeypatch
) -> None:
    path = tmp_path / "p.csv"
    path.write_text("id;name\nK1;A GmbH\n", encoding="utf-8")
    run = actions.do_create_run(actor=None, kind="parties", source="erp", path=path)
    seen = {}

    def during(*args, **kwargs):
        row = ImportRun.objects.get(pk=run.pk)
        ImportRun.objects.filter(pk=run.pk).update(
            heartbeat_at=timezone.now() - dt.timedelta(hours=1)
        )
        seen["claim"] = (row.worker_host, row.worker_pid, row.status)
        seen["beats"] = jobs.beat()
        seen["heartbeat"] = ImportRun.objects.get(pk=run.pk).heartbeat_at
        return original(*args, **kwargs)

    original = actions._dispatch
    monkeypatch.setattr(actions, "_dispatch", during)
    actions.do_execute_run(run)
    assert seen["claim"] == (jobs.HOST, os.getpid(), "running")
    assert seen["beats"] == 1
    assert seen["heartbeat"] > timezone.now() - dt.timedelta(minutes=1)
    assert jobs.beat() == 0  # the run is done: nothing more to beat for
    assert ("interfaces.importrun", run.pk) not in jobs._claimed


def test_an_unexpected_error_in_an_import_job_fails_the_run(tmp_path: Path, monkeypatch) -> None:
    from verbund.interfaces import tasks

    path = tmp_path / "p.csv"
    path.write_text("id;name\nK1;A GmbH\n", encoding="utf-8")
    run = actions.do_create_run(actor=None, kind="parties", source="erp", path=path)

    def broken(*args, **kwargs):
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(actions, "_dispatch", broken)
    result = tasks.run_import.enqueue(run.pk)
    run.refresh_from_db()
    assert run.status == "failed"
    assert run.report["errors"][0]["reason"] == "RuntimeError: the disk went away"
    assert result.errors  # the job failed too, with its traceback
