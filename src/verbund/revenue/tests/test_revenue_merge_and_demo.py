"""Duplicate merges move revenue (and undo moves it back); demo revenue is plausible and exact."""

import datetime as dt
import io
from typing import Any

from django.utils import translation

from verbund.revenue import actions, merge, selectors
from verbund.revenue.demo import demo_months, generate_revenue
from verbund.revenue.models import RevenueMonth, RevenueYear
from verbund.revenue.periods import Period


def test_a_merge_moves_revenue_to_the_survivor_and_undo_moves_it_back(org: Any) -> None:
    dup, survivor, z = org("Müller GmbH"), org("Mueller GmbH"), org("Verband")
    actions.do_record_revenue(actor=None, party=dup, month="2025-01", amount="10", source="erp")
    actions.do_record_revenue(
        actor=None, party=survivor, month="2025-01", amount="20", source="erp"
    )
    actions.do_record_revenue(
        actor=None, party=dup, month="2025-02", amount="5", settled_by=z, source="erp"
    )
    moved = merge.reassign(dup, survivor, actor=None)
    assert RevenueMonth.objects.filter(party=dup).count() == 0
    assert RevenueYear.objects.get(party=survivor, year=2025).amount_cents == 3500
    assert not RevenueYear.objects.filter(party=dup, amount_cents__gt=0).exists()
    merge.unassign(moved, dup, survivor, actor=None)
    assert RevenueYear.objects.get(party=dup, year=2025).amount_cents == 1500
    assert RevenueYear.objects.get(party=survivor, year=2025).amount_cents == 2000
    assert sorted(RevenueMonth.objects.filter(party=dup).values_list("reference", flat=True)) == [
        "",
        "",
    ]
    assert selectors.verify_aggregates() == []


def test_a_merged_settlement_party_passes_its_invoices_to_the_survivor(org: Any) -> None:
    shop, z_dup, z = org("Filiale"), org("Verband Z alt"), org("Verband Z")
    actions.do_record_revenue(
        actor=None, party=shop, month="2025-01", amount="10", settled_by=z_dup
    )
    moved = merge.reassign(z_dup, z, actor=None)
    assert selectors.invoiced_through(z.pk, Period.year(2025)) == 1000
    merge.unassign(moved, z_dup, z, actor=None)
    assert selectors.invoiced_through(z_dup.pk, Period.year(2025)) == 1000


def test_demo_months_are_the_24_whole_months_before_this_one() -> None:
    months = demo_months(24, dt.date(2026, 11, 26))
    assert (
        months[0] == dt.date(2024, 11, 1)
        and months[-1] == dt.date(2026, 10, 1)
        and len(months) == 24
    )


def test_demo_revenue_is_plausible_repeatable_and_its_aggregates_exact(org: Any) -> None:
    parties = [org(f"Kunde {i}") for i in range(30)]
    ids = [p.pk for p in parties]
    out = io.StringIO()
    with translation.override("en"):
        written = generate_revenue(ids, months=24, seed=7, stdout=out)
    assert 0.3 * 30 * 24 <= written <= 0.95 * 30 * 24
    assert f"revenue: {written} monthly figures in " in out.getvalue()
    assert selectors.verify_aggregates() == []
    amounts = list(RevenueMonth.objects.values_list("amount_cents", flat=True))
    assert min(amounts) > 0 and max(amounts) < 100_000_000
    first = sorted(RevenueMonth.objects.values_list("party_id", "month", "amount_cents"))
    # Running it again replaces the demo figures with the same ones.
    assert generate_revenue(ids, months=24, seed=7) == written
    assert sorted(RevenueMonth.objects.values_list("party_id", "month", "amount_cents")) == first
    assert selectors.verify_aggregates() == []


def test_demo_revenue_for_every_customer_organisation(org: Any, person: Any) -> None:
    org("Kunde A")
    org("Interessent B", status="prospect")
    person()
    # Ten months at least: a small customer orders in 3 of any 10 consecutive months
    # (revenue.bulk._demo_select), so in 3 months it may order in none, depending on its id,
    # which on PostgreSQL depends on the tests that ran before.
    generate_revenue(None, months=10, seed=1)
    assert set(RevenueMonth.objects.values_list("party__name", flat=True)) == {"Kunde A"}


def test_a_large_demo_load_drops_and_rebuilds_the_indexes_in_its_transaction(
    org: Any, monkeypatch: Any
) -> None:
    from verbund.revenue import bulk

    monkeypatch.setattr(bulk, "BIG_LOAD", 1)
    before = sorted(name for name, _sql in bulk._month_indexes())
    ids = [org(f"Kunde {i}").pk for i in range(3)]
    assert generate_revenue(ids, months=12, seed=3) > 0
    assert sorted(name for name, _sql in bulk._month_indexes()) == before
    assert selectors.verify_aggregates() == []
