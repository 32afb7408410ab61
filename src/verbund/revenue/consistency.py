"""`verbund check revenue`: every yearly pre-aggregate (its total and its months) equals the
sums of the monthly rows."""

import json
from typing import Any, TextIO

from django.utils.translation import gettext as _

from verbund.revenue.selectors import verify_aggregates


def _cents(value: int | None) -> str:
    return "-" if value is None else str(value)


def run(options: dict[str, Any], stdout: TextIO) -> int:
    """Print every yearly figure that disagrees with the monthly rows; return their number.

    A figure is the year's total (``amount_cents``) or one month's sum (``m01`` ... ``m12``);
    "-" (JSON: null) means none: no year row, or no monthly row."""
    found = verify_aggregates()
    if options.get("json"):
        rows = [
            {"party": p, "year": y, "figure": f, "stored_cents": s, "months_cents": m}
            for p, y, f, s, m in found
        ]
        stdout.write(json.dumps(rows, indent=2) + "\n")
    else:
        for party, year, figure, stored, months in found:
            if figure == "amount_cents":
                text = _(
                    "party %(party)s, %(year)s: stored %(stored)s cents, months add up to %(months)s"
                ) % {
                    "party": party,
                    "year": year,
                    "stored": _cents(stored),
                    "months": _cents(months),
                }
            else:
                text = _(
                    "party %(party)s, %(month)s: stored %(stored)s cents, the month's figures add up to %(months)s"
                ) % {
                    "party": party,
                    "month": f"{year}-{figure[1:]}",
                    "stored": _cents(stored),
                    "months": _cents(months),
                }
            stdout.write(text + "\n")
        stdout.write(_("revenue: %(n)s difference(s)") % {"n": len(found)} + "\n")
    return len(found)
