"""docs/revenue.md, "Hand-worked example of the ranking": five groups over 2024 and 2025,
checked to the cent for the comparison with the previous year and the ABC classes, in both
structures, through the selector and the API (#18.1)."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from verbund.parties.models import Party
from verbund.relationships.actions import do_create_relationship, do_end_relationship
from verbund.relationships.models import RelationshipType
from verbund.revenue import analysis
from verbund.revenue.actions import do_record_revenue
from verbund.revenue.periods import Period

YEAR = Period.year(2025)


@dataclass
class Groups:
    h1: Party
    t1: Party
    h2: Party
    t2: Party
    h3: Party
    t3: Party
    b3: Party
    h4: Party
    t4: Party
    h5: Party
    t5: Party


def monthly(party: Party, year: int, amount: str, months: range = range(1, 13)) -> None:
    for m in months:
        do_record_revenue(actor=None, party=party, month=f"{year}-{m:02d}", amount=amount)


@pytest.fixture
def groups(org: Any) -> Groups:
    g = Groups(*(org(name) for name in (
        "Eins Holding AG", "Eins Tochter GmbH", "Zwei Holding AG", "Zwei Tochter GmbH",
        "Drei Holding AG", "Drei Tochter GmbH", "Drei Zukauf GmbH", "Vier Holding AG",
        "Vier Tochter GmbH", "Fünf Holding AG", "Fünf Tochter GmbH",
    )))  # fmt: skip
    link = dict(actor=None, type="group", valid_from="2010-01-01")
    do_create_relationship(from_party=g.t1, to_party=g.h1, **link)
    do_create_relationship(from_party=g.t2, to_party=g.h2, **link)
    do_create_relationship(from_party=g.t3, to_party=g.h3, **link)
    do_create_relationship(from_party=g.t5, to_party=g.h5, **link)
    # Bought on 15 June 2025: counts from June in the structure of each month.
    do_create_relationship(
        actor=None, type="group", from_party=g.b3, to_party=g.h3, valid_from="2025-06-15"
    )
    # Sold on 10 March 2025: Vier has no member today; by the structure of each month it
    # heads its group through February 2025.
    sold = do_create_relationship(from_party=g.t4, to_party=g.h4, **link)
    do_end_relationship(sold, actor=None, valid_to="2025-03-10")
    monthly(g.h1, 2025, "1000.00")
    monthly(g.h1, 2024, "800.00")
    monthly(g.t1, 2025, "500.00")
    monthly(g.t1, 2024, "500.00")
    monthly(g.h2, 2025, "250.00")
    monthly(g.h2, 2024, "250.00")
    monthly(g.t2, 2025, "100.01")
    monthly(g.h3, 2025, "50.00")
    monthly(g.h3, 2024, "50.00")
    monthly(g.b3, 2025, "100.00")
    monthly(g.b3, 2024, "100.00")
    monthly(g.h4, 2025, "10.00")
    monthly(g.h4, 2024, "10.00")
    monthly(g.t4, 2025, "20.00")
    monthly(g.t4, 2024, "20.00")
    monthly(g.h5, 2025, "100.00", range(1, 2))
    return g


def group_type() -> RelationshipType:
    return RelationshipType.objects.get(key="group")


def table(ranking: analysis.Ranking) -> list[tuple[str, int, int, str, str | None, int]]:
    return [
        (
            r.name,
            r.cents,
            r.previous_cents,
            r.abc,
            None if r.change_percent is None else str(r.change_percent),
            r.member_count,
        )
        for r in ranking.rows
    ]


def test_todays_structure_ranks_the_groups_with_last_year_and_abc_classes(groups: Groups) -> None:
    ranking = analysis.top_ranking(group_type(), YEAR, mode="current")
    # Vier has no member today, so it is no group; Drei counts Zukauf for both years.
    assert table(ranking) == [
        ("Eins Holding AG", 1_800_000, 1_560_000, "A", "15.4", 2),
        # Before Zwei: 18,000.00 of 24,100.12 = 74.7 %: Zwei crosses 80 % and is still A.
        ("Zwei Holding AG", 420_012, 300_000, "A", "40.0", 2),
        # Before Drei: 22,200.12 = 92.1 %: B.
        ("Drei Holding AG", 180_000, 180_000, "B", "0.0", 3),
        # Before Fünf: 24,000.12 = 99.6 %: C; no revenue last year: no percentage.
        ("Fünf Holding AG", 10_000, 0, "C", None, 2),
    ]
    assert ranking.total_cents == 2_410_012
    assert ranking.previous_total_cents == 1_560_000 + 300_000 + 180_000
    assert ranking.count == 4
    assert ranking.rows[1].change_cents == 120_012
    assert ranking.rows[0].share == Decimal("74.7")


def test_the_structure_of_each_month_counts_the_bought_and_the_sold_member_only_while_held(
    groups: Groups,
) -> None:
    ranking = analysis.top_ranking(group_type(), YEAR, mode="historic")
    assert table(ranking) == [
        ("Eins Holding AG", 1_800_000, 1_560_000, "A", "15.4", 2),
        # Before Zwei: 18,000.00 of 23,660.12 = 76.1 %: A.
        ("Zwei Holding AG", 420_012, 300_000, "A", "40.0", 2),
        # Drei 2025: 600.00 own + Zukauf June-December 700.00; 2024: own 600.00 alone.
        ("Drei Holding AG", 130_000, 60_000, "B", "116.7", 3),
        ("Fünf Holding AG", 10_000, 0, "C", None, 2),
        # Vier 2025: January and February (10 + 20) * 2; 2024: twelve months of 30.00.
        ("Vier Holding AG", 6_000, 36_000, "C", "-83.3", 2),
    ]
    assert ranking.total_cents == 2_366_012
    assert ranking.previous_total_cents == 1_560_000 + 300_000 + 60_000 + 36_000


def test_a_quarter_and_a_month_range_compare_with_the_same_months_a_year_before(
    groups: Groups,
) -> None:
    q2 = analysis.top_ranking(group_type(), Period.quarter(2025, 2), mode="historic")
    drei = next(r for r in q2.rows if r.party_id == groups.h3.pk)
    assert (drei.cents, drei.previous_cents) == (15_000 + 10_000, 15_000)
    months = analysis.top_ranking(group_type(), Period.parse("2025-02", "2025-04"), mode="historic")
    vier = next(r for r in months.rows if r.party_id == groups.h4.pk)
    # February only (T4 was sold on 10 March); a year before, February to April.
    assert (vier.cents, vier.previous_cents) == (3_000, 9_000)


@pytest.mark.parametrize("mode", ["current", "historic"])
def test_a_groups_members_add_up_to_its_line_in_the_ranking(groups: Groups, mode: str) -> None:
    top = analysis.top_ranking(group_type(), YEAR, mode=mode)
    line = next(r for r in top.rows if r.party_id == groups.h3.pk)
    members = analysis.members_ranking(group_type(), groups.h3.pk, YEAR, mode=mode)
    assert sum(r.cents for r in members.rows) == line.cents
    assert sum(r.previous_cents for r in members.rows) == line.previous_cents
    by_name = {r.name: (r.cents, r.previous_cents) for r in members.rows}
    if mode == "current":
        assert by_name == {
            "Drei Holding AG": (60_000, 60_000),
            "Drei Zukauf GmbH": (120_000, 120_000),
            "Drei Tochter GmbH": (0, 0),
        }
    else:
        assert by_name == {
            "Drei Holding AG": (60_000, 60_000),
            "Drei Zukauf GmbH": (70_000, 0),
            "Drei Tochter GmbH": (0, 0),
        }
    # Zukauf leads; the holding's share starts below 80 % (A); Tochter has nothing (C).
    assert [r.abc for r in members.rows] == ["A", "A", "C"]


def test_the_api_answers_the_same_figures(groups: Groups, api_for: Any) -> None:
    answer = api_for("viewer").get(
        "/api/v1/revenue/top/",
        {"kind": "group", "from": "2025-01", "to": "2025-12", "compare": "previous_year", "mode": "historic"},
    )  # fmt: skip
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["total"] == "23660.12"
    assert body["previous_total"] == "19560.00"
    first = body["rows"][0]
    assert first["name"] == "Eins Holding AG"
    assert (first["amount"], first["previous_amount"], first["change_amount"]) == (
        "18000.00", "15600.00", "2400.00",
    )  # fmt: skip
    assert (first["change_percent"], first["abc"], first["member_count"]) == ("15.4", "A", 2)
    assert [r["abc"] for r in body["rows"]] == ["A", "A", "B", "C", "C"]
