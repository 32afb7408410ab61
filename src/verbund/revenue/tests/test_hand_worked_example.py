"""docs/revenue.md, "Hand-worked example": every figure there, checked to the cent."""

from typing import Any

import pytest

from verbund.revenue import selectors
from verbund.revenue.periods import Period
from verbund.revenue.selectors import party_revenue

from .conftest import Example

YEAR = Period.year(2025)


@pytest.fixture(params=["closure", "cte"])
def walk(request: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run each check against the closure table and against the dated-relationship walk."""
    if request.param == "cte":
        monkeypatch.setattr(selectors, "_closure", lambda: None)
    return str(request.param)


def total(
    party: Any,
    scope: str,
    structure: str = "current",
    type_key: str | None = None,
    period: Period = YEAR,
) -> str:
    return party_revenue(
        party, scope=scope, period=period, structure=structure, type_key=type_key
    ).total


def test_the_usd_invoice_is_converted_at_the_stored_march_rate(example: Example) -> None:
    march = party_revenue(example.d, scope="own", period=Period.parse("2025-03", "2025-03"))
    assert march.total == "1241.85"  # 100.01 + 1234.56 / 1.0812 = 100.01 + 1141.84


def test_own_revenue_of_each_party_for_the_year(example: Example) -> None:
    assert total(example.holding, "own") == "14814.72"
    assert total(example.d, "own") == "2341.96"
    assert total(example.b, "own") == "3601.20"


def test_the_group_by_todays_structure_counts_b_all_year_and_c_not_at_all(
    example: Example, walk: str
) -> None:
    assert total(example.holding, "group") == "26758.48"
    # Asking from any member gives the same group.
    assert total(example.d, "group") == "26758.48"


def test_the_group_by_the_structure_of_each_month_counts_b_from_june_and_c_until_august(
    example: Example, walk: str
) -> None:
    figures = party_revenue(example.holding, scope="group", period=YEAR, structure="historic")
    assert figures.total == "26857.90"
    months = dict((m.month, c) for m, c in figures.months)
    assert months[5] == 123456 + 50005 + 10001 + 19999  # May: B not yet, C still
    assert months[6] == 123456 + 50005 + 10001 + 19999 + 30010  # June: B bought on the 15th
    assert months[9] == 123456 + 50005 + 10001 + 30010  # September: C sold on the 10th
    breakdown = {m.party_id: m.cents for m in figures.members}
    assert breakdown[example.b.pk] == 7 * 30010
    assert breakdown[example.c.pk] == 8 * 19999


def test_a_subtree_counts_only_the_party_and_what_lies_below_it(
    example: Example, walk: str
) -> None:
    assert total(example.a, "subtree") == "8342.56"
    assert total(example.a, "subtree", "historic") == "8342.56"


def test_the_association_by_todays_main_addresses(example: Example, walk: str) -> None:
    assert total(example.z, "association") == "10805.40"
    assert total(example.y, "association") == "3003.00"


def test_the_association_by_the_main_address_of_each_month_splits_member_two_at_july(
    example: Example, walk: str
) -> None:
    assert total(example.z, "association", "historic") == "12306.90"
    assert total(example.y, "association", "historic") == "1501.50"
    y_months = [
        m.month
        for m, _ in party_revenue(
            example.y, scope="association", period=YEAR, structure="historic"
        ).months
    ]
    assert y_months == [7, 8, 9, 10, 11, 12]


def test_a_party_in_a_group_and_an_association_counts_once_in_each(
    example: Example, walk: str
) -> None:
    group = party_revenue(example.holding, scope="group", period=YEAR, breakdown=None)
    assoc = party_revenue(example.z, scope="association", period=YEAR, breakdown=None)
    assert [m.cents for m in group.members if m.party_id == example.a.pk] == [600060]
    assert [m.cents for m in assoc.members if m.party_id == example.a.pk] == [600060]
    assert sum(m.cents for m in group.members) == group.total_cents
    assert sum(m.cents for m in assoc.members) == assoc.total_cents


def test_quarters_add_up_to_the_year(example: Example) -> None:
    figures = party_revenue(example.holding, scope="group", period=YEAR, structure="historic")
    assert sum(c for _, c in figures.quarters()) == figures.total_cents
    assert len(figures.quarters()) == 4


def test_a_period_that_is_not_a_whole_year_reads_the_months(example: Example, walk: str) -> None:
    # July to September, today's structure: H, A, B, D.
    expected = 3 * (123456 + 50005 + 30010 + 10001)
    assert total(
        example.holding, "group", period=Period.parse("2025-07", "2025-09")
    ) == selectors.cents_str(expected)
