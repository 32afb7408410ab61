"""`verbund serve` runs a real WSGI server (gunicorn on Linux, waitress on request): pages, static
files, a proxy's forwarded scheme, background jobs, graceful restart and stop."""

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


CLI = [sys.executable, "-m", "verbund.cli"]


def env_for(tmp_path: Path) -> dict[str, str]:
    """The server's and the helper commands' environment: their own database and key file."""
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        SECRET_KEY_FILE=str(tmp_path / "secret"),
        DJANGO_SETTINGS_MODULE="verbund.settings",
    )
    for name in ("SECRET_KEY", "VERBUND_TASKS_IMMEDIATE"):
        env.pop(name, None)
    return env


@pytest.fixture(params=["gunicorn", "waitress"])
def server(request, tmp_path: Path):
    port = free_port()
    env = env_for(tmp_path)
    argv = [*CLI, "serve", f"127.0.0.1:{port}", "--migrate", "--server", request.param]
    argv += ["--threads", "2", "--workers", "2", "--trusted-proxy", "127.0.0.1"]
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    # Migrating a fresh database and booting the workers takes long on a busy shared machine.
    deadline = time.monotonic() + 240
    while True:
        try:
            urllib.request.urlopen(base + "/static/web/verbund.css", timeout=2).close()
            break
        except (urllib.error.URLError, ConnectionError):  # not listening yet
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                out = proc.stdout.read().decode() if proc.stdout else ""
                pytest.fail(f"verbund serve did not start:\n{out}")
            time.sleep(0.3)
    yield base, tmp_path, proc
    proc.terminate()
    proc.wait(timeout=60)


def test_it_serves_the_login_page_and_static_files(server):
    base, tmp_path, _ = server
    with urllib.request.urlopen(base + "/static/web/verbund.css") as resp:
        assert resp.status == 200
        assert resp.headers["Server"] == "Verbund"
        assert b"{" in resp.read()
    with urllib.request.urlopen(base + "/login/") as resp:
        assert resp.status == 200
        assert b"csrfmiddlewaretoken" in resp.read()
    # The signing key was made on first start and is readable by its owner only.
    assert (tmp_path / "secret").stat().st_mode & 0o077 == 0


def test_it_takes_scheme_and_host_from_the_trusted_proxy(server):
    base, tmp_path, _ = server
    env = env_for(tmp_path)
    make_user = (
        "from django.contrib.auth.models import Group, User\n"
        "from verbund.parties.actions import do_create_party\n"
        "u = User.objects.create_user('ops'); u.groups.add(Group.objects.get(name='viewer'))\n"
        "do_create_party(actor=u, kind='organisation', name='Alpha GmbH')\n"
        "do_create_party(actor=u, kind='organisation', name='Beta AG')\n"
    )
    subprocess.run([*CLI, "shell", "-c", make_user], env=env, check=True)
    token = subprocess.run(
        [*CLI, "token", "create", "ops"], env=env, check=True, capture_output=True, text=True
    ).stdout.strip()
    req = urllib.request.Request(
        base + "/api/v1/parties/?page_size=1",
        headers={
            "Authorization": f"Token {token}",
            "Accept": "application/json",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "localhost",
        },
    )
    with urllib.request.urlopen(req) as resp:
        page = json.loads(resp.read())
    # Links the API builds point to what the user's browser sees: https through the proxy.
    assert page["next"].startswith("https://localhost/api/v1/parties/?")


def test_it_runs_queued_background_jobs_in_its_job_worker(server):
    _, tmp_path, _ = server
    env = env_for(tmp_path)
    enqueue = (
        "from verbund.quality.actions import do_create_run\n"
        "from verbund.quality.tasks import run_dedupe\n"
        "run = do_create_run(actor=None, kind='organisation', threshold=0.9)\n"
        "run_dedupe.enqueue(run.pk)\n"
    )
    subprocess.run([*CLI, "shell", "-c", enqueue], env=env, check=True)
    db = sqlite3.connect(tmp_path / "serve.sqlite3")
    deadline = time.monotonic() + 60
    status = None
    while time.monotonic() < deadline:
        row = db.execute("SELECT status FROM django_tasks_database_dbtaskresult").fetchone()
        status = row[0] if row else None
        if status in ("SUCCESSFUL", "FAILED"):
            break
        time.sleep(0.5)
    db.close()
    assert status == "SUCCESSFUL"


def test_gunicorn_restarts_its_workers_on_hup_and_stops_gracefully_on_term(tmp_path: Path):
    port = free_port()
    argv = [*CLI, "serve", f"127.0.0.1:{port}", "--migrate", "--workers", "2", "--jobs", "1"]
    proc = subprocess.Popen(
        argv, env=env_for(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    children: set[int] = set()

    def wait_for(check, what: str) -> None:
        deadline = time.monotonic() + 90
        while not check():
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                out = proc.stdout.read().decode() if proc.stdout else ""
                pytest.fail(f"{what}:\n{out}")
            time.sleep(0.3)

    def answers() -> bool:
        try:
            urllib.request.urlopen(base + "/accounts/login/", timeout=5).close()
            return True
        except (urllib.error.URLError, ConnectionError):
            return False

    def kids() -> set[int]:
        out = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True)
        return {int(p) for p in out.stdout.split()}

    try:
        wait_for(answers, "verbund serve did not start")
        # Two web workers and one job worker, all children of the server.
        wait_for(lambda: len(kids()) == 3, "expected two web workers and a job worker")
        children = kids()
        proc.send_signal(signal.SIGHUP)
        # New web workers replace the old ones; the job worker stays; it never stops answering.
        wait_for(lambda: len(kids() - children) == 2 and len(kids()) == 3, "no new workers")
        assert answers()
    finally:
        proc.terminate()
        assert proc.wait(timeout=60) == 0
    left = [p for p in children if Path(f"/proc/{p}").exists()]
    assert left == []


def test_forwarded_headers_count_only_from_the_trusted_proxy():
    from verbund.core.management.commands.serve import ProxyHeaders

    seen: list[dict] = []
    wrapper = ProxyHeaders("10.0.0.1")
    wrapper.app = lambda environ, start_response: seen.append(dict(environ)) or []
    forwarded = {
        "HTTP_X_FORWARDED_FOR": "203.0.113.9, 198.51.100.7",
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_X_FORWARDED_HOST": "crm.example.org",
        "HTTP_HOST": "10.0.0.2:8000",
        "wsgi.url_scheme": "http",
    }
    wrapper({**forwarded, "REMOTE_ADDR": "10.0.0.1"}, None)
    wrapper({**forwarded, "REMOTE_ADDR": "192.0.2.66"}, None)
    proxied, direct = seen
    # The proxy's last hop is the client it saw; scheme and host are the browser's.
    assert proxied["REMOTE_ADDR"] == "198.51.100.7"
    assert proxied["wsgi.url_scheme"] == "https"
    assert proxied["HTTP_HOST"] == "crm.example.org"
    # Anyone else cannot claim an address, a scheme or a host.
    assert direct["REMOTE_ADDR"] == "192.0.2.66"
    assert direct["wsgi.url_scheme"] == "http"
    assert direct["HTTP_HOST"] == "10.0.0.2:8000"
    assert "HTTP_X_FORWARDED_FOR" not in direct
