"""`verbund export parties|relationships|revenue`: the import formats, round-trip safe."""

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from verbund.core.management.base import VerbundCommand, gettext_lazy
from verbund.interfaces.actions import do_record_export
from verbund.interfaces.exporters import EXPORTS, export


class Command(VerbundCommand):
    help = gettext_lazy(
        "Export parties, relationships or revenue of one source as CSV, XLSX or JSON Lines."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(EXPORTS))
        parser.add_argument(
            "--source", default="erp", help=gettext_lazy("Source system name (default: erp)")
        )
        parser.add_argument(
            "--format",
            dest="fmt",
            choices=["csv", "xlsx", "jsonl"],
            default="",
            help=gettext_lazy("File format (default: from the file name, else csv)"),
        )
        parser.add_argument(
            "--output",
            "-o",
            default="-",
            help=gettext_lazy("file (default: standard output; XLSX needs a file)"),
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        out = opts["output"]
        fmt = opts["fmt"] or (Path(out).suffix.lstrip(".").lower() if out != "-" else "csv")
        if fmt not in ("csv", "xlsx", "jsonl"):
            fmt = "csv"
        if out == "-":
            if fmt == "xlsx":
                raise CommandError(_("XLSX needs --output FILE"))
            count = export(opts["kind"], opts["source"], fmt, sys.stdout.buffer)
        else:
            target = Path(out)
            if not target.parent.is_dir():
                raise CommandError(
                    _("%(file)s: cannot be written: the folder %(folder)s does not exist.")
                    % {"file": out, "folder": str(target.parent)}
                )
            try:
                count = export(opts["kind"], opts["source"], fmt, target)
            except OSError as exc:
                raise CommandError(
                    _("%(file)s: cannot be written (%(reason)s).")
                    % {"file": out, "reason": exc.strerror or type(exc).__name__}
                ) from None
        do_record_export(
            actor=None, kind=opts["kind"], source=opts["source"], fmt=fmt, rows=count, target=out
        )
        if out != "-":
            self.stderr.write(
                _("%(rows)s rows written to %(file)s")
                % {"rows": number_format(count, force_grouping=True), "file": out}
            )
