"""Group revenue full and share-weighted (#17.4), on a hand-worked example.

Holding H, its own revenue 1.000,00 €.
  A under H, 50 %: 333,33 €  -> effective 50 %: 166,665 €
  B under A, 50 %: 100,02 €  -> effective 25 %:  25,005 €
  C under H, no share: 500,00 € -> not counted
Full: 1.000,00 + 333,33 + 100,02 + 500,00 = 1.933,35 €.
Weighted, summed exactly: 1.000,00 + 166,665 + 25,005 = 1.191,67 € (exactly 119.167 cents);
rounding each member first (half up) would give 166,67 + 25,01 and 1.191,68 €: the total is
rounded once, the members' figures one by one.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from verbund.relationships.actions import do_create_relationship
from verbund.revenue import selectors
from verbund.revenue.actions import do_record_revenue
from verbund.revenue.periods import Period
from verbund.revenue.sections import weighted_revenue

pytestmark = pytest.mark.django_db
# Last year: compared whole whatever the day (this year would end with the last complete month,
# without February in January and February: periods.comparable).
YEAR = dt.date.today().year - 1


@pytest.fixture
def holding(org):
    h, a, b, c = (org(n) for n in ("H Holding AG", "A GmbH", "B GmbH", "C GmbH"))
    do_create_relationship(actor=None, type="group", from_party=a, to_party=h, share="50")
    do_create_relationship(actor=None, type="group", from_party=b, to_party=a, share="50")
    do_create_relationship(actor=None, type="group", from_party=c, to_party=h)
    for party, amount in ((h, "1000.00"), (a, "333.33"), (b, "100.02"), (c, "500.00")):
        do_record_revenue(actor=None, party=party, month=f"{YEAR}-02", amount=amount)
    return {"h": h, "a": a, "b": b, "c": c}


def test_the_weighted_group_revenue_is_exact_to_the_cent_rounded_once(holding):
    figures = selectors.party_revenue(
        holding["b"], scope="group", period=Period.year(YEAR), type_key="group", breakdown=None
    )
    assert figures.total_cents == 193335
    result = weighted_revenue(figures, "group")
    assert result["total_cents"] == 119167
    by_party = {r["member"].party_id: r for r in result["members"]}
    assert by_party[holding["h"].pk]["share"] == Decimal("100.00")
    assert by_party[holding["a"].pk]["cents"] == 16667  # 16.666,5 cents, half up
    assert by_party[holding["b"].pk]["share"] == Decimal("25.00")
    assert by_party[holding["b"].pk]["cents"] == 2501  # 2.500,5 cents, half up
    assert by_party[holding["c"].pk]["cents"] == 0
    assert not by_party[holding["c"].pk]["has_share"]
    assert result["without_share"] == 1
    assert result["complete"] is True


def test_the_revenue_section_switches_between_full_and_share_weighted(client_for, holding):
    c = client_for("viewer")
    url = reverse("revenue-section", args=[holding["a"].pk])
    with translation.override("de"):
        full = c.get(url, {"rev_year": YEAR}, HTTP_ACCEPT_LANGUAGE="de").content.decode()
        weighted = c.get(
            url, {"rev_year": YEAR, "rev_weight": "share"}, HTTP_ACCEPT_LANGUAGE="de"
        ).content.decode()
    assert 'data-testid="revenue-weight-share"' in full
    assert "1.933,35\u00a0€" in full or "1.933,35 €" in full
    assert 'data-testid="revenue-weighted-group-group"' not in full
    assert 'data-testid="revenue-weighted-group-group"' in weighted
    assert re.search(r'revenue-weighted-total">1\.191,67(\xa0| )€', weighted)
    assert 'data-testid="revenue-weight-full"' in weighted
    # The period form keeps the choice.
    assert 'name="rev_weight" value="share"' in weighted


def test_an_unknown_weighting_shows_the_full_figures(client_for, holding):
    c = client_for("viewer")
    page = c.get(
        reverse("revenue-section", args=[holding["a"].pk]), {"rev_year": YEAR, "rev_weight": "x"}
    ).content.decode()
    assert 'data-testid="revenue-weighted-group-group"' not in page
    assert 'name="rev_weight" value="full"' in page
