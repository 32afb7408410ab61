"""`verbund token create USERNAME`: print an API token for ``Authorization: Token ...``."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser

from verbund.core.actions import do_create_token
from verbund.core.management.base import VerbundCommand, gettext_lazy


class Command(VerbundCommand):
    help = gettext_lazy("Create (or show) a user's API token.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser(
            "create", help=gettext_lazy("Print the user's token, creating it if needed.")
        )
        create.add_argument("username")
        create.add_argument(
            "--rotate", action="store_true", help=gettext_lazy("Replace an existing token.")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            key = do_create_token(options["username"], rotate=options["rotate"])
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(key)
