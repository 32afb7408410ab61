from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from verbund.revenue.actions import do_record_revenue
from verbund.revenue.models import RevenueYear


@pytest.mark.django_db
def test_the_revenue_check_reports_a_yearly_total_that_disagrees_with_its_months(org):
    party = org("Umsatz GmbH")
    do_record_revenue(actor=None, party=party, month="2025-03", amount="1000.00")
    out = StringIO()
    call_command("check", "revenue", stdout=out)
    assert "0 difference(s)" in out.getvalue() or "0 Abweichung" in out.getvalue()
    RevenueYear.objects.filter(party=party, year=2025).update(amount_cents=1)
    with pytest.raises(CommandError):
        call_command("check", "revenue", stdout=out)
    assert str(party.pk) in out.getvalue()


@pytest.mark.django_db
def test_the_revenue_check_reports_a_month_on_the_yearly_row_that_disagrees_with_its_rows(org):
    party = org("Monats GmbH")
    do_record_revenue(actor=None, party=party, month="2025-03", amount="1000.00")
    RevenueYear.objects.filter(party=party, year=2025).update(m03=5, m04=0)
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("check", "revenue", stdout=out)
    # The command speaks the configured language; the figures are the same in both.
    march, april, summary = out.getvalue().splitlines()
    assert f"{party.pk}, 2025-03" in march and " 5 " in march and march.endswith(" 100000")
    # A month with a figure on the yearly row but no monthly row: "-" for none.
    assert f"{party.pk}, 2025-04" in april and " 0 " in april and april.endswith(" -")
    assert "2 " in summary
