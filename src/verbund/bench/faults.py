"""Fault test: an import and a worker killed with SIGKILL leave nothing half-written, their runs
are marked failed when a server or worker starts again, and the re-run succeeds (issue 21).

    python -m verbund.bench.faults                      # SQLite in a temporary folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x python -m verbund.bench.faults
                                                       # a scratch database on that server
    python -m verbund.bench.faults --database-url URL --no-migrate
                                                       # an existing, migrated, empty database

Scenario 1 kills `verbund import` in the middle of its transaction; `verbund serve` starting
again must mark the run failed. Scenario 2 kills a `verbund db_worker` in the middle of an
import job; the next worker must mark the run and its job failed. Both re-run the import.

Bounded: every wait has a deadline and the script stops by itself. Loopback only: it refuses a
database on another host and starts its server on 127.0.0.1. Prints each check and a last line
"N passed, M failed"; exits 0 when every check held.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

DEADLINE = 180.0  # seconds for any one wait
LOOPBACK = ("", "localhost", "::1", "[::1]")


class Checks:
    def __init__(self, label: str) -> None:
        self.label = label
        self.passed = 0
        self.failed = 0

    def say(self, text: str) -> None:
        print(f"[{self.label}] {text}", flush=True)

    def check(self, what: str, ok: bool, detail: str = "") -> bool:
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        print(
            f"[{self.label}]   {'ok  ' if ok else 'FAIL'} {what}{': ' + detail if detail else ''}",
            flush=True,
        )
        return ok


def _loopback(url: str) -> bool:
    if url.startswith("sqlite:"):
        return True
    host = urlsplit(url).hostname or ""
    return host in LOOPBACK or host.startswith("127.") or host.startswith("/")


@contextmanager
def _database(args: argparse.Namespace, tmp: Path) -> Iterator[tuple[str, str, bool]]:
    """(url, label, migrate?) of the database to break: the one given, a scratch database on
    DATABASE_URL's PostgreSQL server (dropped afterwards), or a SQLite file in ``tmp``."""
    if args.database_url:
        yield args.database_url, args.database_url.split(":", 1)[0], not args.no_migrate
        return
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres:", "postgresql:")):
        yield f"sqlite:///{tmp / 'faults.sqlite3'}", "sqlite", True
        return
    import psycopg

    parts = urlsplit(base)
    name = f"verbund_faults_{os.getpid()}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}")), "postgresql", True
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _wait(condition: Callable[[], Any], what: str, deadline: float = DEADLINE) -> Any:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise TimeoutError(f"gave up waiting for {what} after {deadline:.0f} s")


def _write_csv(path: Path, rows: int) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("external_id;name;city;postcode;parent\n")
        for i in range(rows):
            parent = f"K{i // 10}" if i >= 10 else ""
            fh.write(f"K{i};Fehler Test {i} GmbH;Köln;{50000 + i % 1000};{parent}\n")


