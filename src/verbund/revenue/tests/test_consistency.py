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
