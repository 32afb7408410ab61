"""`verbund check revenue`: every yearly pre-aggregate equals the sum of its months."""

import json
from typing import Any, TextIO

from django.utils.translation import gettext as _

from verbund.revenue.selectors import verify_aggregates


def run(options: dict[str, Any], stdout: TextIO) -> int:
    """Print every yearly total that disagrees with its months; return their number."""
    found = verify_aggregates()
    if options.get("json"):
        rows = [
            {"party": p, "year": y, "stored_cents": s, "months_cents": m} for p, y, s, m in found
        ]
        stdout.write(json.dumps(rows, indent=2) + "\n")
    else:
        for party, year, stored, months in found:
            stdout.write(
                _("party %(party)s, %(year)s: stored %(stored)s cents, months add up to %(months)s")
                % {"party": party, "year": year, "stored": stored, "months": months}
                + "\n"
            )
        stdout.write(_("revenue: %(n)s difference(s)") % {"n": len(found)} + "\n")
    return len(found)
