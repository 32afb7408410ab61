"""`verbund check [hierarchies ...]`: data consistency checks, else Django's system checks."""

import importlib
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.core.management.commands.check import Command as DjangoCheck
from django.utils.translation import gettext as _

from verbund.core.management.base import VerbundCommand, gettext_lazy, interpolate_lazy
from verbund.core.registry import CONSISTENCY_CHECKS


class Command(VerbundCommand, DjangoCheck):
    help = interpolate_lazy(
        gettext_lazy("Check data consistency (%(names)s) or, without a name, the system."),
        {"names": ", ".join(CONSISTENCY_CHECKS)},
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--json", action="store_true", help=gettext_lazy("Report differences as JSON.")
        )

    def handle(self, *app_labels: Any, **options: Any) -> Any:
        names = [a for a in app_labels if a in CONSISTENCY_CHECKS]
        if not names:
            try:
                return super().handle(*app_labels, **options)
            except LookupError as exc:
                # Django's own check names an unknown app label with a traceback.
                raise CommandError(str(exc).strip("'\"")) from None
        failed = 0
        for name in names:
            module = importlib.import_module(CONSISTENCY_CHECKS[name])
            failed += module.run(options, self.stdout)
        if failed:
            raise CommandError(_("%(n)s difference(s) found.") % {"n": failed})
        return None
