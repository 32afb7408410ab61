"""`verbund serve`: serve the app on every core (decision 0022; waitress before, 0014).

On Linux and other POSIX systems this is gunicorn with threaded workers (``gthread``): one
process per core (``--workers``), each serving ``--threads`` requests at once, so requests no
longer queue behind one interpreter's lock. The kernel's listen backlog (``--backlog``) holds a
burst of new connections instead of refusing them, and kept-alive connections wait in each
worker's poller, not in a thread. SIGHUP starts fresh workers and lets the old ones finish
their requests; SIGTERM stops gracefully (``--graceful-timeout``); Ctrl+C stops at once.
Where gunicorn cannot run (Windows), and with ``--server waitress``, waitress serves as before:
one process, ``--threads`` threads. Static files come from WhiteNoise inside the application.
`--reload` switches to Django's development server.

With PostgreSQL each process takes its connections from a psycopg pool sized to its threads,
so the installation holds at most workers times threads connections (plus the job workers').

Background jobs (imports, duplicate searches, screening runs) are taken from the database queue
by ``--jobs`` workers: with gunicorn they are `verbund db_worker` processes started and stopped
with the server (a job never competes with requests for a web worker's interpreter), with
waitress threads of its process. Larger installations run `verbund db_worker` on their own and
start the web servers with ``--jobs 0``.

On start the server fails the runs whose process is gone (killed, crashed; see ``core.jobs``);
the job workers repeat that every VERBUND_JOB_SWEEP_SECONDS, so no run stays "running" for ever.
"""

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError, CommandParser
from django.db import connections
from django.utils.translation import gettext as _

from verbund.core import jobs
from verbund.core.management.base import VerbundCommand, gettext_lazy

SERVERS = ("auto", "gunicorn", "waitress")
FORWARDED = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST")


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def gunicorn_available() -> bool:
    if os.name != "posix":
        return False
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        return False
    return True


