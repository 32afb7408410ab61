"""`verbund lists import FILE... --format F` and `verbund lists show [KEY]`."""

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from verbund.compliance.actions import do_import_list
from verbund.compliance.models import ListVersion, SanctionsList
from verbund.compliance.parsers import PARSERS


class Command(BaseCommand):
    help = "Import and show sanctions lists."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import one list snapshot from one or more files")
        imp.add_argument("files", nargs="+")
        imp.add_argument("--format", required=True, choices=sorted(PARSERS))
        imp.add_argument(
            "--list",
            default="",
            help="list key (default by format: ofac-sdn, un, eu, uk, opensanctions)",
        )
        imp.add_argument("--name", default="")
        imp.add_argument(
            "--no-rescreen",
            action="store_true",
            help="do not screen parties against added/changed entries",
        )
        show = sub.add_parser("show", help="lists and their versions")
        show.add_argument("key", nargs="?")
        show.add_argument(
            "--changes", action="store_true", help="list the ids added, changed and removed"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            files = []
            for name in options["files"]:
                path = Path(name)
                if not path.is_file():
                    raise CommandError(f"{name}: no such file")
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
                f"{version.list.key} v{version.number}: {version.entry_count} entries "
                f"(+{version.added} added, ~{version.changed} changed, -{version.removed} removed)"
            )
            return
        lists = SanctionsList.objects.all()
        if options.get("key"):
            lists = lists.filter(key=options["key"])
        for slist in lists:
            self.stdout.write(
                f"{slist.key}: {slist.name} [{slist.format}] current v{slist.current.number if slist.current else '-'}"
            )
            for v in ListVersion.objects.filter(list=slist).order_by("-number"):
                self.stdout.write(
                    f"  v{v.number} {v.imported_at:%Y-%m-%d %H:%M} published {v.published or '?'}: {v.entry_count} entries, "
                    f"+{v.added} ~{v.changed} -{v.removed} ({', '.join(v.files)})"
                )
                if options.get("changes"):
                    for kind in ("added", "changed", "removed"):
                        ids = v.diff.get(kind, [])
                        if ids:
                            self.stdout.write(
                                f"    {kind}: {', '.join(ids[:50])}{' ...' if len(ids) > 50 else ''}"
                            )
