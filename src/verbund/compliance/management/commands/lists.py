"""`verbund lists import FILE... --format F` and `verbund lists show [KEY]`."""

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from verbund.compliance.actions import do_import_list
from verbund.compliance.models import ListVersion, SanctionsList
from verbund.compliance.parsers import PARSERS
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
        show = sub.add_parser("show", help=gettext_lazy("lists and their versions"))
        show.add_argument("key", nargs="?")
        show.add_argument(
            "--changes",
            action="store_true",
            help=gettext_lazy("list the ids added, changed and removed"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
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
            self.stdout.write(
                _(
                    "%(list)s v%(number)s: %(entries)s entries (+%(added)s added, ~%(changed)s changed, -%(removed)s removed)"
                )
                % {
                    "list": version.list.key,
                    "number": version.number,
                    "entries": version.entry_count,
                    "added": version.added,
                    "changed": version.changed,
                    "removed": version.removed,
                }
            )
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
                                f"    {label}: {', '.join(ids[:50])}{' ...' if len(ids) > 50 else ''}"
                            )