class Command(VerbundCommand):
    help = gettext_lazy("Serve Verbund over HTTP (default 127.0.0.1:8000).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "addrport",
            nargs="*",
            default=["127.0.0.1:8000"],
            help=gettext_lazy("HOST:PORT to listen on"),
        )
        parser.add_argument(
            "--migrate", action="store_true", help=gettext_lazy("Apply migrations first.")
        )
        parser.add_argument(
            "--server",
            choices=SERVERS,
            default="auto",
            help=gettext_lazy(
                "gunicorn (several processes; the default where it runs) or waitress (one process; Windows)."
            ),
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=0,
            help=gettext_lazy("Server processes (gunicorn; default: one per core)."),
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=0,
            help=gettext_lazy(
                "Requests served at once per process (default 4 with gunicorn, 8 with waitress)."
            ),
        )
        parser.add_argument(
            "--backlog",
            type=int,
            default=2048,
            help=gettext_lazy(
                "Connections the system holds while all threads are busy (gunicorn)."
            ),
        )
        parser.add_argument(
            "--graceful-timeout",
            type=int,
            default=30,
            help=gettext_lazy("Seconds running requests get to finish on stop or restart."),
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=1,
            help=gettext_lazy(
                "Background job workers started with the server (0: `verbund db_worker` runs elsewhere)."
            ),
        )
        parser.add_argument(
            "--trusted-proxy",
            metavar="ADDRESS",
            help=gettext_lazy(
                "Address of the TLS reverse proxy whose X-Forwarded-For/-Proto/-Host to trust."
            ),
        )
        parser.add_argument(
            "--reload",
            action="store_true",
            help=gettext_lazy("Development: Django's server, restarting when code changes."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        if options["reload"]:
            call_command("runserver", options["addrport"][0], use_reloader=True)
            return
        server = options["server"]
        if server == "auto":
            server = "gunicorn" if gunicorn_available() else "waitress"
        elif server == "gunicorn" and not gunicorn_available():
            raise CommandError(_("server (--server): gunicorn does not run here; use waitress."))
        threads = options["threads"] or (4 if server == "gunicorn" else 8)
        workers = options["workers"] or cores()
        if threads < 1:
            raise CommandError(_("threads (--threads): must be at least 1."))
        if workers < 1:
            raise CommandError(_("workers (--workers): must be at least 1."))
        if options["jobs"] < 0:
            raise CommandError(_("jobs (--jobs): must be 0 or more."))
        if options["backlog"] < 1:
            raise CommandError(_("backlog (--backlog): must be at least 1."))
        for line in jobs.sweep_quietly():
            self.stderr.write(line)
        use_pool(threads)
        listen = " ".join(options["addrport"])
        message = _("Verbund listens on %(url)s (Ctrl+C stops)") % {
            "url": f"http://{listen.split()[0]}/"
        }
        if server == "gunicorn":
            self.serve_gunicorn(options, workers, threads, message)
        else:
            self.serve_waitress(options, threads, message)

    def serve_waitress(self, options: dict[str, Any], threads: int, message: str) -> None:
        from waitress import serve

        from verbund.wsgi import application

        jobs.start_sweeper()
        if settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend":
            for n in range(options["jobs"]):
                start_job_thread(n)
        server: dict[str, Any] = {"threads": threads, "ident": "Verbund"}
        if options["trusted_proxy"]:
            server.update(
                trusted_proxy=options["trusted_proxy"],
                trusted_proxy_headers={"x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"},
                clear_untrusted_proxy_headers=True,
            )
        self.stdout.write(message)
        self.stdout.flush()
        serve(application, listen=" ".join(options["addrport"]), **server)

    def serve_gunicorn(
        self, options: dict[str, Any], workers: int, threads: int, message: str
    ) -> None:
        import gunicorn.http.wsgi

        # The Server header names the product, not the server software and its version.
        gunicorn.http.wsgi.SERVER = "Verbund"  # type: ignore[attr-defined]
        # Workers are forked from this process: no connection or pool may cross the fork.
        close_connections()
        job_workers = JobWorkers(
            options["jobs"]
            if settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
            else 0
        )
        proxy = options["trusted_proxy"] or ""
        config = {
            "bind": [normalise_bind(a) for a in options["addrport"]],
            "workers": workers,
            "worker_class": "gthread",
            "threads": threads,
            "backlog": options["backlog"],
            # Browsers and the proxy keep connections open between clicks.
            "keepalive": 5,
            # gthread workers beat from their main loop, so a long request does not count.
            "timeout": 120,
            "graceful_timeout": options["graceful_timeout"],
            "forwarded_allow_ips": proxy,
            "secure_scheme_headers": {"X-FORWARDED-PROTO": "https"},
            "proc_name": "verbund",
            "errorlog": "-",
            "loglevel": "warning",
            # One control socket per user would be shared by every server on the machine.
            "control_socket_disable": True,
            "when_ready": lambda _arbiter: job_workers.start(),
            "post_fork": lambda _arbiter, _worker: close_connections(),
            "on_exit": lambda _arbiter: job_workers.stop(),
        }
        self.stdout.write(message)
        self.stdout.flush()
        try:
            gunicorn_server(config, ProxyHeaders(proxy)).run()
        finally:
            job_workers.stop()


def normalise_bind(addrport: str) -> str:
    """gunicorn wants ``host:port``; a bare port means all addresses as with waitress."""
    return f"0.0.0.0:{addrport}" if addrport.isdigit() else addrport


def use_pool(threads: int) -> None:
    """PostgreSQL: this process's connections come from a psycopg pool of ``threads`` (unless
    VERBUND_DB_POOL_SIZE sized it in the settings, or 0 turned it off). Django refuses a pool together with
    persistent connections, so CONN_MAX_AGE becomes 0."""
    for alias in connections:
        db = connections.settings[alias]
        if db["ENGINE"] != "django.db.backends.postgresql":
            continue
        options = db.setdefault("OPTIONS", {})
        if "pool" in options or os.environ.get("VERBUND_DB_POOL_SIZE", "") == "0":
            continue
        # The connection opened without a pool (the sweep's) must close before the pool is on.
        connections[alias].close()
        options["pool"] = {"min_size": 1, "max_size": threads, "timeout": 30}
        db["CONN_MAX_AGE"] = 0


def close_connections() -> None:
    for conn in connections.all(initialized_only=True):
        conn.close()
        if hasattr(conn, "close_pool"):
            conn.close_pool()


class ProxyHeaders:
    """WSGI wrapper for gunicorn, as waitress does with ``trusted_proxy``: from the trusted proxy,
    the client's address (last X-Forwarded-For entry), scheme and host; from anyone else these
    headers are dropped, so nobody can claim another address for the login lockout."""

    def __init__(self, proxy: str) -> None:
        self.proxy = proxy
        self.app: Callable[..., Any] | None = None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        assert self.app is not None
        if self.proxy and environ.get("REMOTE_ADDR") == self.proxy:
            forwarded_for = environ.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
            if forwarded_for:
                environ["REMOTE_ADDR"] = forwarded_for
            proto = environ.get("HTTP_X_FORWARDED_PROTO", "").split(",")[-1].strip().lower()
            if proto in ("http", "https"):
                environ["wsgi.url_scheme"] = proto
            host = environ.get("HTTP_X_FORWARDED_HOST", "").split(",")[-1].strip()
            if host:
                environ["HTTP_HOST"] = host
        else:
            for name in FORWARDED:
                environ.pop(name, None)
        return self.app(environ, start_response)


def gunicorn_server(config: dict[str, Any], wrapper: ProxyHeaders) -> Any:
    """gunicorn run in this process (its arbiter), configured from the command's options."""
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in config.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from verbund.wsgi import application

            wrapper.app = application
            return wrapper

    return Server()


class JobWorkers:
    """``n`` `verbund db_worker` processes beside gunicorn: started when it is ready, started
    again if one ends, stopped (SIGTERM: the current job finishes) when it stops."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.procs: list[subprocess.Popen[bytes]] = []
        self.stopping = threading.Event()
        self.lock = threading.Lock()

    def command(self) -> list[str]:
        return [sys.executable, "-m", "verbund", "db_worker", "--queue-name", "*"]

    def spawn(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen(self.command(), start_new_session=False)  # noqa: S603 - our own interpreter and command

    def start(self) -> None:
        if not self.n or self.procs:
            return
        with self.lock:
            self.procs = [self.spawn() for _ in range(self.n)]
        threading.Thread(target=self.watch, name="job-workers", daemon=True).start()

    def watch(self) -> None:
        while not self.stopping.wait(2.0):
            with self.lock:
                for i, proc in enumerate(self.procs):
                    # gunicorn's arbiter may reap the child first: poll() then says 0.
                    if proc.poll() is not None and not self.stopping.is_set():
                        self.procs[i] = self.spawn()

    def stop(self) -> None:
        if self.stopping.is_set():
            return
        self.stopping.set()
        with self.lock:
            procs = list(self.procs)
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
        _wait_all(procs, 30.0)


def _wait_all(procs: Iterable[subprocess.Popen[bytes]], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    for proc in procs:
        try:
            proc.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()


def start_job_thread(n: int) -> threading.Thread:
    """A daemon thread running django-tasks-db's worker loop on every queue of the database."""
    from django_tasks_db.management.commands.db_worker import Worker

    worker = Worker(
        queue_names=["*"],
        interval=1.0,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=jobs.worker_id(f"serve-{n}"),
        excluded_queue_names=[],
    )
    thread = threading.Thread(target=worker.run, name=f"jobs-{n}", daemon=True)
    thread.start()
    return thread
