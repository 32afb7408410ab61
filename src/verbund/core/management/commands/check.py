"""`verbund check [hierarchies ...]`: data consistency checks, else Django's system checks."""

import importlib
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.core.management.commands.check import Command as DjangoCheck

from verbund.core.registry import CONSISTENCY_CHECKS


class Command(DjangoCheck):
    help = (
        "Check data consistency ("
        + ", ".join(CONSISTENCY_CHECKS)
        + ") or, without a name, the system."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--json", action="store_true", help="Report differences as JSON.")

    def handle(self, *app_labels: Any, **options: Any) -> Any:
        names = [a for a in app_labels if a in CONSISTENCY_CHECKS]
        if not names:
            return super().handle(*app_labels, **options)
        failed = 0
        for name in names:
            module = importlib.import_module(CONSISTENCY_CHECKS[name])
            failed += module.run(options, self.stdout)
        if failed:
            raise CommandError(f"{failed} difference(s) found")
        return None
