"""`verbund revenue PARTY --scope group --year 2025 [--structure historic] [--json]`."""

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from verbund.core.management.base import VerbundCommand, gettext_lazy
from verbund.parties.actions import resolve_party
from verbund.parties.models import Party
from verbund.revenue import selectors
from verbund.revenue.exports import type_name
from verbund.revenue.periods import Period, month_label, period_label


def euro(cents: int) -> str:
    """German display: 1.234,56 €."""
    text = f"{abs(cents) // 100:,}".replace(",", ".")
    return f"{'-' if cents < 0 else ''}{text},{abs(cents) % 100:02d} €"


class Command(VerbundCommand):
    help = gettext_lazy(
        "Show a party's revenue: own, group, subtree or association, for a year or months."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "party", nargs="?", help=gettext_lazy("id, number or SOURCE:EXTERNAL_ID")
        )
        parser.add_argument(
            "--scope",
            choices=selectors.SCOPES,
            default="own",
            help=gettext_lazy("whose revenue: the party's own, its group, subtree or association"),
        )
        parser.add_argument(
            "--type",
            dest="type_key",
            default=None,
            help=gettext_lazy("hierarchy type key (default group)"),
        )
        parser.add_argument(
            "--structure",
            choices=selectors.STRUCTURES,
            default="current",
            help=gettext_lazy(
                "current: today's structure for every month; historic: each month's own structure"
            ),
        )
        parser.add_argument("--year", type=int, default=None, help=gettext_lazy("calendar year"))
        parser.add_argument(
            "--from", dest="start", default=None, help=gettext_lazy("first month, YYYY-MM")
        )
        parser.add_argument(
            "--to", dest="end", default=None, help=gettext_lazy("last month, YYYY-MM")
        )
        parser.add_argument(
            "--members", type=int, default=20, help=gettext_lazy("members listed, largest first")
        )
        parser.add_argument(
            "--top", type=int, default=None, help=gettext_lazy("list the N largest groups instead")
        )
        parser.add_argument("--json", action="store_true", help=gettext_lazy("print JSON"))

    def handle(self, *args: Any, **o: Any) -> None:
        try:
            # The API's own parsing, so a year out of range is refused the same way.
            period = selectors.period_from_params(
                {"year": o["year"], "from": o["start"], "to": o["end"]}
            )
            top = selectors.int_param({"--top": o["top"]}, "--top", None, 1, 10_000)
            if top:
                self._top(o, period)
                return
            if not o["party"]:
                raise CommandError(
                    _("Name a party (id, number or SOURCE:EXTERNAL_ID) or use --top.")
                )
            try:
                party = resolve_party(o["party"])
            except Party.DoesNotExist as exc:
                raise CommandError(str(exc)) from None
            figures = selectors.party_revenue(
                party,
                scope=o["scope"],
                period=period,
                type_key=o["type_key"],
                structure=o["structure"],
                breakdown=o["members"],
            )
        except ValidationError as exc:
            raise CommandError(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            ) from None
        if o["json"]:
            self.stdout.write(json.dumps(figures.as_dict(), ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{party.display_name} ({party.number})")
        # As the pages and the people's exports name them (decision 0053); --json keeps the keys.
        scope = str(selectors.SCOPE_LABELS.get(o["scope"], o["scope"]))
        if figures.type_key:
            scope += f" [{type_name(figures.type_key)}]"
        structure = selectors.STRUCTURE_LABELS.get(o["structure"], o["structure"])
        self.stdout.write(
            f"{_('Scope')}: {scope}  {_('Structure')}: {structure}  {_('Period')}: {period_label(period)}"
        )
        self.stdout.write(f"{_('Total')}: {euro(figures.total_cents)}")
        for month, cents in figures.months:
            self.stdout.write(f"  {month_label(month):<10}  {euro(cents):>20}")
        if figures.members:
            self.stdout.write(f"{_('Members')} ({figures.member_count}):")
            for m in figures.members:
                self.stdout.write(f"  {m.number:<12} {m.name[:40]:<40} {euro(m.cents):>20}")
        if figures.invoiced_through_cents is not None:
            self.stdout.write(
                f"{_('Invoiced through this party')}: {euro(figures.invoiced_through_cents)}"
            )

    def _top(self, o: dict[str, Any], period: Period) -> None:
        rows = selectors.top_groups(
            selectors.hierarchy_type(o["type_key"] or "group"), period, limit=o["top"]
        )
        if o["json"]:
            self.stdout.write(
                json.dumps(
                    [
                        {
                            "party": r.party_id,
                            "number": r.number,
                            "name": r.name,
                            "amount": r.amount,
                        }
                        for r in rows
                    ],
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        for i, r in enumerate(rows, start=1):
            self.stdout.write(f"{i:>4}. {r.number:<12} {r.name[:40]:<40} {euro(r.cents):>20}")
