"""The central settlement view (#18.2): every delivery address settled through an association
with this and the previous period, its share, subtotals per member and per sub-association
(to the cent), the addresses without revenue, and sorting by any column."""

import datetime as dt
from typing import Any

import pytest

from verbund.revenue.actions import do_record_revenue, do_set_main_address
from verbund.revenue.periods import Period
from verbund.revenue.settlement import settlement_view

pytestmark = pytest.mark.django_db
ON = dt.date(2020, 1, 1)


@pytest.fixture
def association(org: Any) -> dict[str, Any]:
    """Z settles for member M1 (a shop) and for sub-association S, which settles for M2 and
    M3; M3 bought nothing in 2025."""
    z, s = org("Einkaufsverband Z eG"), org("Regionalverband S eG")
    m1, m2, m3 = org("Laden Eins e.K."), org("Laden Zwei OHG"), org("Laden Drei KG")
    do_set_main_address(m1, z, actor=None, on=ON)
    do_set_main_address(s, z, actor=None, on=ON)
    do_set_main_address(m2, s, actor=None, on=ON)
    do_set_main_address(m3, s, actor=None, on=ON)
    for party, this, last in (
        (m1, "1000.00", "800.00"),
        (m2, "250.50", "250.50"),
        (s, "10.01", "0.00"),
    ):
        do_record_revenue(actor=None, party=party, month="2025-04", amount=this)
        do_record_revenue(actor=None, party=party, month="2024-04", amount=last)
    do_record_revenue(actor=None, party=m3, month="2024-09", amount="99.99")
    return {"z": z, "s": s, "m1": m1, "m2": m2, "m3": m3}


def test_every_address_with_its_share_and_the_subtotals_per_member_and_sub_association(
    association: dict[str, Any],
) -> None:
    view = settlement_view(association["z"], Period.year(2025))
    rows = {a.row.name: (a.row.cents, a.row.previous_cents, a.member_name) for a in view.addresses}
    assert rows == {
        "Laden Eins e.K.": (100_000, 80_000, "Laden Eins e.K."),
        "Laden Zwei OHG": (25_050, 25_050, "Regionalverband S eG"),
        "Regionalverband S eG": (1_001, 0, "Regionalverband S eG"),
        "Laden Drei KG": (0, 9_999, "Regionalverband S eG"),
    }
    assert view.ranking.total_cents == 126_051
    shares = {a.row.name: str(a.row.share) for a in view.addresses}
    assert shares["Laden Eins e.K."] == "79.3"  # 1,000.00 of 1,260.51
    members = {s.name: (s.cents, s.previous_cents, s.addresses) for s in view.members}
    assert members == {
        "Laden Eins e.K.": (100_000, 80_000, 1),
        "Regionalverband S eG": (26_051, 35_049, 3),
    }
    subs = {s.name: (s.cents, s.previous_cents, s.addresses) for s in view.sub_associations}
    assert subs == {"Regionalverband S eG": (26_051, 35_049, 3)}
    assert [a.row.name for a in view.without_revenue] == ["Laden Drei KG"]


@pytest.mark.parametrize(
    ("sort", "first"),
    [
        ("-revenue", "Laden Eins e.K."),
        ("revenue", "Laden Drei KG"),
        ("name", "Laden Drei KG"),
        ("-previous", "Laden Eins e.K."),
        ("change", "Laden Drei KG"),
    ],
)
def test_the_addresses_sort_by_any_column(
    association: dict[str, Any], sort: str, first: str
) -> None:
    view = settlement_view(association["z"], Period.year(2025), sort=sort)
    assert view.addresses[0].row.name == first
