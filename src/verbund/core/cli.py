"""Helpers shared by the domains' commands: who acts, which options were given, and how
refusals are told (field and reason, exit code 1, no traceback). Parties are found with
``verbund.parties.selectors.find_party``."""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from verbund.core.management.base import gettext_lazy

# Field names whose command-line option is spelt differently.
OPTION_OF = {"from_party": "from", "to_party": "to", "tag_names": "tag"}


def option_name(field: str) -> str:
    return "--" + OPTION_OF.get(field, field).replace("_", "-")


def refusal(exc: ValidationError) -> CommandError:
    """One line per field and reason, naming the API field and the command-line option."""
    if hasattr(exc, "error_dict"):
        lines = [
            f"{field} ({option_name(field)}): {message}"
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        lines = list(exc.messages)
    return CommandError("\n".join(lines))


def add_actor_argument(parser: CommandParser) -> None:
    parser.add_argument(
        "--as",
        dest="as_user",
        metavar="USERNAME",
        help=gettext_lazy(
            "Record the change in the audit trail as this user (default: the system)."
        ),
    )


def actor_from(options: dict[str, Any]) -> Any:
    username = options.get("as_user")
    if not username:
        return None
    User = get_user_model()
    try:
        return User.objects.get(username=username)
    except User.DoesNotExist:
        raise CommandError(_("--as: no user named %(name)s.") % {"name": repr(username)}) from None


def only_given(options: dict[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    """The options the user actually gave, by field name."""
    return {f: options[f] for f in fields if options.get(f) is not None}
