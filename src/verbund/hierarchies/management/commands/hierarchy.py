"""`verbund hierarchy PARTY [--type KEY] [--as-of DATE] [--json] [--depth N]` and
`verbund hierarchy refresh` (bring every closure to today; run it daily from cron)."""

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from verbund.core.management.base import VerbundCommand, gettext_lazy
from verbund.hierarchies import selectors
from verbund.hierarchies.actions import do_refresh_closures
from verbund.parties.actions import resolve_party
from verbund.parties.models import Party


def render(node: dict[str, Any], indent: int = 0) -> list[str]:
    """The tree as indented lines; the requested party is marked with ``*``."""
    lines: list[str] = []
    stack: list[tuple[dict[str, Any], int]] = [(node, indent)]
    while stack:
        n, level = stack.pop()
        mark = " *" if n.get("requested") else ""
        city = f", {n['city']}" if n.get("city") else ""
        more = ""
        if n.get("children") is None and n.get("child_count"):
            more = " " + _("[+%(n)s more]") % {"n": n["child_count"]}
        lines.append(f"{'  ' * level}{n['name']} ({n['number']}{city}){mark}{more}")
        stack.extend((c, level + 1) for c in reversed(n.get("children") or []))
    return lines


class Command(VerbundCommand):
    help = gettext_lazy(
        "Print a party's hierarchy as indented text or JSON; `refresh` brings the closures to today."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "party",
            help=gettext_lazy("Party id, number or ERP key SOURCE:EXTERNAL_ID; or `refresh`."),
        )
        parser.add_argument(
            "--type",
            dest="type_key",
            help=gettext_lazy("Hierarchy type key (default: every hierarchy of the party)."),
        )
        parser.add_argument(
            "--as-of", dest="as_of", help=gettext_lazy("The structure on this date (YYYY-MM-DD).")
        )
        parser.add_argument(
            "--depth",
            type=int,
            help=gettext_lazy("Levels below the ultimate parent (the path stays open)."),
        )
        parser.add_argument("--json", action="store_true", help=gettext_lazy("Print JSON."))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["party"] == "refresh":
            done = do_refresh_closures(actor=None)
            for key, changed in done.items():
                self.stdout.write(
                    _("%(key)s: %(n)s link(s) replayed")
                    % {"key": key, "n": changed if changed >= 0 else _("rebuilt")}
                )
            return
        try:
            party = resolve_party(options["party"])
        except Party.DoesNotExist as exc:
            raise CommandError(str(exc)) from None
        try:
            if options["type_key"]:
                keys = [options["type_key"]]
                selectors.hierarchy_type(options["type_key"])
            else:
                keys = [h["type_key"] for h in selectors.party_hierarchies(party.pk)]
            trees = {
                key: selectors.tree(party.pk, key, options["as_of"], options["depth"])
                for key in keys
            }
        except ValidationError as exc:
            raise CommandError(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            ) from None
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {"party_id": party.pk, "as_of": options["as_of"], "trees": trees},
                    ensure_ascii=False,
                    indent=2,
                    default=str,
                )
            )
            return
        if not trees:
            self.stdout.write(
                _("%(party)s belongs to no hierarchy.") % {"party": party.display_name}
            )
        for key, root in trees.items():
            self.stdout.write(f"# {selectors.hierarchy_type(key).name} ({key})")
            self.stdout.write("\n".join(render(root)))
