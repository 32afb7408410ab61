"""`verbund bench NAME ...`: print benchmark figures (medians, and ratios to raw SQL)."""

import importlib
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from verbund.core.management.base import VerbundCommand, gettext_lazy, interpolate_lazy
from verbund.core.registry import BENCHMARKS


class Command(VerbundCommand):
    # The figures and tables the benchmarks print stay English: they are read by developers
    # and compared with the figures in the (English) domain docs.
    help = interpolate_lazy(
        gettext_lazy("Run a benchmark: %(names)s"), {"names": ", ".join(BENCHMARKS)}
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="benchmark", required=True)
        for name, module_path in BENCHMARKS.items():
            try:
                module = importlib.import_module(module_path)
            except ImportError:
                continue
            p = sub.add_parser(
                name,
                help=(module.__doc__ or "").strip().splitlines()[0] if module.__doc__ else None,
            )
            module.add_arguments(p)

    def handle(self, *args: Any, **options: Any) -> None:
        module = importlib.import_module(BENCHMARKS[options["benchmark"]])
        code = module.run(options, self.stdout)
        if code:
            raise CommandError(_("Benchmark %(name)s failed.") % {"name": options["benchmark"]})
