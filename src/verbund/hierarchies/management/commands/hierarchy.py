"""`verbund hierarchy PARTY [--type KEY] [--as-of DATE] [--json] [--depth N]`,
`verbund hierarchy diff PARTY --type KEY --from DATE --to DATE [--json]` (what changed in the
party's group between two dates),
`verbund hierarchy move PARTY --to PARENT [--type KEY] [--date DATE] [--dry-run]` (move the
party with its subtree, "Umhängen") and `verbund hierarchy refresh` (bring every closure to
today; run it daily from cron)."""

import datetime as dt
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from verbund.core.cli import actor_from, add_actor_argument, refusal
from verbund.core.formatting import format_number, format_percent
from verbund.core.management.base import VerbundCommand, gettext_lazy
from verbund.hierarchies import browse, changes, engine, selectors
from verbund.hierarchies.actions import (
    check_move,
    do_move_subtree,
    do_refresh_closures,
    move_summary,
)
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
            more = " " + _("[+%(n)s more]") % {"n": format_number(n["child_count"])}
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
            help=gettext_lazy(
                "Party id, number or ERP key SOURCE:EXTERNAL_ID; or `refresh`; or `move` "
                "followed by the party to move; or `diff` followed by a party of the group."
            ),
        )
        parser.add_argument(
            "moved",
            nargs="?",
            metavar="PARTY",
            help=gettext_lazy(
                "After `move`: the party that moves with its subtree; after `diff`: a party of "
                "the group."
            ),
        )
        parser.add_argument(
            "--to",
            dest="to",
            metavar="PARENT",
            help=gettext_lazy(
                "With `move`: the new parent (id, number or ERP key); with `diff`: the last "
                "day (YYYY-MM-DD, default today)."
            ),
        )
        parser.add_argument(
            "--from",
            dest="from_date",
            metavar="YYYY-MM-DD",
            help=gettext_lazy("With `diff`: the first day (default a year before --to)."),
        )
        parser.add_argument(
            "--date",
            dest="date",
            metavar="YYYY-MM-DD",
            help=gettext_lazy(
                "With `move`: the first day under the new parent (default today); the old "
                "link ends the day before."
            ),
        )
        parser.add_argument(
            "--note", default="", help=gettext_lazy("With `move`: note for the audit trail.")
        )
        parser.add_argument(
            "--dry-run",
            dest="dry_run",
            action="store_true",
            help=gettext_lazy("With `move`: check and count, write nothing."),
        )
        add_actor_argument(parser)
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
        if options["party"] == "move":
            self.move(options)
            return
        if options["party"] == "diff":
            self.diff(options)
            return
        if options["moved"]:
            raise CommandError(
                _("Unexpected argument %(arg)s (only `move` and `diff` take a second party).")
                % {"arg": options["moved"]}
            )
        if options["party"] == "refresh":
            done = do_refresh_closures(actor=None)
            for key, changed in done.items():
                self.stdout.write(
                    _("%(key)s: %(n)s link(s) replayed")
                    % {"key": key, "n": format_number(changed) if changed >= 0 else _("rebuilt")}
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

    def diff(self, options: dict[str, Any]) -> None:
        """`verbund hierarchy diff PARTY --from DATE --to DATE`: one line per change."""
        if not options["moved"]:
            raise CommandError(_("diff: name a party of the group (id, number or ERP key)."))
        try:
            party = resolve_party(options["moved"])
        except Party.DoesNotExist as exc:
            raise CommandError(str(exc)) from None
        try:
            log = changes.changes(
                party.pk, options["type_key"] or "group", options["from_date"], options["to"]
            )
        except ValidationError as exc:
            names = {"from": "--from", "to": "--to", "type": "--type"}
            raise CommandError(
                "; ".join(f"{names.get(k, k)}: {' '.join(v)}" for k, v in exc.message_dict.items())
            ) from None
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {**log, "count": len(log["changes"])},
                    ensure_ascii=False,
                    indent=2,
                    default=str,
                )
            )
            return
        self.stdout.write(
            _("%(n)s change(s) from %(first)s to %(last)s")
            % {
                "n": len(log["changes"]),
                "first": date_format(log["from"], "SHORT_DATE_FORMAT"),
                "last": date_format(log["to"], "SHORT_DATE_FORMAT"),
            }
        )
        for c in log["changes"]:
            old = (c["from_parent"] or {}).get("name") or "—"
            new = (c["to_parent"] or {}).get("name") or "—"
            if c["kind"] == "share_changed":
                before, after = (
                    format_percent(c[k], at_most=2) or "—" for k in ("share_before", "share_after")
                )
                detail = f"{before} → {after}"
            else:
                detail = f"{old} → {new}"
            self.stdout.write(
                f"{date_format(c['date'], 'SHORT_DATE_FORMAT')}  {changes.KINDS[c['kind']]}  "
                f"{c['party']['name']} ({c['party']['number']})  {detail}  "
                + _("[relationship %(id)s]")
                % {"id": c["relationship_id"]}
            )

    def move(self, options: dict[str, Any]) -> None:
        """`verbund hierarchy move PARTY --to PARENT`: one line saying what moved."""
        if not options["moved"]:
            raise CommandError(_("move: name the party to move (id, number or ERP key)."))
        if not options["to"]:
            raise CommandError(_("--to: name the new parent (id, number or ERP key)."))
        try:
            party = resolve_party(options["moved"])
        except Party.DoesNotExist as exc:
            raise CommandError(str(exc)) from None
        try:
            parent = resolve_party(options["to"])
        except Party.DoesNotExist as exc:
            raise CommandError(f"--to: {exc}") from None
        type_key = options["type_key"] or "group"
        day: dt.date | None = None
        if options["date"]:
            try:
                day = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(
                    _("--date: %(value)s is not a date (YYYY-MM-DD).") % {"value": options["date"]}
                ) from None
        actor = actor_from(options)
        try:
            selectors.hierarchy_type(type_key)
            before = browse.current_parent(party.pk, type_key, day)
            if options["dry_run"]:
                summary = check_move(
                    party, parent, type_key, actor=actor, on=day, note=options["note"]
                )
            else:
                summary = move_summary(party, parent, type_key, day or engine.today())
                do_move_subtree(
                    party, parent, type_key, actor=actor, on=summary["on"], note=options["note"]
                )
        except ValidationError as exc:
            raise refusal(exc) from None
        values = {
            "party": party.display_name,
            "n": summary["members"],
            "old": before["name"] if before else "—",
            "new": parent.display_name,
            "day": date_format(summary["on"], "SHORT_DATE_FORMAT"),
        }
        if options["dry_run"]:
            line = _(
                "Dry run, nothing written: %(party)s would move with %(n)s member(s) from "
                "%(old)s to %(new)s on %(day)s."
            )
        else:
            line = _("%(party)s moved with %(n)s member(s) from %(old)s to %(new)s on %(day)s.")
        self.stdout.write(line % values)
