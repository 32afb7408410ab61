"""Pinned query counts: the revenue section and its API twin do no query per member, month or
settled customer (count, add rows, the count stays)."""

import datetime as dt
from collections.abc import Callable
from itertools import count
from typing import Any

import pytest
from django.test import Client

from verbund.core.testing import assert_queries_stay
from verbund.relationships.actions import do_create_relationship, do_end_relationship
from verbund.revenue import periods
from verbund.revenue.actions import do_record_revenue, do_set_main_address

pytestmark = pytest.mark.django_db

YEAR = 2025


@pytest.fixture
def viewer(make_user: Callable[..., Any]) -> Client:
    client = Client()
    client.force_login(make_user("viewer", username="counting-viewer"))
    return client


@pytest.fixture
def holding(org: Callable[..., Any]) -> Any:
    return org("Holding AG")


@pytest.fixture
def grow(org: Callable[..., Any], holding: Any) -> Callable[[], None]:
    """Each call adds group members, chain branches and settled customers, each with revenue
    in several months."""
    numbers = count()
    association = org("Einkaufsverband eG")
    do_create_relationship(actor=None, type="chain", from_party=association, to_party=holding)

    def more() -> None:
        for _ in range(3):
            i = next(numbers)
            member = org(f"Tochter {i} GmbH")
            do_create_relationship(actor=None, type="group", from_party=member, to_party=holding)
            customer = org(f"Kunde {i} KG")
            do_set_main_address(customer, holding, actor=None)
            for party in (member, customer, holding):
                for month in (1, 5, 11):
                    do_record_revenue(
                        actor=None,
                        party=party,
                        month=f"{YEAR}-{month:02d}",
                        amount=f"{100 + i}.00",
                        reference=f"{i}",
                    )

    more()
    return more


def test_the_revenue_section_does_not_grow_with_members_months_and_customers(viewer, holding, grow):
    url = f"/parties/{holding.pk}/revenue/"
    assert_queries_stay(viewer, url, grow, params={"rev_year": YEAR})
    assert_queries_stay(viewer, url, grow, params={"rev_year": YEAR, "rev_structure": "historic"})


@pytest.mark.parametrize("scope", ["own", "group", "subtree", "association"])
def test_the_revenue_api_does_not_grow_with_its_members(api_for, holding, grow, scope):
    url = f"/api/v1/parties/{holding.pk}/revenue/"
    assert_queries_stay(api_for("viewer"), url, grow, params={"year": YEAR, "scope": scope})


def test_the_top_groups_do_not_grow_with_the_groups(api_for, org, grow):
    def more_groups() -> None:
        grow()
        for i in range(2):
            top = org(f"Konzern {i} AG")
            do_create_relationship(
                actor=None, type="group", from_party=org(f"Glied {i} GmbH"), to_party=top
            )

    assert_queries_stay(
        api_for("viewer"), "/api/v1/revenue/top-groups/", more_groups, params={"year": YEAR}
    )


@pytest.fixture
def heads(org: Callable[..., Any]) -> Callable[[], None]:
    """Each call adds a group that stood through the year, one that got its first member in
    the middle of it and one whose member left then (heads of some months only), each member
    with revenue."""
    numbers = count()

    def more() -> None:
        i = next(numbers)
        for start, end in ((None, None), ("2025-06-15", None), (None, "2025-04-10")):
            top, member = org(f"Konzern {i} {start} AG"), org(f"Glied {i} {start} GmbH")
            link = do_create_relationship(
                actor=None, type="group", from_party=member, to_party=top, valid_from=start
            )
            if end:
                do_end_relationship(link, actor=None, valid_to=end)
            for party in (top, member):
                for month in (2, 7):
                    do_record_revenue(
                        actor=None, party=party, month=f"{YEAR}-{month:02d}", amount="10.00"
                    )

    more()
    return more


@pytest.mark.parametrize(
    "params",
    [
        {"year": YEAR},
        {"year": YEAR, "mode": "historic"},
        {"span": "quarter", "year": YEAR, "quarter": "3", "mode": "historic"},
        {"span": "months", "from": f"{YEAR}-03", "to": f"{YEAR}-08", "mode": "historic"},
    ],
)
def test_the_overview_does_not_grow_with_the_heads(viewer, heads, params):
    # A fixed number of statements however many heads there are (the historic ranking once
    # sent its heads in chunks of 5,000: 118 statements at a million parties). PostgreSQL
    # counts the plan settings' statements as well.
    assert_queries_stay(viewer, "/revenue/", heads, params=params, at_most=36)


@pytest.fixture
def in_december(monkeypatch: pytest.MonkeyPatch) -> None:
    """7 December of YEAR: the year is compared from January to November (decision 0050)."""
    monkeypatch.setattr(periods, "today", lambda: dt.date(YEAR, 12, 7))


@pytest.mark.parametrize("mode", ["current", "historic"])
def test_a_year_to_date_does_not_grow_with_the_heads_either(viewer, heads, in_december, mode):
    params = {"year": YEAR, "mode": mode}
    page = viewer.get("/revenue/", params).content.decode()
    assert f"Jan.\u2013Nov. {YEAR} im Vergleich zu Jan.\u2013Nov. {YEAR - 1}" in page
    assert_queries_stay(viewer, "/revenue/", heads, params=params, at_most=36)


def test_the_section_of_a_year_to_date_does_not_grow(viewer, holding, grow, in_december):
    url = f"/parties/{holding.pk}/revenue/"
    assert f"Jan.\u2013Nov. {YEAR}" in viewer.get(url, {"rev_year": YEAR}).content.decode()
    assert_queries_stay(viewer, url, grow, params={"rev_year": YEAR})
    assert_queries_stay(viewer, url, grow, params={"rev_year": YEAR, "rev_structure": "historic"})
