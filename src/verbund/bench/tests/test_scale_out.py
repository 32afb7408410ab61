"""Scale-out on one PostgreSQL (issue 23.6): two web servers and two job workers share the
database queue. Jobs queued at once through both servers (duplicate searches, screening runs)
and from the command line (imports) each run exactly once; a worker killed with SIGKILL in the
middle of an import leaves its run and job failed, never run a second time."""

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only"),
    pytest.mark.django_db(transaction=True),
]

DEADLINE = 240.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(
    condition: Callable[[], Any], what: str, deadline: float = DEADLINE, poll: float = 0.2
) -> Any:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(poll)
    raise AssertionError(f"gave up waiting for {what} after {deadline:.0f} s")


def _csv(path: Path, prefix: str, rows: int) -> Path:
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("external_id;name;city;postcode\n")
        for i in range(rows):
            fh.write(f"{prefix}{i};{prefix} Handel {i} GmbH;Köln;{50000 + i % 1000}\n")
    return path


class Cluster:
    """The processes under test, each logging to its own file; all stopped at the end."""

    def __init__(self, tmp: Path) -> None:
        db = connection.settings_dict
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        url = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        self.tmp = tmp
        self.env = {
            **os.environ, "DATABASE_URL": url, "SECRET_KEY": secrets.token_urlsafe(32),
            "VERBUND_IMPORT_DIR": str(tmp / "imports"), "LOG_LEVEL": "ERROR", "VERBUND_LANGUAGE": "en",
            "VERBUND_JOB_SWEEP_SECONDS": "2", "VERBUND_JOB_HEARTBEAT_SECONDS": "1",
            "DJANGO_SETTINGS_MODULE": "verbund.settings",
        }  # fmt: skip
        self.env.pop("VERBUND_TASKS_IMMEDIATE", None)
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, *argv: str) -> subprocess.Popen[bytes]:
        log = open(self.tmp / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(
            [sys.executable, "-m", "verbund", *argv],
            cwd=self.tmp, env=self.env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )  # fmt: skip
        self.procs[name] = proc
        return proc

    def run(self, name: str, *argv: str) -> str:
        proc = self.start(name, *argv)
        assert proc.wait(timeout=DEADLINE) == 0, self.log(name)
        return self.log(name)

    def log(self, name: str) -> str:
        return (self.tmp / f"{name}.log").read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _api(base: str, token: str, path: str, body: dict[str, Any] | None = None) -> Any:
    request = urllib.request.Request(
        base + path,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        method="POST" if body is not None else "GET",
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


QUEUE_IMPORT = (
    "from verbund.interfaces.actions import do_create_run\n"
    "from verbund.interfaces.tasks import run_import\n"
    "for path in %r:\n"
    "    run = do_create_run(actor=None, kind='parties', source=path.rsplit('/', 1)[-1][:-4], path=path)\n"
    "    run_import.enqueue(run.pk)\n"
)


def test_two_servers_and_two_workers_run_every_job_exactly_once_and_a_killed_job_never_twice(
    tmp_path: Path,
) -> None:
    from django_tasks_db.models import DBTaskResult

    from verbund.compliance.models import ScreeningRun
    from verbund.core.models import AuditRecord
    from verbund.interfaces.models import ImportRun
    from verbund.parties.models import Party
    from verbund.quality.models import DedupeRun

    (tmp_path / "imports").mkdir()
    cluster = Cluster(tmp_path)
    connection.close()
    try:
        cluster.run(
            "user",
            "shell",
            "-c",
            "from django.contrib.auth.models import Group, User\n"
            "u = User.objects.create_user('ops'); u.groups.add(Group.objects.get(name='admin'))\n",
        )
        token = cluster.run("token", "token", "create", "ops").strip().splitlines()[-1]
        bases = []
        for name in ("web-a", "web-b"):
            port = _free_port()
            cluster.start(name, "serve", f"127.0.0.1:{port}", "--workers", "1", "--threads", "2", "--jobs", "0")  # fmt: skip
            bases.append(f"http://127.0.0.1:{port}")
        for base, name in zip(bases, ("web-a", "web-b"), strict=True):
            _wait(lambda b=base: _answers(b, token), f"{name} to answer: {cluster.log(name)}")

        # Everything queued at once: imports from two shells, duplicate searches and screening
        # runs through both servers.
        files = [str(_csv(tmp_path / f"scale{i}.csv", f"S{i}x", 300)) for i in range(4)]
        shells = [
            cluster.start(f"queue-{i}", "shell", "-c", QUEUE_IMPORT % files[i::2]) for i in (0, 1)
        ]
        posts: list[Any] = []

        def post(base: str, path: str, body: dict[str, Any]) -> None:
            posts.append(_api(base, token, path, body))

        threads = [
            threading.Thread(target=post, args=(base, path, body))
            for base in bases
            for path, body in (
                ("/api/v1/quality/runs/", {"kind": "organisation", "threshold": 0.9}),
                ("/api/v1/quality/runs/", {"kind": "person", "threshold": 0.9}),
                ("/api/v1/compliance/runs/", {}),
            )
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        for shell in shells:
            assert shell.wait(timeout=DEADLINE) == 0
        assert len(posts) == 6
        for name in ("worker-1", "worker-2"):
            cluster.start(name, "db_worker", "--queue-name", "*", "--no-startup-delay", "--interval", "0.2")  # fmt: skip

        def all_finished() -> bool:
            jobs = list(DBTaskResult.objects.all())
            return len(jobs) == 10 and all(j.status in ("SUCCESSFUL", "FAILED") for j in jobs)

        _wait(all_finished, "the ten jobs to finish")
        jobs = list(DBTaskResult.objects.all())
        for j in sorted(jobs, key=lambda j: j.enqueued_at):
            print(f"{j.task_path.rsplit('.', 1)[-1]:16} {j.status:10} taken by {j.worker_ids}")
        assert {j.status for j in jobs} == {"SUCCESSFUL"}
        # Each job was taken by one worker once; both workers took jobs.
        assert all(len(j.worker_ids) == 1 for j in jobs)
        assert len({j.worker_ids[0] for j in jobs}) == 2
        for run in ImportRun.objects.all():
            assert run.status == "done", (run.pk, run.status)
            assert (
                AuditRecord.objects.filter(action="import.parties", object_id=str(run.pk)).count()
                == 1
            )
            assert Party.objects.filter(erp_source=run.source).count() == 300
        assert ImportRun.objects.count() == 4
        assert sorted(DedupeRun.objects.values_list("status", flat=True)) == ["done"] * 4
        screening = list(ScreeningRun.objects.all())
        assert len(screening) == 2 and {r.status for r in screening} == {"finished"}
        for run in screening:
            assert (
                AuditRecord.objects.filter(
                    action="compliance.screen_run", object_id=str(run.pk)
                ).count()
                == 1
            )

        # A worker killed with SIGKILL in the middle of an import: the other worker's sweep fails
        # the run and its job; nobody runs it again.
        # Large enough that the window between "rows written" and "committed" outlasts a few
        # polls on an idle machine too (20,000 rows closed it between two polls).
        big = str(_csv(tmp_path / "killed.csv", "K", 100_000))
        cluster.run("queue-big", "shell", "-c", QUEUE_IMPORT % [big])
        run = ImportRun.objects.get(source="killed")

        def half_way() -> Any:
            run.refresh_from_db()
            try:
                progress = json.loads(
                    (tmp_path / "imports" / f"run-{run.pk}.progress.json").read_text()
                )
            except (OSError, ValueError):
                return None
            assert run.status in ("queued", "running"), f"the import ended first: {run.status}"
            return run.status == "running" and 0.6 <= float(progress.get("fraction", 0)) < 1

        _wait(half_way, "the big import to be half-way", poll=0.05)
        victim = next(n for n in ("worker-1", "worker-2") if cluster.procs[n].pid == run.worker_pid)
        killed = run.worker_pid
        os.kill(killed, signal.SIGKILL)
        cluster.procs[victim].wait()
        job = DBTaskResult.objects.get(
            task_path="verbund.interfaces.tasks.run_import", args_kwargs__args=[run.pk]
        )
        _wait(
            lambda: ImportRun.objects.get(pk=run.pk).status == "failed", "the sweep to fail the run"
        )
        time.sleep(5)  # the surviving worker keeps polling: it must not take the job again
        run.refresh_from_db()
        job.refresh_from_db()
        assert run.status == "failed"
        # The reason names the killed process (in the workers' language).
        assert f":{killed})" in run.report["errors"][0]["reason"]
        assert job.status == "FAILED" and len(job.worker_ids) == 1
        assert Party.objects.filter(erp_source="killed").count() == 0
        assert (
            AuditRecord.objects.filter(action="import.parties", object_id=str(run.pk)).count() == 0
        )
        survivor = "worker-2" if victim == "worker-1" else "worker-1"
        assert cluster.procs[survivor].poll() is None
    finally:
        cluster.stop()
        connection.close()


def _answers(base: str, token: str) -> bool:
    try:
        _api(base, token, "/api/v1/parties/?page_size=1")
        return True
    except OSError:
        return False
