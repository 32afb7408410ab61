"""The language of the command line, and the base class of every `verbund` command.

A command speaks the language its user chose for the command line, whatever language the
process happens to have active: ``VERBUND_LANGUAGE`` if set, else the POSIX locale (``LC_ALL``,
``LC_MESSAGES``, ``LANG``, the first one set) when it names a language Verbund offers, else the
product's default (German). ``C`` and ``POSIX`` name no language, so servers without a locale get
the default.
"""

import argparse
import datetime as dt
import os
from typing import Any, cast

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as lazy_translation

CHOICE = "VERBUND_LANGUAGE"
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")


def offered_language(value: str) -> str | None:
    """The language of Verbund a language or locale name stands for (en_US.UTF-8: en), or None."""
    name = value.strip().split(".")[0].split("@")[0]
    if not name or name in ("C", "POSIX"):
        return None
    try:
        return translation.get_supported_language_variant(translation.to_language(name))
    except LookupError:
        return None


def cli_language() -> str:
    """The command line's language (an unknown ``VERBUND_LANGUAGE`` counts as unset here)."""
    chosen = offered_language(os.environ.get(CHOICE, ""))
    if chosen:
        return chosen
    for variable in LOCALE_VARIABLES:
        value = os.environ.get(variable, "")
        if value:
            # The first variable set decides, as for any POSIX program, even when it names a
            # language Verbund lacks: a French locale gets the default, not an older LANG.
            return offered_language(value) or settings.LANGUAGE_CODE
    return settings.LANGUAGE_CODE


def check_language_choice() -> None:
    """Refuse a ``VERBUND_LANGUAGE`` Verbund does not speak instead of ignoring a typo."""
    value = os.environ.get(CHOICE, "").strip()
    if value and offered_language(value) is None:
        raise CommandError(
            _("%(variable)s=%(value)s: not a language of Verbund (%(languages)s).")
            % {
                "variable": CHOICE,
                "value": value,
                "languages": ", ".join(code for code, _name in settings.LANGUAGES),
            }
        )


def gettext_lazy(message: str) -> str:
    """Django's ``gettext_lazy``, typed as the ``str`` it stands in for: argparse's help texts and
    a command's ``help`` take str, and turn the lazy text into one only when they print it."""
    return cast(str, lazy_translation(message))


def interpolate_lazy(message: str, values: dict[str, Any]) -> str:
    """``message % values`` in the language active when the text is shown: argparse help built
    at import time (a lazy string's ``%`` would translate at once, in no chosen language)."""

    def text() -> str:
        return str(message) % values

    return cast(str, lazy(text, str)())


def iso_date(value: str) -> dt.date:
    """An argparse ``type`` for a date option (``--day``, ``--until``): YYYY-MM-DD, else the
    usage error names the value."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("%(value)s is not a date (YYYY-MM-DD).") % {"value": value}
        ) from None


class VerbundCommand(BaseCommand):
    """A management command that speaks the command line's language: help, output and errors.

    Combine it with another command class by naming it first: ``class Command(VerbundCommand,
    DjangoCheck)``.
    """

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        # argparse wraps the description with a regular expression, which needs a real string.
        if parser.description is not None:
            parser.description = str(parser.description)
        return parser

    def run_from_argv(self, argv: list[str]) -> None:
        # Help and usage errors are printed while parsing, before execute() runs.
        with translation.override(cli_language()):
            super().run_from_argv(argv)

    def print_help(self, prog_name: str, subcommand: str) -> None:
        # `verbund help NAME` prints the help without running the command.
        with translation.override(cli_language()):
            super().print_help(prog_name, subcommand)

    def execute(self, *args: Any, **options: Any) -> Any:
        # Also for call_command(): the caller's language is back when the command returns.
        with translation.override(cli_language()):
            check_language_choice()
            try:
                return super().execute(*args, **options)
            except DatabaseError as exc:
                # A new database file, or one from an older release: say what to do, not
                # "no such table" with a traceback.
                if _cannot_tell_or_unmigrated():
                    raise CommandError(not_migrated()) from exc
                raise


def unapplied_migrations(alias: str = DEFAULT_DB_ALIAS) -> int:
    """How many migrations of this release the database ``alias`` lacks."""
    executor = MigrationExecutor(connections[alias])
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def not_migrated() -> str:
    return _("The working database has unapplied migrations; run `verbund migrate` first.")


def _cannot_tell_or_unmigrated() -> bool:
    try:
        return unapplied_migrations() > 0
    except DatabaseError:
        return True
