"""`verbund import parties|relationships|revenue FILE`: run an import with a progress bar."""

import getpass
import sys
import time
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError, CommandParser
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from verbund.core.management.base import VerbundCommand, gettext_lazy, interpolate_lazy
from verbund.interfaces import actions, selectors
from verbund.interfaces.mapping import PRESETS
from verbund.interfaces.models import ImportKind, ImportRun, ImportStatus
from verbund.interfaces.parsers import FORMATS, ImportFileError


def _n(value: int) -> str:
    """A count with the thousands separator of the active language (1.000 / 1,000)."""
    return number_format(value, force_grouping=True)


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


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name and no passwd entry (some containers)
        return ""


class Command(VerbundCommand):
    help = gettext_lazy(
        "Import parties, relationships or revenue from CSV, XLSX, JSON Lines or GLEIF RR files."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=ImportKind.values)
        parser.add_argument("file")
        parser.add_argument(
            "--source",
            default="",
            help=gettext_lazy(
                "Source system name (the ERP key's source); default: erp, gleif for gleif-rr"
            ),
        )
        parser.add_argument(
            "--mapping",
            default="generic",
            help=interpolate_lazy(
                gettext_lazy("Preset (%(presets)s) or TOML file"), {"presets": ", ".join(PRESETS)}
            ),
        )
        parser.add_argument(
            "--format",
            dest="fmt",
            choices=FORMATS,
            default="",
            help=gettext_lazy("File format (default: from the file name)"),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=gettext_lazy("Report what would change; write nothing"),
        )
        parser.add_argument(
            "--full",
            action="store_true",
            help=gettext_lazy("Archive (parties) or end (links) what the source no longer sends"),
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help=gettext_lazy("Write the valid rows, report the rest"),
        )
        parser.add_argument(
            "--create-missing",
            action="store_true",
            help=gettext_lazy(
                "GLEIF: create a party for each unknown LEI, named only by its LEI unless a "
                "Level-1 file is given (--level1)"
            ),
        )
        parser.add_argument(
            "--level1",
            default="",
            metavar="FILE",
            help=gettext_lazy(
                "GLEIF Level-1 file (JSON or CSV golden copy or delta): names, legal addresses and "
                "register numbers of the parties --create-missing creates"
            ),
        )
        parser.add_argument(
            "--queue",
            action="store_true",
            help=gettext_lazy("Hand the run to the background worker and follow its progress"),
        )
        parser.add_argument(
            "--actor",
            default="",
            help=gettext_lazy(
                "Who runs the import, as the run and the history name it (default: the OS user); "
                "a Verbund user of that name is linked"
            ),
        )
        parser.add_argument(
            "--json", action="store_true", help=gettext_lazy("Print the run's report as JSON")
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        source = opts["source"] or ("gleif" if opts["fmt"] == "gleif-rr" else "erp")
        if opts["level1"] and not opts["create_missing"]:
            raise CommandError(_("--level1 needs --create-missing: it names the parties created."))
        if opts["level1"] and not Path(opts["level1"]).is_file():
            raise CommandError(_("%(file)s: no such file.") % {"file": opts["level1"]})
        name = opts["actor"].strip() or _os_user()
        user = (
            get_user_model().objects.filter(username=name, is_active=True).first() if name else None
        )
        try:
            run = actions.do_create_run(
                actor=user, kind=opts["kind"], source=source, path=opts["file"], mapping=opts["mapping"], fmt=opts["fmt"],
                dry_run=opts["dry_run"], full=opts["full"], skip_invalid=opts["skip_invalid"], channel="cli",
                actor_name=name,
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
                    bar(1.0, run.get_status_display())
                    break
                time.sleep(0.5)
        else:
            actions.do_execute_run(
                run, progress=bar, create_missing=opts["create_missing"], level1=opts["level1"]
            )
        run.refresh_from_db()
        self._print(run, opts["json"])
        created = int(run.counts.get("parties_created", 0) or 0)
        if created and run.status == ImportStatus.DONE and not opts["level1"]:
            self.stdout.write(
                "  "
                + _(
                    "Note: %(n)s parties were created named only by their LEI (no name, address or "
                    "register number); give a GLEIF Level-1 file with --level1 FILE to fill them."
                )
                % {"n": _n(created)}
            )
        if run.status == ImportStatus.FAILED:
            raise CommandError(
                _("Import run #%(run)s failed: nothing was written.") % {"run": run.pk}
            )

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
        facts = {
            "run": run.pk,
            "kind": run.get_kind_display(),
            "source": run.source,
            "status": run.get_status_display(),
            "seconds": number_format(run.duration or 0, decimal_pos=3),
        }
        # A failed run's error says that nothing was written; the summary says it only once.
        if run.dry_run and run.status != ImportStatus.FAILED:
            line = _(
                "Run #%(run)s, %(kind)s from %(source)s: %(status)s (dry run: nothing written) in %(seconds)s s"
            )
        else:
            line = _("Run #%(run)s, %(kind)s from %(source)s: %(status)s in %(seconds)s s")
        self.stdout.write(line % facts)
        self.stdout.write("  " + ", ".join(f"{label} {_n(v)}" for label, v in run.count_items))
        for err in run.report.get("errors", [])[:50]:
            if not err.get("row"):
                # A problem with the whole file: its message names the file (and row) itself.
                self.stdout.write("  " + _("error: %(reason)s") % {"reason": err["reason"]})
                continue
            where = _("row %(row)s") % {"row": _n(err["row"])}
            field = f", {err['field']}" if err.get("field") else ""
            value = f" = {err['value']!r}" if err.get("value") else ""
            self.stdout.write(
                "  "
                + _("error: %(place)s: %(reason)s")
                % {"place": f"{run.file_name}, {where}{field}{value}", "reason": err["reason"]}
            )
        more = int(run.report.get("errors_total", 0)) - 50
        if more > 0:
            self.stdout.write(
                "  " + _("… and %(n)s more errors (see the run report: --json)") % {"n": _n(more)}
            )
        for w in run.report.get("warnings", [])[:20]:
            self.stdout.write(
                "  "
                + _("warning: row %(row)s: %(reason)s")
                % {"row": w.get("row"), "reason": w.get("reason")}
            )
        if run.report.get("archived"):
            line = (
                _("would be archived: %(numbers)s") if run.dry_run else _("archived: %(numbers)s")
            )
            self.stdout.write("  " + line % {"numbers": ", ".join(run.report["archived"][:50])})
        labels = selectors.party_field_labels()
        for d in run.report.get("diffs", [])[:10]:
            line = _("would be changed: %(change)s") if run.dry_run else _("changed: %(change)s")
            where = _("row %(row)s") % {"row": _n(d.get("row", 0))}
            change = f"{where}, {d.get('key', '')}: {selectors.change_text(d, labels)}"
            self.stdout.write("  " + line % {"change": change})
