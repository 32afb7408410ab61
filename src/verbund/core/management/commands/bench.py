"""`verbund bench NAME ...`: print benchmark figures (medians, and ratios to raw SQL)."""

import importlib
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from verbund.core.registry import BENCHMARKS


class Command(BaseCommand):
    help = "Run a benchmark: " + ", ".join(BENCHMARKS)

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
            raise CommandError(f"benchmark {options['benchmark']} failed")
