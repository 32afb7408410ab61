"""`verbund party create|update|archive|show|postcodes`: parties from the command line, through
the actions.

Refusals print the field and the reason and exit with 1, never with a traceback.
"""

import json
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from verbund.core import audit, extensions
from verbund.core.cli import actor_from, add_actor_argument, only_given, refusal
from verbund.core.management.base import VerbundCommand, gettext_lazy
from verbund.parties import actions
from verbund.parties.models import Party
from verbund.parties.selectors import find_party, postcodes_to_normalise

# Parties the postcode report names; the rest it counts.
SHOWN_POSTCODES = 20

# Plain text fields, given as --option VALUE.
TEXT_FIELDS = [
    "kind", "number", "name", "name2", "name3", "legal_form", "salutation", "title", "first_name",
    "last_name", "position", "birth_date", "street", "postcode", "city", "country", "vat_id", "lei",
    "register_number", "phone", "email", "website", "status", "erp_source", "erp_id",
]  # fmt: skip


def add_field_arguments(parser: CommandParser) -> None:
    for field in TEXT_FIELDS:
        parser.add_argument(f"--{field.replace('_', '-')}", dest=field, metavar=field.upper())
    parser.add_argument(
        "--organisation",
        metavar="REF",
        help=gettext_lazy("A person's organisation (id, number or ERP key)."),
    )
    parser.add_argument(
        "--responsible", metavar="USERNAME", help=gettext_lazy("The responsible user.")
    )
    parser.add_argument(
        "--tag",
        dest="tags",
        action="append",
        metavar="TAG",
        help=gettext_lazy("A tag; repeat for several."),
    )
    add_actor_argument(parser)


def field_values(options: dict[str, Any]) -> dict[str, Any]:
    data = only_given(options, TEXT_FIELDS)
    if options.get("organisation"):
        data["organisation"] = find_party(options["organisation"], "organisation")
    if options.get("responsible"):
        User = get_user_model()
        try:
            data["responsible"] = User.objects.get(username=options["responsible"])
        except User.DoesNotExist:
            raise refusal(
                ValidationError(
                    {
                        "responsible": [
                            _("No user named %(name)s.") % {"name": repr(options["responsible"])}
                        ]
                    }
                )
            ) from None
    return data


def describe(party: Party) -> dict[str, Any]:
    data = audit.snapshot(party, exclude=("search_text", "phonetic"))
    data["tags"] = sorted(party.tags.values_list("name", flat=True))
    # Other apps add what they know of the party (relationships, ...).
    for describe_party in extensions.hooks("selectors", "describe_party"):
        data.update(describe_party(party))
    return data


class Command(VerbundCommand):
    help = gettext_lazy("Create, change, archive or show a party; fix stored postcodes.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser(
            "create", help=gettext_lazy("Create a party; prints its id and number.")
        )
        add_field_arguments(create)
        update = sub.add_parser("update", help=gettext_lazy("Change fields of a party."))
        update.add_argument("ref", help=gettext_lazy("Id, number or ERP key SOURCE:ID."))
        add_field_arguments(update)
        archive = sub.add_parser("archive", help=gettext_lazy("Archive a party (or --restore it)."))
        archive.add_argument("ref", help=gettext_lazy("Id, number or ERP key SOURCE:ID."))
        archive.add_argument(
            "--restore", action="store_true", help=gettext_lazy("Restore an archived party.")
        )
        archive.add_argument("--note", default="", help=gettext_lazy("Note for the audit trail."))
        add_actor_argument(archive)
        show = sub.add_parser(
            "show", help=gettext_lazy("Print a party with its relationships as JSON.")
        )
        show.add_argument("ref", help=gettext_lazy("Id, number or ERP key SOURCE:ID."))
        postcodes = sub.add_parser(
            "postcodes",
            help=gettext_lazy(
                "List the German postcodes of four digits stored before decision 0059 "
                "(--apply: give them their leading zero)."
            ),
        )
        postcodes.add_argument(
            "--apply",
            action="store_true",
            help=gettext_lazy(
                "Give them their leading zero, each with a record in the party's history."
            ),
        )
        add_actor_argument(postcodes)

    def handle(self, *args: Any, **options: Any) -> None:
        verb = options["verb"]
        if verb == "postcodes":
            self.postcodes(options)
            return
        try:
            if verb == "show":
                party = find_party(options["ref"], "ref")
                self.stdout.write(json.dumps(describe(party), ensure_ascii=False, indent=2))
                return
            actor = actor_from(options)
            if verb == "create":
                data = field_values(options)
                party = actions.do_create_party(actor=actor, tags=options.get("tags") or (), **data)
            elif verb == "update":
                party = find_party(options["ref"], "ref")
                data = field_values(options)
                if not data and options.get("tags") is None:
                    raise CommandError(_("Nothing to change: give at least one field option."))
                party = actions.do_update_party(
                    party, actor=actor, tags=options.get("tags"), **data
                )
            else:
                party = find_party(options["ref"], "ref")
                party = actions.do_archive_party(
                    party, actor=actor, archived=not options["restore"], note=options["note"]
                )
        except ValidationError as exc:
            raise refusal(exc) from None
        self.stdout.write(f"{party.pk}\t{party.number}\t{party.name}")

    def postcodes(self, options: dict[str, Any]) -> None:
        """What the postcode fix would change, and with ``--apply`` the change itself."""
        actor = actor_from(options)
        fixes = postcodes_to_normalise()
        if fixes:
            archived = sum(1 for f in fixes if f.archived)
            self.stdout.write(
                _("German postcodes of four digits: %(n)s (%(archived)s of them archived)")
                % {"n": _n(len(fixes)), "archived": _n(archived)}
            )
            for fix in fixes[:SHOWN_POSTCODES]:
                mark = "  " + _("(archived)") if fix.archived else ""
                self.stdout.write(
                    f"  {fix.number}  {fix.name}  {fix.postcode} → {fix.normal}{mark}"
                )
            if len(fixes) > SHOWN_POSTCODES:
                self.stdout.write(
                    "  " + _("… and %(n)s more") % {"n": _n(len(fixes) - SHOWN_POSTCODES)}
                )
        if not options["apply"]:
            if fixes:
                self.stdout.write(_("Dry run: nothing was changed. --apply adds the zeros."))
            else:
                self.stdout.write(_("No German postcode of four digits: nothing to change."))
            return

        def progress(done: int, total: int) -> None:
            if total > actions.POSTCODE_STEP:
                self.stdout.write(
                    "  " + _("%(shown)s of %(total)s") % {"shown": _n(done), "total": _n(total)}
                )

        changed = actions.do_normalise_postcodes(actor=actor, progress=progress)
        if changed:
            self.stdout.write(
                _("Postcodes changed: %(n)s, each with a record in the party's history.")
                % {"n": _n(changed)}
            )
        else:
            self.stdout.write(_("No German postcode of four digits: nothing to change."))


def _n(value: int) -> str:
    """A count with the thousands separator of the active language (1.000 / 1,000)."""
    return number_format(value, force_grouping=True)
