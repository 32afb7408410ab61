"""Demo revenue for ``verbund demo``: 24 months of plausible figures per customer organisation."""

import datetime as dt
import time
from collections.abc import Sequence
from typing import IO, Any

from django.utils.translation import gettext as _

from verbund.core.formatting import format_number
from verbund.revenue.bulk import do_generate_demo_revenue
from verbund.revenue.periods import add_months, month_start


def demo_months(months: int, today: dt.date | None = None) -> list[dt.date]:
    """The ``months`` whole months before the current one, oldest first."""
    current = month_start(today or dt.date.today())
    return [add_months(current, -i) for i in range(months, 0, -1)]


def generate_revenue(
    party_ids_or_none: Sequence[int] | None,
    months: int = 24,
    seed: int = 1,
    stdout: IO[str] | Any = None,
) -> int:
    """Write ``months`` months of demo revenue for the given parties (None: every customer
    organisation), replacing earlier demo figures of those parties; returns the row count."""
    started = time.perf_counter()
    written = do_generate_demo_revenue(party_ids_or_none, demo_months(months), seed)
    if stdout is not None:
        stdout.write(
            _("revenue: %(n)s monthly figures in %(sec).1f s")
            % {"n": format_number(written), "sec": time.perf_counter() - started}
            + "\n"
        )
    return written
