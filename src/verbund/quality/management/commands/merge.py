"""`verbund merge SURVIVOR SOURCE... [--plan] [--take FIELD=PARTY] [--keep-own] [--json]` and
`verbund merge --undo MERGE_ID`: merge duplicates (a pair or a whole cluster in one step)."""

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from verbund.core.cli import actor_from, add_actor_argument, refusal
from verbund.core.management.base import VerbundCommand, gettext_lazy
from verbund.parties.actions import resolve_party
from verbund.parties.models import Party
from verbund.quality import actions
from verbund.quality.models import MergeRecord


class Command(VerbundCommand):
    help = gettext_lazy(
        "Merge duplicate parties into one (a pair or a cluster in one step), or undo a merge."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "parties",
            nargs="*",
            help=gettext_lazy(
                "the party that stays, then the ones merged into it (id, number or ERP key)"
            ),
        )
        parser.add_argument(
            "--plan",
            action="store_true",
            help=gettext_lazy("only list what the merge would move or end"),
        )
        parser.add_argument(
            "--take",
            action="append",
            default=[],
            metavar="FIELD=PARTY",
            help=gettext_lazy("take this field's value from that party (repeatable)"),
        )
        parser.add_argument(
            "--keep-own",
            action="store_true",
            help=gettext_lazy(
                "take no values (default: fill the survivor's empty fields from the others)"
            ),
        )
        parser.add_argument("--note", default="")
        parser.add_argument(
            "--undo", type=int, metavar="MERGE_ID", help=gettext_lazy("undo a merge")
        )
        parser.add_argument("--json", action="store_true", help=gettext_lazy("print JSON"))
        add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = actor_from(options)
        if options["undo"] is not None:
            record = MergeRecord.objects.filter(pk=options["undo"]).first()
            if record is None:
                raise CommandError(_("--undo: no merge %(id)s") % {"id": options["undo"]})
            try:
                actions.do_undo_merge(record, actor=actor)
            except ValidationError as exc:
                raise refusal(exc) from exc
            self.stdout.write(_("The merge was undone."))
            return
        if len(options["parties"]) < 2:
            raise CommandError(
                _(
                    "name the party that stays and at least one party to merge into it (given: %(given)s)"
                )
                % {"given": " ".join(options["parties"]) or "—"}
            )
        for item in options["take"]:
            field, sep, _ref = item.partition("=")
            if not sep or field not in actions.MERGEABLE_FIELDS:
                raise CommandError(
                    _("--take %(item)s: FIELD=PARTY with one of %(fields)s")
                    % {"item": item, "fields": ", ".join(actions.MERGEABLE_FIELDS)}
                )
        parties = [self._party(ref) for ref in options["parties"]]
        survivor, sources = parties[0], parties[1:]
        values = self._values(options, parties)
        if options["plan"]:
            plan = actions.plan_merge(sources, survivor, actor=actor, values=values)
            self._print_plan(plan, json_out=options["json"])
            if plan["refused"]:
                raise CommandError("\n".join(plan["refused"]))
            return
        try:
            records = actions.do_merge_cluster(
                sources, survivor, actor=actor, values=values, note=options["note"]
            )
        except ValidationError as exc:
            raise refusal(exc) from exc
        if options["json"]:
            out = {"merges": [r.pk for r in records], "survivor": survivor.pk}
            self.stdout.write(json.dumps(out))
            return
        self.stdout.write(
            _("Merged %(source)s into %(survivor)s (merge %(id)s; undo with --undo %(id)s).")
            % {
                "source": ", ".join(str(p) for p in sources),
                "survivor": survivor,
                "id": records[0].pk,
            }
        )

    def _party(self, ref: str) -> Party:
        try:
            return resolve_party(ref)
        except Party.DoesNotExist as exc:
            raise CommandError(str(exc)) from exc

    def _values(self, options: dict[str, Any], parties: list[Party]) -> dict[str, Any] | None:
        if not options["take"]:
            return {} if options["keep_own"] else None
        values: dict[str, Any] = (
            {} if options["keep_own"] else dict(actions.preferred_values(parties, parties[0]))
        )
        for item in options["take"]:
            field, _sep, ref = item.partition("=")
            party = self._party(ref)
            if party.pk not in {p.pk for p in parties}:
                raise CommandError(
                    _("--take %(item)s: %(party)s is not one of the merged parties")
                    % {"item": item, "party": ref}
                )
            values[field] = getattr(party, field)
        return values

    def _print_plan(self, plan: dict[str, Any], *, json_out: bool) -> None:
        if json_out:
            self.stdout.write(json.dumps(plan, ensure_ascii=False, default=str))
            return
        for field, value in plan["values"].items():
            self.stdout.write(f"{capfirst(actions.field_label(field))}: {value}")
        outcome = {"moved": _("moves"), "ended": _("ends"), "stays": _("stays")}
        for section in plan["sections"]:
            if not section["items"]:
                continue
            self.stdout.write(f"{section['title']} ({len(section['items'])})")
            for item in section["items"]:
                why = f" ({item['why']})" if item["why"] else ""
                self.stdout.write(f"  [{outcome[item['outcome']]}] {item['text']}{why}")
