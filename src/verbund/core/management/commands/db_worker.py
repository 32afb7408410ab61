"""`verbund db_worker`: django-tasks-db's worker, which first fails the runs whose process is gone.

The same command as django-tasks-db's (every option is kept), plus: on start, and every
VERBUND_JOB_SWEEP_SECONDS after, runs and jobs of processes that were killed or crashed are
marked failed (``core.jobs``); and the worker id names this host and process
(``host:pid:…``), so that a job of a killed worker can be told from one still running.
"""

from argparse import ArgumentParser
from typing import Any

from django_tasks_db.management.commands import db_worker

from verbund.core import jobs
from verbund.core.management.base import VerbundCommand


class Command(VerbundCommand, db_worker.Command):
    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(worker_id=None)

    def handle(self, *args: Any, **options: Any) -> None:
        options["worker_id"] = options.get("worker_id") or jobs.worker_id("worker")
        for line in jobs.sweep_quietly():
            self.stderr.write(line)
        jobs.start_sweeper()
        super().handle(*args, **options)
