"""`verbund serve`: serve the app with waitress, a production WSGI server in pure Python.

Waitress runs the same on Linux and Windows servers, needs no compiler and no separate process
manager, and buffers slow clients so a thread is never held by one. Static files come from
WhiteNoise inside the application. `--reload` switches to Django's development server.

Background jobs (imports, duplicate searches, screening runs) are taken from the database queue
by `--jobs` threads of this process, so a single-server installation needs one command; larger
ones run `verbund db_worker` processes beside it and start the web servers with `--jobs 0`.

On start, and every VERBUND_JOB_SWEEP_SECONDS after, the server fails the runs whose process
is gone (killed, crashed; see ``core.jobs``), so no run stays "running" for ever.
"""

import threading
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from verbund.core import jobs
from verbund.core.management.base import VerbundCommand, gettext_lazy


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
            "--threads",
            type=int,
            default=8,
            help=gettext_lazy("Requests served at once (default 8)."),
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=1,
            help=gettext_lazy(
                "Threads that run background jobs in this process (0: `verbund db_worker` does)."
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
        if options["threads"] < 1:
            raise CommandError(_("threads (--threads): must be at least 1."))
        if options["jobs"] < 0:
            raise CommandError(_("jobs (--jobs): must be 0 or more."))
        for line in jobs.sweep_quietly():
            self.stderr.write(line)
        jobs.start_sweeper()
        if settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend":
            for n in range(options["jobs"]):
                start_job_thread(n)

        from waitress import serve

        from verbund.wsgi import application

        server: dict[str, Any] = {"threads": options["threads"], "ident": "Verbund"}
        if options["trusted_proxy"]:
            server.update(
                trusted_proxy=options["trusted_proxy"],
                trusted_proxy_headers={"x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"},
                clear_untrusted_proxy_headers=True,
            )
        listen = " ".join(options["addrport"])
        self.stdout.write(
            _("Verbund listens on %(url)s (Ctrl+C stops)") % {"url": f"http://{listen.split()[0]}/"}
        )
        self.stdout.flush()
        serve(application, listen=listen, **server)


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
