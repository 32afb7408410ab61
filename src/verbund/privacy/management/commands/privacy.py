"""`verbund privacy export|erase|hold|lift|release|retention`: the privacy role's acts (DSGVO).

Every act runs through ``verbund.privacy.actions`` and is written to the privacy log.
"""

import csv
import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from verbund.core.cli import actor_from, add_actor_argument, refusal
from verbund.core.formatting import format_date, format_number
from verbund.core.management.base import VerbundCommand, gettext_lazy, iso_date
from verbund.parties.selectors import find_party
from verbund.privacy import actions

REF_HELP = gettext_lazy("Id, number or ERP key SOURCE:ID.")


class Command(VerbundCommand):
    help = gettext_lazy(
        "Data protection: export (Art. 15) or erase (Art. 17) a person's data, set or lift a "
        "legal hold, release an erased ERP key, run the retention rules."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        export = sub.add_parser(
            "export", help=gettext_lazy("Print everything held about a person as JSON.")
        )
        export.add_argument("ref", help=REF_HELP)
        export.add_argument("--out", help=gettext_lazy("Write the JSON to this file."))
        export.add_argument("--reason", default="", help=gettext_lazy("Reference of the request."))
        erase = sub.add_parser(
            "erase", help=gettext_lazy("Anonymise a person (refused under a legal hold).")
        )
        erase.add_argument("ref", help=REF_HELP)
        erase.add_argument(
            "--reason", required=True, help=gettext_lazy("Reference of the request.")
        )
        erase.add_argument(
            "--dry-run", action="store_true", help=gettext_lazy("Only show what would change.")
        )
        hold = sub.add_parser("hold", help=gettext_lazy("Keep a party's data until a date."))
        hold.add_argument("ref", help=REF_HELP)
        hold.add_argument(
            "--until", required=True, type=iso_date, help=gettext_lazy("Date (YYYY-MM-DD).")
        )
        hold.add_argument(
            "--reason", required=True, help=gettext_lazy("Why the data must be kept.")
        )
        lift = sub.add_parser("lift", help=gettext_lazy("Lift a party's legal holds."))
        lift.add_argument("ref", help=REF_HELP)
        lift.add_argument("--reason", required=True, help=gettext_lazy("Why the hold ends."))
        release = sub.add_parser(
            "release", help=gettext_lazy("Let the ERP send an erased party's key again.")
        )
        release.add_argument("ref", help=REF_HELP)
        release.add_argument(
            "--reason", required=True, help=gettext_lazy("Why the key may come back.")
        )
        retention = sub.add_parser(
            "retention", help=gettext_lazy("List what the retention rules find due (dry run).")
        )
        retention.add_argument(
            "--apply", action="store_true", help=gettext_lazy("Erase what is due.")
        )
        retention.add_argument(
            "--json", action="store_true", help=gettext_lazy("Print the result as JSON.")
        )
        consents = sub.add_parser(
            "consents",
            help=gettext_lazy(
                "Import consents and objections from a CSV file (party;channel;purpose;status;date;source)."
            ),
        )
        consents.add_argument(
            "file", help=gettext_lazy("CSV file, separated by semicolons, with a header line.")
        )
        for p in (export, erase, hold, lift, release, retention, consents):
            add_actor_argument(p)  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        verb = options["verb"]
        try:
            actor = actor_from(options)
            if verb == "retention":
                self._retention(actor, options)
                return
            if verb == "consents":
                self._consents(actor, options["file"])
                return
            party = find_party(options["ref"], "ref")
            if verb == "export":
                document = actions.do_export_party(party, actor=actor, reason=options["reason"])
                text = json.dumps(document, ensure_ascii=False, indent=2)
                if options["out"]:
                    Path(options["out"]).write_text(text, encoding="utf-8")
                    self.stdout.write(_("Written to %(file)s.") % {"file": options["out"]})
                else:
                    self.stdout.write(text)
            elif verb == "erase":
                if options["dry_run"]:
                    refusal_text = actions.erasure_refusal(party)
                    if refusal_text:
                        raise CommandError(refusal_text)
                    plan = actions.erasure_plan(party)
                    self.stdout.write(json.dumps(plan.__dict__, ensure_ascii=False, indent=2))
                    return
                plan = actions.do_erase_party(party, actor=actor, reason=options["reason"])
                self.stdout.write(
                    _("Party %(id)s erased: %(activities)s activities, %(follow_ups)s follow-ups and %(records)s audit records anonymised, %(relationships)s relationships and %(revenue)s revenue months kept.")
                    % {"id": party.pk, "activities": plan.activities, "follow_ups": plan.follow_ups, "records": plan.audit_records,
                       "relationships": plan.relationships_kept, "revenue": plan.revenue_months_kept}
                )  # fmt: skip
            elif verb == "hold":
                hold = actions.do_set_hold(
                    party, actor=actor, until=options["until"], reason=options["reason"]
                )
                self.stdout.write(
                    _("Legal hold on party %(id)s until %(date)s.")
                    % {"id": party.pk, "date": format_date(hold.until)}
                )
            elif verb == "lift":
                n = actions.do_lift_hold(party, actor=actor, reason=options["reason"])
                self.stdout.write(_("%(n)s legal hold(s) lifted.") % {"n": n})
            else:
                keys = actions.do_release_erased_key(party, actor=actor, reason=options["reason"])
                self.stdout.write(_("Released for import: %(keys)s") % {"keys": ", ".join(keys)})
        except ValidationError as exc:
            raise refusal(exc) from None

    def _consents(self, actor: Any, file: str) -> None:
        try:
            with open(file, encoding="utf-8-sig", newline="") as handle:
                rows = list(csv.DictReader(handle, delimiter=";"))
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}") from None
        n = actions.do_import_consents(rows, actor=actor)
        self.stdout.write(_("%(n)s consents and objections recorded.") % {"n": n})

    def _retention(self, actor: Any, options: dict[str, Any]) -> None:
        try:
            result = actions.do_retention(actor=actor, apply=options["apply"])
        except ValidationError as exc:
            raise refusal(exc) from None
        if options["json"]:
            self.stdout.write(json.dumps({
                "applied": options["apply"],
                "rules": [{"rule": d.rule.key, "years": d.rule.years, "cutoff": d.cutoff.isoformat(),
                           "due": len(d.party_ids), "party_ids": d.party_ids[:10000]} for d in result.due],
                "held": sorted(result.held), "erased": result.erased,
                "refused": {str(k): v for k, v in result.refused.items()},
            }, ensure_ascii=False, indent=2))  # fmt: skip
            return
        for d in result.due:
            self.stdout.write(
                _("%(rule)s (before %(cutoff)s): %(n)s due")
                % {"rule": d.rule.description, "cutoff": format_date(d.cutoff), "n": format_number(len(d.party_ids))}
            )  # fmt: skip
            for pid in d.party_ids[:50]:
                self.stdout.write(
                    f"  {pid}{'  ' + _('(legal hold)') if pid in result.held else ''}"
                )
            if len(d.party_ids) > 50:
                self.stdout.write(
                    "  " + _("… and %(n)s more") % {"n": format_number(len(d.party_ids) - 50)}
                )
        if options["apply"]:
            self.stdout.write(_("%(n)s erased, %(held)s kept under a legal hold, %(refused)s refused.") % {
                "n": len(result.erased), "held": len(result.held), "refused": len(result.refused)})  # fmt: skip
        else:
            self.stdout.write(_("Dry run: nothing was changed. --apply erases what is due."))
