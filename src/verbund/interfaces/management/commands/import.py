"""`verbund import parties|relationships|revenue FILE`: run an import with a progress bar."""

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from verbund.interfaces import actions
from verbund.interfaces.mapping import PRESETS
from verbund.interfaces.models import ImportKind, ImportRun, ImportStatus
from verbund.interfaces.parsers import FORMATS, ImportFileError


class ProgressBar:
    def __init__(self, stream: Any, enabled: bool) -> None:
        self.stream = stream
        self.enabled = enabled
        self.last = -1.0

    def __call__(self, fraction: float, message: str) -> None:
        if not self.enabled or (fraction - self.last < 0.01 and fraction < 1.0):
            return
        self.last = fraction
        width = 30
        done = int(width * fraction)
        self.stream.write(
            f"\r[{'#' * done}{'.' * (width - done)}] {fraction * 100:5.1f}% {message[:40]:<40}"
        )
        if fraction >= 1.0:
            self.stream.write("\n")
        self.stream.flush()


class Command(BaseCommand):
    help = "Import parties, relationships or revenue from CSV, XLSX, JSON Lines or GLEIF RR files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=ImportKind.values)
        parser.add_argument("file")
        parser.add_argument(
            "--source",
            default="",
            help="Source system name (the ERP key's source); default: erp, gleif for gleif-rr",
        )
        parser.add_argument(
            "--mapping", default="generic", help=f"Preset ({', '.join(PRESETS)}) or TOML file"
        )
        parser.add_argument("--format", dest="fmt", choices=FORMATS, default="")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; write nothing"
        )
        parser.add_argument(
            "--full",
            action="store_true",
            help="Archive (parties) or end (links) what the source no longer sends",
        )
        parser.add_argument(
            "--skip-invalid", action="store_true", help="Write the valid rows, report the rest"
        )
        parser.add_argument(
            "--create-missing", action="store_true", help="GLEIF: create parties for unknown LEIs"
        )
        parser.add_argument(
            "--queue",
            action="store_true",
            help="Hand the run to the background worker and follow its progress",
        )
        parser.add_argument("--json", action="store_true", help="Print the run's report as JSON")

    def handle(self, *args: Any, **opts: Any) -> None:
        source = opts["source"] or ("gleif" if opts["fmt"] == "gleif-rr" else "erp")
        try:
            run = actions.do_create_run(
                actor=None, kind=opts["kind"], source=source, path=opts["file"], mapping=opts["mapping"], fmt=opts["fmt"],
                dry_run=opts["dry_run"], full=opts["full"], skip_invalid=opts["skip_invalid"], channel="cli",
            )  # fmt: skip
        except (ImportFileError, OSError) as exc:
            raise CommandError(str(exc)) from None
        bar = ProgressBar(sys.stderr, enabled=opts["verbosity"] > 0)
        if opts["queue"]:
            from verbund.interfaces.tasks import run_import

            run_import.enqueue(run.pk)
            while True:
                run.refresh_from_db()
                p = actions.read_progress(run)
                bar(float(p.get("fraction", 0)), str(p.get("message", "")))
                if run.status in (ImportStatus.DONE, ImportStatus.FAILED):
                    break
                time.sleep(0.5)
        else:
            actions.do_execute_run(run, progress=bar, create_missing=opts["create_missing"])
        run.refresh_from_db()
        self._print(run, opts["json"])
        if run.status == ImportStatus.FAILED:
            raise CommandError(f"import run #{run.pk} failed: nothing was written")

    def _print(self, run: ImportRun, as_json: bool) -> None:
        import json

        if as_json:
            self.stdout.write(
                json.dumps(
                    {
                        "run": run.pk,
                        "status": run.status,
                        "counts": run.counts,
                        "report": run.report,
                    },
                    ensure_ascii=False,
                    indent=2,
                    default=str,
                )
            )
            return
        mode = " (dry run: nothing written)" if run.dry_run else ""
        self.stdout.write(
            f"run #{run.pk} {run.kind} from {run.source}: {run.status}{mode} in {run.duration}s"
        )
        self.stdout.write("  " + ", ".join(f"{k} {v:,}" for k, v in run.counts.items() if v))
        for err in run.report.get("errors", [])[:50]:
            where = f"row {err['row']}" if err.get("row") else run.file_name
            field = f", {err['field']}" if err.get("field") else ""
            value = f" = {err['value']!r}" if err.get("value") else ""
            self.stdout.write(f"  error: {run.file_name}, {where}{field}{value}: {err['reason']}")
        more = int(run.report.get("errors_total", 0)) - 50
        if more > 0:
            self.stdout.write(f"  ... and {more:,} more errors (see the run report: --json)")
        for w in run.report.get("warnings", [])[:20]:
            self.stdout.write(f"  warning: row {w.get('row')}: {w.get('reason')}")
        if run.report.get("archived"):
            self.stdout.write(f"  archived: {', '.join(run.report['archived'][:50])}")
        for d in run.report.get("diffs", [])[:10]:
            self.stdout.write(f"  changed: {d}")
