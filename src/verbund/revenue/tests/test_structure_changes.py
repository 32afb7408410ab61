"""Totals follow structure changes at once, and the month-end rule holds at its edges."""

import datetime as dt
from typing import Any

from verbund.hierarchies.actions import do_move_subtree
from verbund.relationships.actions import do_create_relationship, do_end_relationship
from verbund.revenue import actions
from verbund.revenue.periods import Period
from verbund.revenue.selectors import party_revenue

YEAR = Period.year(2025)


def group_total(party: Any, structure: str = "current") -> int:
    return party_revenue(party, scope="subtree", period=YEAR, structure=structure).total_cents


def test_moving_a_subtree_moves_its_revenue_between_both_groups_at_once(org: Any) -> None:
    g1, g2, sub, leaf = org("Gruppe Eins"), org("Gruppe Zwei"), org("Teil"), org("Blatt")
    do_create_relationship(
        actor=None, type="group", from_party=sub, to_party=g1, valid_from="2020-01-01"
    )
    do_create_relationship(
        actor=None, type="group", from_party=leaf, to_party=sub, valid_from="2020-01-01"
    )
    for party, amount in ((g1, "1.00"), (g2, "2.00"), (sub, "10.00"), (leaf, "100.00")):
        actions.do_record_revenue(actor=None, party=party, month="2025-05", amount=amount)
    assert (group_total(g1), group_total(g2)) == (11100, 200)
    do_move_subtree(sub, g2, "group", actor=None)
    assert (group_total(g1), group_total(g2)) == (100, 11200)
    # By the structure of each month, May 2025 still belongs to the first group.
    assert (group_total(g1, "historic"), group_total(g2, "historic")) == (11100, 200)


def test_a_correction_shows_in_the_group_total_at_once(org: Any) -> None:
    parent, child = org("Mutter"), org("Tochter")
    do_create_relationship(
        actor=None, type="group", from_party=child, to_party=parent, valid_from="2020-01-01"
    )
    actions.do_record_revenue(actor=None, party=child, month="2025-02", amount="10.00")
    assert group_total(parent) == 1000
    actions.do_record_revenue(actor=None, party=child, month="2025-02", amount="12.34")
    assert group_total(parent) == 1234


def test_ending_a_relationship_takes_the_member_out_of_todays_group(org: Any) -> None:
    parent, child = org("Mutter"), org("Tochter")
    rel = do_create_relationship(
        actor=None, type="group", from_party=child, to_party=parent, valid_from="2020-01-01"
    )
    actions.do_record_revenue(actor=None, party=child, month="2025-02", amount="10.00")
    do_end_relationship(rel, actor=None, valid_to="2025-06-30")
    assert group_total(parent) == 0
    assert group_total(parent, "historic") == 1000


def months_counted(valid_from: str | None, valid_to: str | None, org: Any) -> list[int]:
    parent, child = org("Mutter"), org("Tochter")
    rel = do_create_relationship(
        actor=None, type="group", from_party=child, to_party=parent, valid_from=valid_from
    )
    if valid_to:
        do_end_relationship(rel, actor=None, valid_to=valid_to)
    for month in range(1, 13):
        actions.do_record_revenue(actor=None, party=child, month=f"2025-{month:02d}", amount="1.00")
    figures = party_revenue(parent, scope="subtree", period=YEAR, structure="historic")
    return [m.month for m, cents in figures.months if cents]


def test_a_link_from_the_last_day_of_a_month_counts_that_month(org: Any) -> None:
    assert months_counted("2025-03-31", None, org) == list(range(3, 13))


def test_a_link_from_the_first_day_of_a_month_counts_from_that_month(org: Any) -> None:
    assert months_counted("2025-04-01", None, org) == list(range(4, 13))


def test_a_link_ending_on_the_last_day_of_a_month_still_counts_that_month(org: Any) -> None:
    assert months_counted("2020-01-01", "2025-05-31", org) == [1, 2, 3, 4, 5]


def test_a_link_ending_the_day_before_the_last_drops_that_month(org: Any) -> None:
    assert months_counted("2020-01-01", "2025-05-30", org) == [1, 2, 3, 4]


def test_a_link_within_one_month_never_counts(org: Any) -> None:
    assert months_counted("2025-05-02", "2025-05-20", org) == []


def test_on_the_day_a_party_leaves_one_group_for_another_each_month_counts_once(org: Any) -> None:
    g1, g2, child = org("Eins"), org("Zwei"), org("Wechsler")
    rel = do_create_relationship(
        actor=None, type="group", from_party=child, to_party=g1, valid_from="2020-01-01"
    )
    do_end_relationship(rel, actor=None, valid_to=dt.date(2025, 8, 14))
    do_create_relationship(
        actor=None, type="group", from_party=child, to_party=g2, valid_from="2025-08-15"
    )
    for month in range(1, 13):
        actions.do_record_revenue(actor=None, party=child, month=f"2025-{month:02d}", amount="1.00")
    one = party_revenue(g1, scope="subtree", period=YEAR, structure="historic").total_cents
    two = party_revenue(g2, scope="subtree", period=YEAR, structure="historic").total_cents
    assert (one, two) == (700, 500)
