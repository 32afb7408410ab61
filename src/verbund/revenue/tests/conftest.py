"""The hand-worked example of docs/revenue.md, built through the actions."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from verbund.parties.models import Party
from verbund.relationships.actions import do_create_relationship, do_end_relationship
from verbund.revenue.actions import do_record_revenue, do_set_currency_rate, do_set_main_address


@dataclass
class Example:
    holding: Party
    a: Party
    b: Party
    c: Party
    d: Party
    z: Party
    y: Party
    m1: Party
    m2: Party


MONTHLY = {
    "holding": "1234.56",
    "a": "500.05",
    "b": "300.10",
    "c": "199.99",
    "d": "100.01",
    "m1": "400.40",
    "m2": "250.25",
}


@pytest.fixture
def example(org: Any) -> Example:
    ex = Example(
        holding=org("Müller Holding AG"),
        a=org("Müller Tochter A GmbH"),
        b=org("Berger B GmbH"),
        c=org("Clausen C GmbH"),
        d=org("Dietz D KG"),
        z=org("Einkaufsverband Z eG"),
        y=org("Einkaufsring Y eG"),
        m1=org("Mitglied Eins e.K."),
        m2=org("Mitglied Zwei OHG"),
    )
    do_create_relationship(
        actor=None, type="group", from_party=ex.a, to_party=ex.holding, valid_from="2010-01-01"
    )
    do_create_relationship(
        actor=None, type="group", from_party=ex.d, to_party=ex.a, valid_from="2012-01-01"
    )
    # Bought on 15 June 2025: June counts (its last day lies inside the ownership).
    do_create_relationship(
        actor=None, type="group", from_party=ex.b, to_party=ex.holding, valid_from="2025-06-15"
    )
    # Sold on 10 September 2025: September no longer counts.
    c_link = do_create_relationship(
        actor=None, type="group", from_party=ex.c, to_party=ex.holding, valid_from="2015-01-01"
    )
    do_end_relationship(c_link, actor=None, valid_to="2025-09-10")
    do_set_main_address(ex.m1, ex.z, actor=None, on=dt.date(2020, 1, 1))
    do_set_main_address(ex.a, ex.z, actor=None, on=dt.date(2025, 1, 1))
    do_set_main_address(ex.m2, ex.z, actor=None, on=dt.date(2021, 1, 1))
    # Member two moves to association Y in mid-July: July counts for Y.
    do_set_main_address(ex.m2, ex.y, actor=None, on=dt.date(2025, 7, 15))
    for key, amount in MONTHLY.items():
        party = getattr(ex, key)
        for month in range(1, 13):
            do_record_revenue(
                actor=None, party=party, month=f"2025-{month:02d}", amount=amount, source="erp"
            )
    do_set_currency_rate(actor=None, currency="USD", month="2025-03", per_eur="1.0812")
    do_record_revenue(
        actor=None,
        party=ex.d,
        month="2025-03",
        amount="1234.56",
        currency="USD",
        source="erp",
        reference="RE-2025-0815",
    )
    return ex
