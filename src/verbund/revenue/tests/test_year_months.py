"""Property test (decision 0032): the months kept on the yearly aggregates equal, to the cent,
the monthly rows after random writes, corrections, deletions, rate changes, invoice lines,
merges (and their undo), bulk and demo loads; and a group's figures for whole years read from
them equal the figures summed from the monthly rows, as every period was computed before."""

import datetime as dt
import itertools
import os
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verbund.parties.models import Party
from verbund.relationships.actions import do_create_relationship
from verbund.relationships.models import RelationshipType
from verbund.revenue import merge, selectors
from verbund.revenue.actions import (
    do_delete_revenue,
    do_load_invoice_lines,
    do_record_revenue,
    do_set_currency_rate,
)
from verbund.revenue.bulk import do_bulk_load_months, do_generate_demo_revenue
from verbund.revenue.models import MONTH_COLUMNS, RevenueMonth, RevenueSource, RevenueYear
from verbund.revenue.periods import Period

N = 6
MONTHS = [dt.date(2024 + i // 12, i % 12 + 1, 1) for i in range(24)]


class Rollback(Exception):
    pass


who = st.integers(min_value=0, max_value=N - 1)
month = st.integers(min_value=0, max_value=len(MONTHS) - 1)
cents = st.one_of(st.just(0), st.integers(-50_000, 900_000))
ops = st.lists(
    st.one_of(
        # key: a few keys per party-month, so that some writes correct an earlier figure
        st.tuples(st.just("record"), who, month, cents, st.integers(0, 2)),
        st.tuples(st.just("usd"), who, month, cents),
        st.tuples(st.just("rate"), month, st.integers(5_000, 20_000)),
        st.tuples(st.just("delete"), st.integers(0, 60)),
        st.tuples(st.just("lines"), who, month, cents, st.integers(0, 3)),
        st.tuples(st.just("merge"), who, who),
        st.tuples(
            st.just("unmerge"),
        ),
        st.tuples(st.just("bulk"), st.lists(st.tuples(who, month, cents), max_size=6)),
        st.tuples(st.just("demo"), st.sets(who, max_size=3), st.integers(0, 22)),
    ),
    max_size=25,
)


@pytest.fixture
def tree(org: Callable[..., Party]) -> list[Party]:
    """Parties 0-3 a group under 0 (0 <- 1 <- 2, 0 <- 3); 4 and 5 stand alone."""
    parties = [org(f"Firma {i} GmbH") for i in range(N)]
    for child, parent in ((1, 0), (2, 1), (3, 0)):
        do_create_relationship(
            actor=None,
            type="group",
            from_party=parties[child],
            to_party=parties[parent],
            valid_from="2020-01-01",
        )
    return parties


def _apply(parties: list[Party], op: tuple[Any, ...], state: dict[str, Any]) -> None:
    kind = op[0]
    if kind == "record":
        _, w, m, c, key = op
        do_record_revenue(
            actor=None,
            party=parties[w],
            month=MONTHS[m],
            amount=f"{c / 100:.2f}",
            source=("manual", "erp", "erp")[key],
            reference=("", "", "R1")[key],
        )
    elif kind == "usd" and MONTHS[op[2]] in state["rated"]:
        _, w, m, c = op
        do_record_revenue(
            actor=None, party=parties[w], month=MONTHS[m], amount=f"{c / 100:.2f}",
            currency="USD", reference="usd",
        )  # fmt: skip
    elif kind == "rate":
        do_set_currency_rate(
            actor=None, currency="USD", month=MONTHS[op[1]], per_eur=f"{op[2] / 10_000:.4f}"
        )
        state["rated"].add(MONTHS[op[1]])
    elif kind == "delete":
        rows = list(RevenueMonth.objects.order_by("id"))
        if rows:
            do_delete_revenue(rows[op[1] % len(rows)], actor=None)
    elif kind == "lines":
        # Document d's line: loading it again moves it (party, month, amount), and every
        # touched month's rows of source "lines" are rebuilt, emptied ones included.
        _, w, m, c, doc = op
        line = {
            "party": parties[w], "invoice_date": MONTHS[m] + dt.timedelta(days=doc * 5),
            "amount": f"{c / 100:.2f}", "document": f"D{doc}", "line": 1,
        }  # fmt: skip
        do_load_invoice_lines([line], actor=None)
    elif kind == "merge" and op[1] != op[2]:
        moved = merge.reassign(parties[op[1]], parties[op[2]], actor=None)
        state["merges"].append((moved, parties[op[1]], parties[op[2]]))
    elif kind == "unmerge" and state["merges"]:
        moved, source, survivor = state["merges"].pop()
        merge.unassign(moved, source, survivor, actor=None)
    elif kind == "bulk":
        rows = [
            (parties[w].pk, None, MONTHS[m], c, "EUR", c / 100, RevenueSource.IMPORT,
             f"b{next(state['refs'])}")
            for w, m, c in op[1]
        ]  # fmt: skip
        do_bulk_load_months(rows, actor=None)
    elif kind == "demo" and op[1]:
        do_generate_demo_revenue(
            [parties[w].pk for w in op[1]], MONTHS[op[2] : op[2] + 2], seed=op[2]
        )


def _expected_years() -> dict[tuple[int, int], tuple[int | None, ...]]:
    """(party, year) -> (total, m01, ..., m12) reckoned in Python from the monthly rows."""
    sums: dict[tuple[int, int], list[int | None]] = defaultdict(lambda: [0] + [None] * 12)
    for party_id, first, amount in RevenueMonth.objects.values_list(
        "party_id", "month", "amount_cents"
    ):
        row = sums[(party_id, first.year)]
        row[0] = (row[0] or 0) + amount
        row[first.month] = (row[first.month] or 0) + amount
    return {key: tuple(value) for key, value in sums.items()}


@settings(
    max_examples=int(os.environ.get("REVENUE_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=ops)
def test_the_months_on_the_yearly_aggregates_equal_the_monthly_rows_to_the_cent(
    tree: list[Party], sequence: list[tuple[Any, ...]], monkeypatch: pytest.MonkeyPatch
) -> None:
    group = RelationshipType.objects.get(key="group")
    state: dict[str, Any] = {"rated": set(), "merges": [], "refs": itertools.count()}
    try:
        with transaction.atomic():
            for op in sequence:
                _apply(tree, op, state)
            stored = {
                (y.party_id, y.year): (y.amount_cents, *(getattr(y, c) for c in MONTH_COLUMNS))
                for y in RevenueYear.objects.all()
            }
            assert stored == _expected_years()
            assert selectors.verify_aggregates() == []
            for period in (Period.year(2024), Period.year(2025), Period(MONTHS[0], MONTHS[-1])):
                for root in (tree[0], tree[1], tree[4]):
                    new = selectors.tree_revenue(root.pk, group, period, breakdown=2)
                    with monkeypatch.context() as m:
                        # Before decision 0032 the months always came from the monthly rows;
                        # without whole years every figure does.
                        m.setattr(Period, "whole_years", property(lambda self: None))
                        old = selectors.tree_revenue(root.pk, group, period, breakdown=2)
                    assert new.total_cents == old.total_cents
                    assert new.months == old.months
                    assert new.member_count == old.member_count
                    assert [(x.party_id, x.cents) for x in new.members] == [
                        (x.party_id, x.cents) for x in old.members
                    ]
                    assert selectors.group_total(root.pk, group, period) == new.total_cents
            raise Rollback
    except Rollback:
        pass


def test_a_month_whose_figures_cancel_out_keeps_its_zero_and_a_deleted_one_goes(
    org: Callable[..., Party],
) -> None:
    party = org("Null GmbH")
    do_record_revenue(actor=None, party=party, month="2025-03", amount="10", source="erp")
    do_record_revenue(actor=None, party=party, month="2025-03", amount="-10", reference="G1")
    year = RevenueYear.objects.get(party=party, year=2025)
    assert (year.amount_cents, year.m03, year.m04) == (0, 0, None)
    figures = selectors.tree_revenue(
        party.pk, RelationshipType.objects.get(key="group"), Period.year(2025)
    )
    assert figures.months == [(dt.date(2025, 3, 1), 0)] and figures.member_count == 1
    for row in RevenueMonth.objects.filter(party=party):
        do_delete_revenue(row, actor=None)
    assert not RevenueYear.objects.filter(party=party).exists()
    assert selectors.verify_aggregates() == []
