"""The ranking by the structure of each month against a plain Python reckoning, on random dated
hierarchies built through the actions (links that begin, end and come back inside the
periods): every head's figure for this and the previous period, to the cent (#18.1)."""

import datetime as dt
import random
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from verbund.relationships.actions import do_create_relationship
from verbund.relationships.models import Relationship, RelationshipType
from verbund.revenue import analysis
from verbund.revenue.actions import do_record_revenue
from verbund.revenue.periods import Period, month_end

pytestmark = pytest.mark.django_db

DAYS = [dt.date(2022, 12, 1) + dt.timedelta(days=i) for i in range(0, 3 * 365, 17)]


def _expected(period: Period, revenue: dict[tuple[int, dt.date], int]) -> dict[int, list[int]]:
    """Each month partitioned by the links valid on its last day: a party's revenue counts for
    the top of its tree that day, where that top heads at least one member."""
    links = list(Relationship.objects.filter(type__key="group"))

    def parent(pid: int, day: dt.date) -> int | None:
        for r in links:
            if (
                r.from_party_id == pid
                and (r.valid_from is None or r.valid_from <= day)
                and (r.valid_to is None or r.valid_to >= day)
            ):
                return int(r.to_party_id)
        return None

    def has_member(pid: int, day: dt.date) -> bool:
        return any(
            r.to_party_id == pid
            and (r.valid_from is None or r.valid_from <= day)
            and (r.valid_to is None or r.valid_to >= day)
            for r in links
        )

    previous = analysis.previous_year(period)
    found: dict[int, list[int]] = {}
    for (pid, month), cents in revenue.items():
        day = month_end(month)
        top, steps = pid, 0
        while (up := parent(top, day)) is not None and steps < 64:
            top, steps = up, steps + 1
        if not has_member(top, day):
            continue
        entry = found.setdefault(top, [0, 0])
        if period.first <= month <= period.last:
            entry[0] += cents
        if previous.first <= month <= previous.last:
            entry[1] += cents
    return found


@pytest.mark.parametrize("seed", range(6))
def test_the_ranking_by_each_months_structure_matches_a_plain_reckoning(
    org: Any, seed: int
) -> None:
    rng = random.Random(seed)
    parties = [org(f"Firma {seed}-{i} GmbH") for i in range(9)]
    for _ in range(14):
        child, parent = rng.sample(parties, 2)
        start = rng.choice(DAYS)
        end = rng.choice([None, None, *[d for d in DAYS if d >= start]])
        try:
            do_create_relationship(
                actor=None, type="group", from_party=child, to_party=parent,
                valid_from=start, valid_to=end,
            )  # fmt: skip
        except ValidationError:
            continue  # a second parent or a cycle on some day: refused, as it should be
    revenue: dict[tuple[int, dt.date], int] = {}
    for p in parties:
        for year in (2023, 2024, 2025):
            for m in rng.sample(range(1, 13), 5):
                cents = rng.randrange(-5_000, 500_000)
                month = dt.date(year, m, 1)
                do_record_revenue(
                    actor=None, party=p, month=f"{year}-{m:02d}", amount=f"{cents / 100:.2f}"
                )
                revenue[(p.pk, month)] = cents
    rtype = RelationshipType.objects.get(key="group")
    for period in (
        Period.year(2025),
        Period.year(2024),
        Period.parse("2024-05", "2025-02"),
        Period.quarter(2025, 3),
        # Years to date, read from the year rows' month columns (decision 0050).
        Period.parse("2025-01", "2025-07"),
        Period.parse("2025-01", "2025-01"),
        Period.parse("2024-01", "2025-06"),
    ):
        ranking = analysis.top_ranking(rtype, period, mode="historic", limit=None)
        got = {r.party_id: [r.cents, r.previous_cents] for r in ranking.rows}
        expected = _expected(period, revenue)
        # A head with no revenue row in either period is not listed; one listed has some.
        assert {k: v for k, v in got.items() if v != [0, 0]} == {
            k: v for k, v in expected.items() if v != [0, 0]
        }, period
        # Each head's members add up to its line.
        for line in ranking.rows[:3]:
            members = analysis.members_ranking(
                rtype, line.party_id, period, mode="historic", limit=None
            )
            assert sum(r.cents for r in members.rows) == line.cents
            assert sum(r.previous_cents for r in members.rows) == line.previous_cents
