"""Monthly revenue read in its default order without the party table."""

from verbund.revenue.models import RevenueMonth


def test_monthly_revenue_is_read_in_order_without_joining_the_parties() -> None:
    # Ordered by "party", every query without its own order joined the party table (as the
    # ownership flags did: a scan of every party at 1M on SQLite).
    sql = str(RevenueMonth.objects.filter(month__year=2024).query)
    assert "parties_party" not in sql
    assert sql.endswith(
        'ORDER BY "revenue_revenuemonth"."party_id" ASC, "revenue_revenuemonth"."month" ASC, "revenue_revenuemonth"."id" ASC'
    )
