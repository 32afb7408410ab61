"""`verbund serve`: serve the app with waitress, a production WSGI server in pure Python.

Waitress runs the same on Linux and Windows servers, needs no compiler and no separate process
manager, and buffers slow clients so a thread is never held by one. Static files come from
WhiteNoise inside the application. `--reload` switches to Django's development server.
"""

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Serve Verbund over HTTP (default 127.0.0.1:8000)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "addrport", nargs="*", default=["127.0.0.1:8000"], help="HOST:PORT to listen on"
        )
        parser.add_argument("--migrate", action="store_true", help="Apply migrations first.")
        parser.add_argument(
            "--threads", type=int, default=8, help="Requests served at once (default 8)."
        )
        parser.add_argument(
            "--trusted-proxy",
            metavar="ADDRESS",
            help="Address of the TLS reverse proxy whose X-Forwarded-For/-Proto/-Host to trust.",
        )
        parser.add_argument(
            "--reload",
            action="store_true",
            help="Development: Django's server, restarting when code changes.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        if options["reload"]:
            call_command("runserver", options["addrport"][0], use_reloader=True)
            return
        if options["threads"] < 1:
            raise CommandError("threads (--threads): must be at least 1.")

        from waitress import serve

        from verbund.wsgi import application

        settings: dict[str, Any] = {"threads": options["threads"], "ident": "Verbund"}
        if options["trusted_proxy"]:
            settings.update(
                trusted_proxy=options["trusted_proxy"],
                trusted_proxy_headers={"x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"},
                clear_untrusted_proxy_headers=True,
            )
        listen = " ".join(options["addrport"])
        self.stdout.write(f"Verbund listens on http://{listen.split()[0]}/ (Ctrl+C stops)")
        self.stdout.flush()
        serve(application, listen=listen, **settings)
