"""`verbund screen [PARTY...] [--all] [--json] [--workers N]`: screen parties against the current lists."""

import json
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from verbund.compliance.actions import do_screen_parties, do_screen_party
from verbund.compliance.models import Hit, HitStatus, RunTrigger
from verbund.core.formatting import format_number
from verbund.core.management.base import VerbundCommand, gettext_lazy
from verbund.parties.actions import resolve_party
from verbund.parties.models import Party


class Command(VerbundCommand):
    help = gettext_lazy("Screen parties against the current sanctions lists.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("parties", nargs="*", help=gettext_lazy("party id, number or ERP key"))
        parser.add_argument("--all", action="store_true", help=gettext_lazy("screen every party"))
        parser.add_argument(
            "--json", action="store_true", help=gettext_lazy("print the result as JSON")
        )
        parser.add_argument(
            "--workers",
            type=int,
            help=gettext_lazy(
                "processes for bulk screening (default: VERBUND_SCREENING_WORKERS, one per core)"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workers"] is not None and options["workers"] < 1:
            raise CommandError(
                _("--workers: at least one worker (given %(n)s)") % {"n": options["workers"]}
            )
        if options["parties"]:
            out: list[dict[str, Any]] = []
            for ref in options["parties"]:
                try:
                    party = resolve_party(ref)
                except Party.DoesNotExist as exc:
                    raise CommandError(str(exc)) from exc
                hits = do_screen_party(party, actor=None)
                out.append(
                    {
                        "party": party.pk,
                        "number": party.number,
                        "name": party.display_name,
                        "hits": [_hit(h) for h in hits],
                    }
                )
            if options["json"]:
                self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
            else:
                for p in out:
                    self.stdout.write(
                        _("%(number)s %(name)s: %(n)s hit(s)")
                        % {
                            "number": p["number"],
                            "name": p["name"],
                            "n": format_number(len(p["hits"])),
                        }
                    )
                    for h in p["hits"]:
                        self.stdout.write(
                            f"  {h['score']:.2f} {h['list']} {h['entry_id']} {h['entry_name']} [{HitStatus(h['status']).label}]"
                        )
            return
        if not options["all"]:
            raise CommandError(_("name parties to screen, or --all"))
        run = do_screen_parties(actor=None, trigger=RunTrigger.ALL, workers=options["workers"])
        summary: dict[str, Any] = {
            "run": run.pk,
            "parties": run.total,
            "hits": run.hit_count,
            "new_hits": run.new_hit_count,
            "open": Hit.objects.filter(status=HitStatus.OPEN).count(),
        }
        if options["json"]:
            summary["hit_list"] = [
                _hit(h) for h in Hit.objects.filter(run=run).select_related("list")[:10000]
            ]
            self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(
                _(
                    "run #%(run)s: %(parties)s parties, %(hits)s hits (%(new)s new), %(open)s open in the queue"
                )
                % {
                    "run": run.pk,
                    "parties": run.total,
                    "hits": run.hit_count,
                    "new": run.new_hit_count,
                    "open": summary["open"],
                }
            )


def _hit(h: Hit) -> dict[str, Any]:
    return {
        "id": h.pk, "party": h.party_id, "list": h.list.key, "entry_id": h.entry_external_id, "entry_name": h.entry_name,
        "matched_name": h.matched_name, "score": h.score, "status": h.status, "explanation": h.explanation,
    }  # fmt: skip