class Lab:
    """Runs `verbund` commands against the database under test and reads it back."""

    def __init__(self, tmp: Path, env: dict[str, str]) -> None:
        self.tmp = tmp
        self.env = env
        self.logs = tmp / "logs"
        self.logs.mkdir()

    def start(self, name: str, *argv: str) -> subprocess.Popen[bytes]:
        log = open(self.logs / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        return subprocess.Popen(  # noqa: S603 - our own interpreter and command
            [sys.executable, "-m", "verbund", *argv],
            cwd=self.tmp, env=self.env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )  # fmt: skip

    def run(self, name: str, *argv: str) -> int:
        proc = self.start(name, *argv)
        try:
            return proc.wait(timeout=DEADLINE)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(encoding="utf-8", errors="replace")

    def progress(self, run_id: int) -> float:
        try:
            data = json.loads((self.tmp / "imports" / f"run-{run_id}.progress.json").read_text())
            return float(data.get("fraction", 0))
        except (OSError, ValueError):
            return 0.0


def _kill_in_the_middle(
    lab: Lab, proc: subprocess.Popen[bytes], find_run: Callable[[], Any]
) -> Any:
    """Wait until the run has written its party rows (progress from 0.6, "resolving
    references", inside the run's transaction), then SIGKILL ``proc``; the run, or None when the
    process finished first."""

    def writing() -> Any:
        run = find_run()
        if proc.poll() is not None:
            return "ended"
        if run is not None and run.status == "running" and 0.6 <= lab.progress(run.pk) < 1:
            return run
        return None

    run = _wait(writing, "the import to be half-way")
    if run == "ended":
        return None
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    return run


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def scenario_import_killed(lab: Lab, checks: Checks, csv: Path, rows: int) -> None:
    from verbund.core.models import AuditRecord
    from verbund.interfaces.models import ImportRun
    from verbund.parties.models import Party

    source = "faults-cli"
    checks.say(f"1. `verbund import` of {rows:,} parties, killed with SIGKILL half-way")
    proc = lab.start("import-killed", "import", "parties", str(csv), "--source", source)
    run = _kill_in_the_middle(
        lab, proc, lambda: ImportRun.objects.filter(source=source).order_by("-id").first()
    )
    if run is None:
        checks.check("the import was killed half-way", False, "it finished first: use more --rows")
        return
    checks.say(f"   killed pid {proc.pid} at {lab.progress(run.pk):.0%} of run #{run.pk}")
    written = Party.objects.filter(erp_source=source).count()
    audits = AuditRecord.objects.filter(action="import.parties", object_id=str(run.pk)).count()
    checks.check(
        "nothing half-written",
        written == 0 and audits == 0,
        f"{written} parties, {audits} audit records of the run",
    )
    run.refresh_from_db()
    checks.check(
        'before any restart the run still says "running"', run.status == "running", run.status
    )

    port = _free_port()
    server = lab.start("serve", "serve", f"127.0.0.1:{port}", "--jobs", "0", "--threads", "1")
    try:
        _wait(
            lambda: "listens on" in lab.log("serve") or server.poll() is not None,
            "the server to listen",
        )
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    run.refresh_from_db()
    reason = (run.report.get("errors") or [{}])[0].get("reason", "")
    checks.check(
        "`verbund serve` starting marks the run failed, with the reason",
        run.status == "failed" and "stopped before it finished" in reason,
        f"{run.status}: {reason}",
    )

    code = lab.run("import-rerun", "import", "parties", str(csv), "--source", source)
    again = ImportRun.objects.filter(source=source).order_by("-id").first()
    count = Party.objects.filter(erp_source=source).count()
    checks.check(
        "the re-run succeeds",
        code == 0 and again is not None and again.status == "done" and count == rows,
        f"exit {code}, run #{getattr(again, 'pk', '?')} {getattr(again, 'status', '?')}, {count:,} parties"
        + ("" if code == 0 else f"; it said: {lab.log('import-rerun').strip()[-600:]}"),
    )


def scenario_worker_killed(lab: Lab, checks: Checks, csv: Path, rows: int) -> None:
    from django_tasks_db.models import DBTaskResult

    from verbund.interfaces import actions
    from verbund.interfaces.models import ImportRun
    from verbund.interfaces.tasks import run_import
    from verbund.parties.models import Party

    source = "faults-worker"
    checks.say(
        f"2. `verbund db_worker` running an import job of {rows:,} parties, killed with SIGKILL half-way"
    )

    def queue() -> ImportRun:
        run = actions.do_create_run(actor=None, kind="parties", source=source, path=csv)
        run_import.enqueue(run.pk)
        return run

    queued = queue()
    worker = lab.start("worker-killed", "db_worker", "--no-startup-delay", "--interval", "0.1")
    run = _kill_in_the_middle(lab, worker, lambda: ImportRun.objects.filter(pk=queued.pk).first())
    if run is None:
        checks.check(
            "the worker was killed half-way", False, "the job finished first: use more --rows"
        )
        return
    checks.say(f"   killed worker pid {worker.pid} at {lab.progress(run.pk):.0%} of run #{run.pk}")
    job = (
        DBTaskResult.objects.filter(task_path="verbund.interfaces.tasks.run_import")
        .order_by("-enqueued_at")
        .first()
    )
    written = Party.objects.filter(erp_source=source).count()
    checks.check("nothing half-written", written == 0, f"{written} parties")
    run.refresh_from_db()
    checks.check(
        'before any restart the run and its job say "running"',
        run.status == "running" and job is not None and job.status == "RUNNING",
        f"run {run.status}, job {getattr(job, 'status', '?')}",
    )

    code = lab.run("worker-sweep", "db_worker", "--batch", "--no-startup-delay")
    run.refresh_from_db()
    reason = (run.report.get("errors") or [{}])[0].get("reason", "")
    job = DBTaskResult.objects.get(pk=job.pk) if job is not None else None
    checks.check(
        "the next worker marks the run failed, with the reason",
        code == 0 and run.status == "failed" and "stopped before it finished" in reason,
        f"{run.status}: {reason}",
    )
    checks.check(
        "and its job failed (not RUNNING for ever)",
        job is not None and job.status == "FAILED",
        f"{getattr(job, 'status', '?')} {getattr(job, 'exception_class_path', '')}",
    )

    again = queue()
    code = lab.run("worker-rerun", "db_worker", "--batch", "--no-startup-delay")
    again.refresh_from_db()
    count = Party.objects.filter(erp_source=source).count()
    checks.check(
        "the re-run succeeds",
        code == 0 and again.status == "done" and count == rows,
        f"exit {code}, run #{again.pk} {again.status}, {count:,} parties",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m verbund.bench.faults", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--database-url", default="", help="an existing database (default: a scratch one)"
    )
    parser.add_argument(
        "--no-migrate", action="store_true", help="the database is migrated already"
    )
    parser.add_argument("--rows", type=int, default=30_000, help="parties per import file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs)")
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="verbund-faults-"))
    checks = Checks("?")
    try:
        with _database(args, tmp) as (url, label, migrate):
            checks.label = label
            if not _loopback(url):
                print(f"refused: {url.split('@')[-1]} is not on this machine (loopback only)")
                return 2
            env = {
                **os.environ, "DATABASE_URL": url, "VERBUND_IMPORT_DIR": str(tmp / "imports"),
                "SECRET_KEY": secrets.token_urlsafe(32), "VERBUND_LANGUAGE": "en", "LOG_LEVEL": "ERROR",
                "VERBUND_JOB_SWEEP_SECONDS": "3600", "DJANGO_SETTINGS_MODULE": "verbund.settings",
            }  # fmt: skip
            env.pop("VERBUND_TASKS_IMMEDIATE", None)
            os.environ.update(env)
            import django

            django.setup()
            from django.utils import translation

            translation.activate("en")
            lab = Lab(tmp, env)
            if migrate:
                started = time.monotonic()
                code = lab.run("migrate", "migrate", "--no-input")
                checks.say(f"database migrated in {time.monotonic() - started:.1f} s (exit {code})")
                if code:
                    print(lab.log("migrate"))
                    return 1
            csv = tmp / "parties.csv"
            _write_csv(csv, args.rows)
            scenario_import_killed(lab, checks, csv, args.rows)
            scenario_worker_killed(lab, checks, csv, args.rows)
    except TimeoutError as exc:
        checks.check("bounded waits", False, str(exc))
    finally:
        if args.keep:
            print(f"logs kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"{checks.passed} passed, {checks.failed} failed")
    return 0 if checks.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
