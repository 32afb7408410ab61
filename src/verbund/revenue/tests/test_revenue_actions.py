"""Writing revenue keeps the yearly aggregates exact in the same transaction."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from verbund.core.models import AuditRecord
from verbund.relationships.models import Relationship
from verbund.revenue import actions, rules, selectors
from verbund.revenue.models import InvoiceLine, RevenueMonth, RevenueYear
from verbund.revenue.periods import Period


def year_cents(party: Any, year: int = 2025) -> int:
    return RevenueYear.objects.get(party=party, year=year).amount_cents


def test_recording_the_same_key_again_replaces_the_figure_and_the_year(org: Any) -> None:
    p = org()
    actions.do_record_revenue(actor=None, party=p, month="2025-03", amount="100.00")
    actions.do_record_revenue(actor=None, party=p, month="2025-04", amount="50.50")
    actions.do_record_revenue(actor=None, party=p, month="2025-03", amount="80.25")
    assert RevenueMonth.objects.filter(party=p).count() == 2
    assert year_cents(p) == 8025 + 5050
    assert selectors.verify_aggregates() == []


def test_a_different_source_or_reference_is_a_separate_figure(org: Any) -> None:
    p = org()
    actions.do_record_revenue(actor=None, party=p, month="2025-03", amount="10", source="erp")
    actions.do_record_revenue(
        actor=None, party=p, month="2025-03", amount="5", source="erp", reference="GS-1"
    )
    actions.do_record_revenue(actor=None, party=p, month="2025-03", amount="-2", source="manual")
    assert year_cents(p) == 1300


def test_deleting_a_figure_takes_it_out_of_the_year_and_is_audited(org: Any) -> None:
    p = org()
    row = actions.do_record_revenue(actor=None, party=p, month="2025-03", amount="10")
    actions.do_record_revenue(actor=None, party=p, month="2025-05", amount="7")
    actions.do_delete_revenue(row, actor=None)
    assert year_cents(p) == 700
    assert AuditRecord.objects.filter(action="revenue.delete", party_id=p.pk).exists()


def test_a_foreign_currency_without_a_rate_is_refused_naming_the_currency(org: Any) -> None:
    with pytest.raises(ValidationError) as err:
        actions.do_record_revenue(
            actor=None, party=org(), month="2025-03", amount="10", currency="CHF"
        )
    assert "currency" in err.value.message_dict


def test_correcting_a_rate_reconverts_the_months_figures(org: Any) -> None:
    p = org()
    actions.do_set_currency_rate(actor=None, currency="CHF", month="2025-03", per_eur="0.9")
    actions.do_record_revenue(actor=None, party=p, month="2025-03", amount="90.00", currency="CHF")
    assert year_cents(p) == 10000
    actions.do_set_currency_rate(actor=None, currency="chf", month="2025-03", per_eur="1.125")
    assert RevenueMonth.objects.get(party=p).amount_cents == 8000
    assert year_cents(p) == 8000


def test_an_amount_beyond_the_stored_digits_is_refused_and_the_largest_is_kept(org: Any) -> None:
    p = org()
    with pytest.raises(ValidationError) as err:
        actions.do_record_revenue(actor=None, party=p, month="2025-01", amount="1e14")
    assert err.value.message_dict["amount"] == [rules.amount_error(Decimal("1e14"), "1e14")]
    actions.do_record_revenue(actor=None, party=p, month="2025-01", amount="99999999999999.99")
    assert year_cents(p) == 9_999_999_999_999_999


def test_a_rate_is_refused_when_too_large_or_when_a_stored_figure_would_overflow_in_euro(
    org: Any,
) -> None:
    p = org()
    # 1e30 and -1e30: too many digits to round to the stored places (it raised InvalidOperation).
    for too_large in ("1e10", "1e30", "-1e30"):
        with pytest.raises(ValidationError) as err:
            actions.do_set_currency_rate(
                actor=None, currency="CHF", month="2025-03", per_eur=too_large
            )
        assert "per_eur" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        actions.do_set_currency_rate(
            actor=None, currency="CHF", month="2025-03", per_eur="0.000000001"
        )
    assert "per_eur" in err.value.message_dict
    actions.do_set_currency_rate(actor=None, currency="CHF", month="2025-03", per_eur="1")
    actions.do_record_revenue(
        actor=None, party=p, month="2025-03", amount="90000000000000", currency="CHF"
    )
    with pytest.raises(ValidationError) as err:
        actions.do_set_currency_rate(actor=None, currency="CHF", month="2025-03", per_eur="0.5")
    assert err.value.message_dict["per_eur"] == [
        rules.cents_error(18_000_000_000_000_000, Decimal("90000000000000.00"), "CHF")
    ]
    assert year_cents(p) == 9_000_000_000_000_000


@pytest.mark.parametrize("bad", ["2025-13", "25-01", "März", "2025"])
def test_a_month_that_is_not_yyyy_mm_is_refused(org: Any, bad: str) -> None:
    with pytest.raises(ValidationError) as err:
        actions.do_record_revenue(actor=None, party=org(), month=bad, amount="1")
    assert "month" in err.value.message_dict


def test_an_amount_that_is_not_a_number_is_refused(org: Any) -> None:
    with pytest.raises(ValidationError) as err:
        actions.do_record_revenue(actor=None, party=org(), month="2025-01", amount="viel")
    assert "amount" in err.value.message_dict


def test_invoice_lines_are_summed_into_months_and_loading_twice_changes_nothing(org: Any) -> None:
    p, z = org("Kunde"), org("Verband")
    actions.do_set_currency_rate(actor=None, currency="USD", month="2025-02", per_eur="1.25")
    lines = [
        {
            "party": p,
            "invoice_date": "2025-01-03",
            "amount": "100.10",
            "document": "RE-1",
            "line": 1,
        },
        {"party": p, "invoice_date": "2025-01-28", "amount": "0.90", "document": "RE-2", "line": 1},
        {
            "party": p,
            "invoice_date": "2025-01-28",
            "amount": "5.00",
            "document": "RE-2",
            "line": 2,
            "settled_by": z,
        },
        {
            "party": p,
            "invoice_date": "2025-02-10",
            "amount": "12.50",
            "currency": "USD",
            "document": "RE-3",
            "line": 1,
        },
    ]
    actions.do_load_invoice_lines(lines, actor=None)
    actions.do_load_invoice_lines(lines, actor=None)
    assert InvoiceLine.objects.count() == 4
    months = {
        (r.month.month, r.settled_by_id): r.amount_cents
        for r in RevenueMonth.objects.filter(party=p)
    }
    assert months == {(1, None): 10100, (1, z.pk): 500, (2, None): 1000}
    assert year_cents(p) == 11600
    assert selectors.invoiced_through(z.pk, Period.year(2025)) == 500


def test_a_reloaded_line_that_moved_to_another_month_leaves_its_old_month(org: Any) -> None:
    p = org()
    actions.do_load_invoice_lines(
        [{"party": p, "invoice_date": "2025-01-31", "amount": "10", "document": "RE-9"}], actor=None
    )
    actions.do_load_invoice_lines(
        [{"party": p, "invoice_date": "2025-02-01", "amount": "10", "document": "RE-9"}], actor=None
    )
    assert [r.month for r in RevenueMonth.objects.filter(party=p)] == [dt.date(2025, 2, 1)]
    assert year_cents(p) == 1000


# --- main address -------------------------------------------------------------------------


def settlement_links(party: Any) -> list[tuple[int, dt.date | None, dt.date | None]]:
    rels = Relationship.objects.filter(type__key="settlement", from_party=party).order_by(
        "valid_from"
    )
    return [(r.to_party_id, r.valid_from, r.valid_to) for r in rels]


def test_setting_changing_and_clearing_the_main_address_keeps_the_history(org: Any) -> None:
    shop, z, y = org("Filiale"), org("Verband Z"), org("Verband Y")
    actions.do_set_main_address(shop, z, actor=None, on=dt.date(2024, 1, 1))
    actions.do_set_main_address(shop, y, actor=None, on=dt.date(2025, 7, 15))
    assert actions.main_address_relationship(shop, dt.date(2025, 7, 14)).to_party_id == z.pk
    assert actions.main_address_relationship(shop, dt.date(2025, 7, 15)).to_party_id == y.pk
    actions.do_set_main_address(shop, None, actor=None, on=dt.date(2026, 1, 1))
    assert settlement_links(shop) == [
        (z.pk, dt.date(2024, 1, 1), dt.date(2025, 7, 14)),
        (y.pk, dt.date(2025, 7, 15), dt.date(2025, 12, 31)),
    ]
    assert actions.main_address_relationship(shop, dt.date(2026, 2, 1)) is None


def test_naming_the_same_main_address_again_changes_nothing(org: Any) -> None:
    shop, z = org("Filiale"), org("Verband Z")
    first = actions.do_set_main_address(shop, z, actor=None, on=dt.date(2024, 1, 1))
    again = actions.do_set_main_address(shop, z, actor=None, on=dt.date(2025, 1, 1))
    assert first is not None and again is not None and first.pk == again.pk
    assert len(settlement_links(shop)) == 1


def test_a_party_cannot_be_its_own_main_address(org: Any) -> None:
    shop = org()
    with pytest.raises(ValidationError) as err:
        actions.do_set_main_address(shop, shop, actor=None)
    assert "main" in err.value.message_dict


def test_the_main_address_is_the_settlement_relationship_and_nothing_else(org: Any) -> None:
    shop, z = org("Filiale"), org("Verband Z")
    rel = actions.do_set_main_address(shop, z, actor=None)
    assert (
        rel is not None
        and rel.type.key == "settlement"
        and rel.from_party_id == shop.pk
        and rel.to_party_id == z.pk
    )
    assert AuditRecord.objects.filter(action="relationship.create", party_id=shop.pk).exists()
