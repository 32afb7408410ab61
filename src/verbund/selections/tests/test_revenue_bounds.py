"""The one-year revenue bound (a probe of the yearly pre-aggregate) selects exactly what the
general bound (the summed revenue of the period) selects, at every edge: no figures, negative
and zero years, bounds below, at and above the amounts."""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest

from verbund.parties.models import Party
from verbund.revenue.actions import do_record_revenue
from verbund.revenue.periods import Period
from verbund.selections import selectors

pytestmark = pytest.mark.django_db

YEAR = dt.date.today().year
AMOUNTS = [None, "-500", "0", "500", "1000"]
BOUNDS = ["-1000", "-500", "-0.01", "0", "0.01", "500", "999.99", "1000", "1000.01"]


def _summed(period: Period, bound: str, amount: Decimal) -> set[int]:
    """The general path: the period's own revenue as a correlated sum, compared."""
    name = "summed"
    lookup = "gte" if bound == "min" else "lte"
    qs = Party.objects.alias(**{name: selectors.own_revenue(period)})
    cents = int(amount * 100)
    return set(qs.filter(**{f"{name}__{lookup}": cents}).values_list("pk", flat=True))


def test_a_one_year_bound_selects_what_the_summed_revenue_selects(
    org: Callable[..., Party],
) -> None:
    parties = []
    for n, amount in enumerate(AMOUNTS):
        party = org(f"Umsatz {n}")
        if amount is not None:
            # Two months, so the year's figure is a sum (and a credit note can make it negative).
            do_record_revenue(actor=None, party=party, month=f"{YEAR}-02", amount="100")
            rest = Decimal(amount) - 100
            do_record_revenue(actor=None, party=party, month=f"{YEAR}-07", amount=str(rest))
        parties.append(party.pk)
    period = Period.year(YEAR)
    sizes = set()
    for bound in ("min", "max"):
        for text in BOUNDS:
            amount = Decimal(text)
            fast = set(
                selectors.with_revenue(Party.objects.all(), period, bound, amount).values_list(
                    "pk", flat=True
                )
            )
            assert fast == _summed(period, bound, amount), (bound, text)
            sizes.add(len(fast & set(parties)))
    # The bounds cut the parties at every place: from none of them to all of them.
    assert sizes == set(range(len(AMOUNTS) + 1))


def test_several_years_still_sum_the_years(org: Callable[..., Party]) -> None:
    party = org("Zwei Jahre")
    do_record_revenue(actor=None, party=party, month=f"{YEAR - 1}-05", amount="600")
    do_record_revenue(actor=None, party=party, month=f"{YEAR}-05", amount="600")
    both = Period(dt.date(YEAR - 1, 1, 1), dt.date(YEAR, 12, 1))
    selected = selectors.with_revenue(Party.objects.all(), both, "min", Decimal("1000"))
    assert party.pk in set(selected.values_list("pk", flat=True))
    one = selectors.with_revenue(Party.objects.all(), Period.year(YEAR), "min", Decimal("1000"))
    assert party.pk not in set(one.values_list("pk", flat=True))
