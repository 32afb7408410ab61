"""`verbund lists import FILE... --format F`, `verbund lists update --from DIR_OR_URL` and
`verbund lists show [KEY]`."""

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from verbund.compliance.actions import do_import_list
from verbund.compliance.list_updates import do_update_lists
from verbund.compliance.models import ListUpdate, ListVersion, SanctionsList
from verbund.compliance.parsers import PARSERS
from verbund.compliance.selectors import version_changes
from verbund.compliance.sources import SourceError, read_source
from verbund.core.formatting import format_number
from verbund.core.management.base import VerbundCommand, gettext_lazy


class Command(VerbundCommand):
    help = gettext_lazy("Import and show sanctions lists.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser(
            "import", help=gettext_lazy("import one list snapshot from one or more files")
        )
        imp.add_argument("files", nargs="+")
        imp.add_argument("--format", required=True, choices=sorted(PARSERS))
        imp.add_argument(
            "--list",
            default="",
            help=gettext_lazy("list key (default by format: ofac-sdn, un, eu, uk, opensanctions)"),
        )
        imp.add_argument("--name", default="")
        imp.add_argument(
            "--no-rescreen",
            action="store_true",
            help=gettext_lazy("do not screen parties against added/changed entries"),
        )
        upd = sub.add_parser(
            "update",
            help=gettext_lazy(
                "record new versions of the lists found in a folder or at an address, and "
                "screen only what changed"
            ),
        )
        upd.add_argument(
            "--from",
            dest="source",
            required=True,
            help=gettext_lazy(
                "folder with the official files, one file, an http(s) address, or official[:KEY]"
            ),
        )
        upd.add_argument(
            "--no-screen", action="store_true", help=gettext_lazy("record the versions only")
        )
        upd.add_argument(
            "--show", type=int, default=10, help=gettext_lazy("entries named per kind of change")
        )
        upd.add_argument(
            "--workers",
            type=int,
            help=gettext_lazy(
                "processes for bulk screening (default: VERBUND_SCREENING_WORKERS, one per core)"
            ),
        )
        show = sub.add_parser("show", help=gettext_lazy("lists and their versions"))
        show.add_argument("key", nargs="?")
        show.add_argument(
            "--changes",
            action="store_true",
            help=gettext_lazy("list the ids added, changed and removed"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "update":
            self.update(options)
            return
        if options["action"] == "import":
            files = []
            for name in options["files"]:
                path = Path(name)
                if not path.is_file():
                    raise CommandError(_("%(file)s: no such file") % {"file": name})
                files.append((path.name, path.read_bytes()))
            try:
                version = do_import_list(
                    options["format"],
                    files,
                    actor=None,
                    list_key=options["list"],
                    list_name=options["name"],
                    rescreen=not options["no_rescreen"],
                )
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from exc
            self.stdout.write(version_line(version))
            return
        lists = SanctionsList.objects.all()
        if options.get("key"):
            lists = lists.filter(key=options["key"])
            if not lists.exists():
                raise CommandError(_("%(key)s: no such list") % {"key": options["key"]})
        for slist in lists:
            self.stdout.write(
                _("%(key)s: %(name)s [%(format)s] current v%(number)s")
                % {
                    "key": slist.key,
                    "name": slist.name,
                    "format": slist.format,
                    "number": slist.current.number if slist.current else "-",
                }
            )
            for v in ListVersion.objects.filter(list=slist).order_by("-number"):
                self.stdout.write(
                    "  "
                    + _(
                        "v%(number)s %(imported)s published %(published)s: %(entries)s entries, +%(added)s ~%(changed)s -%(removed)s (%(files)s)"
                    )
                    % {
                        "number": v.number,
                        "imported": f"{v.imported_at:%Y-%m-%d %H:%M}",
                        "published": v.published or "?",
                        "entries": v.entry_count,
                        "added": v.added,
                        "changed": v.changed,
                        "removed": v.removed,
                        "files": ", ".join(v.files),
                    }
                )
                if options.get("changes"):
                    for kind, label in (
                        ("added", _("added")),
                        ("changed", _("changed")),
                        ("removed", _("removed")),
                    ):
                        ids = v.diff.get(kind, [])
                        if ids:
                            self.stdout.write(
                                f"    {label}: {', '.join(ids[:50])}{' …' if len(ids) > 50 else ''}"
                            )

    def update(self, options: dict[str, Any]) -> None:
        try:
            source = read_source(options["source"])
        except SourceError as exc:
            raise CommandError(str(exc)) from exc
        for name in source.skipped:
            self.stdout.write(_("%(file)s: not a list file, skipped") % {"file": name})
        if not source.groups:
            raise CommandError(_("%(source)s: no list files found") % {"source": options["source"]})
        try:
            update = do_update_lists(
                source.groups,
                actor=None,
                source=options["source"],
                screen=not options["no_screen"],
                workers=options["workers"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.report(update, options["show"])

    def report(self, update: ListUpdate, show: int) -> None:
        labels = {"added": _("added"), "changed": _("changed"), "removed": _("removed")}
        for key in update.unchanged:
            self.stdout.write(_("%(list)s: unchanged") % {"list": key})
        for version in ListVersion.objects.filter(pk__in=update.versions).select_related("list"):
            self.stdout.write(version_line(version))
            for kind, part in version_changes(version, limit=show).items():
                for row in part["rows"]:
                    fields = f" ({', '.join(row['fields'])})" if row["fields"] else ""
                    self.stdout.write(f"  {labels[kind]}: {row['id']} {row['name']}{fields}")
                if part["total"] > len(part["rows"]):
                    self.stdout.write(
                        "  "
                        + _("… and %(n)s more %(kind)s")
                        % {
                            "n": format_number(part["total"] - len(part["rows"])),
                            "kind": labels[kind],
                        }
                    )
        for run, what in (
            (update.entry_run, _("new and changed entries")),
            (update.party_run, _("changed parties")),
        ):
            if run is not None:
                self.stdout.write(
                    _("screened %(what)s: run #%(run)s, %(parties)s parties, %(hits)s hits, %(new)s new")
                    % {"what": what, "run": run.pk, "parties": run.total, "hits": run.hit_count, "new": run.new_hit_count}
                )  # fmt: skip
        self.stdout.write(
            _("update #%(pk)s: %(versions)s new versions, %(parties)s changed parties, %(new)s new hits")
            % {"pk": update.pk, "versions": len(update.versions), "parties": update.parties_changed, "new": update.new_hits}
        )  # fmt: skip


def version_line(version: ListVersion) -> str:
    """A list version as the command reports it: its entries and what changed."""
    return _(
        "%(list)s v%(number)s: %(entries)s entries (+%(added)s added, ~%(changed)s changed, -%(removed)s removed)"
    ) % {
        "list": version.list.key,
        "number": version.number,
        "entries": version.entry_count,
        "added": version.added,
        "changed": version.changed,
        "removed": version.removed,
    }
