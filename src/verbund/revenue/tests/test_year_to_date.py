"""A period that begins in January (a year to date, as the comparison with the year before
reads the current year) is read from the yearly aggregates' month columns instead of the
monthly rows (decision 0050): the same figures, months, member counts and members, to the
cent, in both structures, as the monthly rows give; a party whose only figures lie after the
period's last month is no member with revenue."""

import datetime as dt
import random
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from verbund.relationships.actions import do_create_relationship
from verbund.relationships.models import RelationshipType
from verbund.revenue import analysis, selectors
from verbund.revenue.actions import do_record_revenue
from verbund.revenue.periods import Period

pytestmark = pytest.mark.django_db

PERIODS = [
    Period.parse("2025-01", "2025-07"),
    Period.parse("2025-01", "2025-01"),
    Period.parse("2025-01", "2025-11"),
    Period.parse("2024-01", "2025-06"),
    Period.year(2025),
]


def _monthly() -> Any:
    """Both modules read the monthly rows, as they did for every part of a year."""
    return mock.patch.multiple(
        "verbund.revenue.analysis", reads_years=lambda period: False
    ), mock.patch.object(selectors, "reads_years", lambda period: False)


def _rows(ranking: analysis.Ranking) -> dict[int, tuple[int, int]]:
    # A head without revenue in either period may be listed by the monthly rows (they read the
    # months between the two periods too); one with revenue is listed alike.
    return {
        r.party_id: (r.cents, r.previous_cents) for r in ranking.rows if r.cents or r.previous_cents
    }


@pytest.mark.parametrize("seed", range(3))
def test_a_year_to_date_from_the_year_rows_equals_the_monthly_rows(org: Any, seed: int) -> None:
    rng = random.Random(seed)
    parties = [org(f"Firma {seed}-{i} GmbH") for i in range(10)]
    for _ in range(12):
        child, parent = rng.sample(parties, 2)
        start = rng.choice([None, dt.date(2024, 3, 10), dt.date(2025, 4, 20)])
        try:
            do_create_relationship(
                actor=None, type="group", from_party=child, to_party=parent, valid_from=start
            )
        except ValidationError:
            continue  # a second parent or a cycle: refused
    for p in parties[:-1]:
        for year in (2024, 2025):
            for m in rng.sample(range(1, 13), 6):
                cents = rng.randrange(-5_000, 500_000)
                do_record_revenue(
                    actor=None, party=p, month=f"{year}-{m:02d}", amount=f"{cents / 100:.2f}"
                )
    # The last party has figures in December only: after every period but the whole year.
    do_record_revenue(actor=None, party=parties[-1], month="2025-12", amount="7.00")
    rtype = RelationshipType.objects.get(key="group")
    for period in PERIODS:
        for mode in ("current", "historic"):
            years = analysis.top_ranking(rtype, period, mode=mode, limit=None)
            first, second = _monthly()
            with first, second:
                months = analysis.top_ranking(rtype, period, mode=mode, limit=None)
            assert _rows(years) == _rows(months), (period, mode)
            for line in years.rows[:3]:
                got = analysis.members_ranking(rtype, line.party_id, period, mode=mode, limit=None)
                with first, second:
                    want = analysis.members_ranking(
                        rtype, line.party_id, period, mode=mode, limit=None
                    )
                assert _rows(got) == _rows(want), (period, mode, line.party_id)
        for root in {selectors.group_root(p.pk, rtype) for p in parties}:
            for structure in ("current", "historic"):
                for breakdown in (None, 0, 2):
                    got = selectors.tree_revenue(
                        root, rtype, period, structure=structure, breakdown=breakdown
                    )
                    total = selectors.group_total(root, rtype, period, structure=structure)
                    with first, second:
                        want = selectors.tree_revenue(
                            root, rtype, period, structure=structure, breakdown=breakdown
                        )
                    assert (got.total_cents, got.months, got.member_count) == (
                        want.total_cents,
                        want.months,
                        want.member_count,
                    ), (period, structure, breakdown)
                    assert [(m.party_id, m.cents) for m in got.members] == [
                        (m.party_id, m.cents) for m in want.members
                    ]
                    assert total == want.total_cents
