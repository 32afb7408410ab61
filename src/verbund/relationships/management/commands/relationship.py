"""`verbund relationship add|update|end|reopen|list|types`: relationships from the command line.

    verbund relationship add --type group --from 100001 --to SAP:4711 --valid-from 2024-01-01 --share 51
    verbund relationship end 17 --valid-to 2025-12-31
    verbund relationship reopen 17
    verbund relationship list 100001 --on 2024-06-30

Every write goes through the relationships actions; refusals print the field and the reason and
exit with 1, never with a traceback.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from verbund.core.cli import actor_from, add_actor_argument, only_given, refusal
from verbund.core.formatting import format_percent
from verbund.core.management.base import VerbundCommand, gettext_lazy
from verbund.parties.selectors import find_party
from verbund.relationships import actions
from verbund.relationships.models import Relationship, RelationshipType, Structure
from verbund.relationships.selectors import party_relationships, seen_from

UPDATE_FIELDS = ["valid_from", "valid_to", "share", "source", "external_ref", "note"]


def find_relationship(value: str) -> Relationship:
    rel = (
        Relationship.objects.select_related("type").filter(pk=int(value)).first()
        if value.isdigit()
        else None
    )
    if rel is None:
        # A positional argument: named as it is given (ID), not as an option that does not exist.
        raise CommandError("ID: " + _("No relationship with id %(id)s.") % {"id": value})
    return rel


def parse_day(value: str | None, field: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise refusal(
            ValidationError(
                {field: [_("%(value)s is not a date (YYYY-MM-DD).") % {"value": value}]}
            )
        ) from None


class Command(VerbundCommand):
    help = gettext_lazy("Add, change, end, reopen or list relationships between parties.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        add = sub.add_parser(
            "add", help=gettext_lazy("Link two parties; prints the new relationship's id.")
        )
        add.add_argument(
            "--type",
            required=True,
            help=gettext_lazy("Relationship type key (see `relationship types`)."),
        )
        add.add_argument(
            "--from",
            dest="from_party",
            required=True,
            metavar="REF",
            help=gettext_lazy("From-party (the child in a hierarchy)."),
        )
        add.add_argument(
            "--to",
            dest="to_party",
            required=True,
            metavar="REF",
            help=gettext_lazy("To-party (the parent in a hierarchy)."),
        )
        self._value_arguments(add)
        update = sub.add_parser(
            "update", help=gettext_lazy("Correct dates, share, source, reference or note.")
        )
        update.add_argument("id", help=gettext_lazy("The relationship's id."))
        self._value_arguments(update)
        end = sub.add_parser(
            "end", help=gettext_lazy("End a relationship: set its last valid day (default today).")
        )
        end.add_argument("id", help=gettext_lazy("The relationship's id."))
        end.add_argument(
            "--valid-to",
            dest="valid_to",
            metavar="YYYY-MM-DD",
            help=gettext_lazy("Last valid day (default today)."),
        )
        end.add_argument("--note", default="", help=gettext_lazy("Note for the audit trail."))
        add_actor_argument(end)
        reopen = sub.add_parser(
            "reopen",
            help=gettext_lazy("Take a relationship's end back: it holds open-ended again."),
        )
        reopen.add_argument("id", help=gettext_lazy("The relationship's id."))
        reopen.add_argument("--note", default="", help=gettext_lazy("Note for the audit trail."))
        add_actor_argument(reopen)
        listing = sub.add_parser(
            "list", help=gettext_lazy("A party's relationships, labelled as seen from it.")
        )
        listing.add_argument("ref", help=gettext_lazy("Id, number or ERP key SOURCE:ID."))
        listing.add_argument(
            "--on", metavar="YYYY-MM-DD", help=gettext_lazy("Only those valid on this day.")
        )
        listing.add_argument(
            "--type", action="append", help=gettext_lazy("Only this type key; repeat for several.")
        )
        sub.add_parser("types", help=gettext_lazy("List the relationship types."))

    @staticmethod
    def _value_arguments(parser: CommandParser) -> None:
        parser.add_argument(
            "--valid-from",
            dest="valid_from",
            metavar="YYYY-MM-DD",
            help=gettext_lazy("First valid day (default: open)."),
        )
        parser.add_argument(
            "--valid-to",
            dest="valid_to",
            metavar="YYYY-MM-DD",
            help=gettext_lazy("Last valid day (default: open)."),
        )
        parser.add_argument(
            "--share",
            metavar="PERCENT",
            help=gettext_lazy("Ownership share, 0 < share <= 100 (types with shares only)."),
        )
        parser.add_argument("--source", help=gettext_lazy("manual, erp, gleif, import, …"))
        parser.add_argument(
            "--external-ref",
            dest="external_ref",
            help=gettext_lazy("The relationship's key in the source system."),
        )
        parser.add_argument("--note", help=gettext_lazy("Note on the relationship."))
        add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"do_{options['verb']}")(options)
        except ValidationError as exc:
            raise refusal(exc) from None

    def do_add(self, options: dict[str, Any]) -> None:
        actor = actor_from(options)
        rtype = actions.resolve_type(options["type"])
        from_party = find_party(options["from_party"], "from_party")
        to_party = find_party(options["to_party"], "to_party")
        values = only_given(options, UPDATE_FIELDS)
        rel = actions.do_create_relationship(
            actor=actor, type=rtype, from_party=from_party, to_party=to_party, **values
        )
        self.stdout.write(str(rel.pk))

    def do_update(self, options: dict[str, Any]) -> None:
        rel = find_relationship(options["id"])
        values = only_given(options, UPDATE_FIELDS)
        if not values:
            raise CommandError(
                _(
                    "Nothing to change: give at least one of --valid-from, --valid-to, --share, --source, --external-ref, --note."
                )
            )
        rel = actions.do_update_relationship(rel, actor=actor_from(options), **values)
        self.stdout.write(str(rel.pk))

    def do_end(self, options: dict[str, Any]) -> None:
        rel = find_relationship(options["id"])
        rel = actions.do_end_relationship(
            rel, actor=actor_from(options), valid_to=options.get("valid_to"), note=options["note"]
        )
        self.stdout.write(f"{rel.pk}\t{rel.valid_to}")

    def do_reopen(self, options: dict[str, Any]) -> None:
        rel = find_relationship(options["id"])
        rel = actions.do_reopen_relationship(rel, actor=actor_from(options), note=options["note"])
        self.stdout.write(str(rel.pk))

    def do_list(self, options: dict[str, Any]) -> None:
        try:
            party = find_party(options["ref"], "ref")
        except ValidationError as exc:
            raise CommandError("REF: " + " ".join(exc.messages)) from None
        rels = party_relationships(party.pk, on=parse_day(options.get("on"), "on"))
        if options.get("type"):
            keys = [actions.resolve_type(k).key for k in options["type"]]
            rels = rels.filter(type__key__in=keys)
        for seen in seen_from(party.pk, rels):
            rel = seen.relationship
            period = f"{rel.valid_from or '…'} .. {rel.valid_to or '…'}"
            share = f"\t{format_percent(rel.share)}" if rel.share is not None else ""
            self.stdout.write(
                f"{rel.pk}\t{seen.label}\t{seen.other.name} ({seen.other.number})\t{period}{share}"
            )

    def do_types(self, options: dict[str, Any]) -> None:
        for rtype in RelationshipType.objects.all():
            structure = _("hierarchy") if rtype.structure == Structure.HIERARCHY else _("network")
            flags = ", ".join(
                flag
                for flag, on in (
                    (structure, True),
                    (_("symmetric"), rtype.symmetric),
                    (_("shares"), rtype.carries_share),
                    (_("roll-up"), rtype.rolls_up_revenue),
                    (_("inactive"), not rtype.active),
                )
                if on
            )
            self.stdout.write(
                f"{rtype.key}\t{rtype.name}\t{rtype.from_kind} → {rtype.to_kind}\t{flags}"
            )
