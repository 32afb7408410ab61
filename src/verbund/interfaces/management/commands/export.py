"""`verbund export parties|relationships|revenue`: the import formats, round-trip safe."""

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from verbund.interfaces.actions import do_record_export
from verbund.interfaces.exporters import EXPORTS, export


class Command(BaseCommand):
    help = "Export parties, relationships or revenue of one source as CSV, XLSX or JSON Lines."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(EXPORTS))
        parser.add_argument("--source", default="erp")
        parser.add_argument("--format", dest="fmt", choices=["csv", "xlsx", "jsonl"], default="")
        parser.add_argument(
            "--output", "-o", default="-", help="file (default: standard output; XLSX needs a file)"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        out = opts["output"]
        fmt = opts["fmt"] or (Path(out).suffix.lstrip(".").lower() if out != "-" else "csv")
        if fmt not in ("csv", "xlsx", "jsonl"):
            fmt = "csv"
        if out == "-":
            if fmt == "xlsx":
                raise CommandError("XLSX needs --output FILE")
            count = export(opts["kind"], opts["source"], fmt, sys.stdout.buffer)
        else:
            count = export(opts["kind"], opts["source"], fmt, Path(out))
        do_record_export(
            actor=None, kind=opts["kind"], source=opts["source"], fmt=fmt, rows=count, target=out
        )
        if out != "-":
            self.stderr.write(f"{count:,} rows written to {out}")
