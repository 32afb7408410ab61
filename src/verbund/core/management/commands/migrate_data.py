"""`verbund migrate_data --to URL [--replace]`: copy every row of the working database into
another one (SQLite to PostgreSQL, or back), counts checked table by table, all or nothing."""

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from verbund.core.formatting import format_number
from verbund.core.management.base import VerbundCommand, gettext_lazy
from verbund.core.transfer import TransferError, copy_database


class Command(VerbundCommand):
    help = gettext_lazy(
        "Copy every row of the working database (DATABASE_URL) into another database, "
        "migrating it first; stop the server and the job workers before."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--to",
            required=True,
            metavar="URL",
            help=gettext_lazy(
                "The target database, e.g. postgres://verbund@db-host:5432/verbund "
                "or sqlite:///path/verbund.sqlite3."
            ),
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help=gettext_lazy("Empty a target that already holds data before copying."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        def progress(table: str, rows: int) -> None:
            self.stdout.write(f"{table}: {format_number(rows)}")
            self.stdout.flush()

        try:
            counts = copy_database(options["to"], replace=options["replace"], progress=progress)
        except TransferError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            _("Copied %(rows)s rows in %(tables)s tables; every count matches.")
            % {
                "rows": format_number(sum(counts.values())),
                "tables": format_number(len(counts)),
            }
        )
