"""A small world for the selection filters, built through the actions of every domain.

Group (today): Holding > Handel > (Süd, Nord); Holding > Logistik. Nord joined on 2024-01-01,
Logistik left the group on 2024-06-30 (so on 2023-06-01 Logistik belongs and Nord does not).
Chain: Zentrale > Filiale 1, Filiale 2. Association: Verband > Mitglied 1 > Lieferadresse,
Verband > Mitglied 2. Revenue (own, EUR): in the last year and this one, see ``world``.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from verbund.parties.models import Party
from verbund.relationships.actions import do_create_relationship
from verbund.revenue.actions import do_record_revenue

THIS_YEAR = dt.date.today().year
LAST_YEAR = THIS_YEAR - 1


def _revenue(party: Party, year: int, amount: str, month: int = 3) -> None:
    do_record_revenue(actor=None, party=party, month=f"{year}-{month:02d}", amount=amount)


@pytest.fixture
def world(org: Callable[..., Party]) -> dict[str, Party]:
    p: dict[str, Party] = {
        "holding": org("Müller Holding AG", city="Köln", postcode="50667"),
        "handel": org("Müller Handel GmbH", city="München", postcode="80331"),
        "sued": org("Müller Handel Süd GmbH", city="Augsburg", postcode="86150"),
        "nord": org("Müller Handel Nord GmbH", city="Hannover", postcode="30159"),
        "logistik": org("Müller Logistik GmbH", city="Hamburg", postcode="20095"),
        "zentrale": org("Kette Zentrale GmbH", city="Berlin", postcode="10115"),
        "filiale1": org("Kette Filiale Eins", city="Potsdam", postcode="14467"),
        "filiale2": org("Kette Filiale Zwei", city="Berlin", postcode="10117"),
        "verband": org("Einkaufsverband eG", city="Bonn", postcode="53111"),
        "mitglied1": org("Mitglied Eins KG", city="Bonn", postcode="53113"),
        "liefer": org("Mitglied Eins Lager", city="Siegburg", postcode="53721"),
        "mitglied2": org("Mitglied Zwei OHG", city="Köln", postcode="50668"),
        "allein": org("Allein GmbH", city="Köln", postcode="50670"),
    }
    links: list[tuple[str, str, str, str | None, str | None]] = [
        ("group", "handel", "holding", "2010-01-01", None),
        ("group", "sued", "handel", "2010-01-01", None),
        ("group", "nord", "handel", "2024-01-01", None),
        ("group", "logistik", "holding", "2010-01-01", "2024-06-30"),
        ("chain", "filiale1", "zentrale", None, None),
        ("chain", "filiale2", "zentrale", None, None),
        ("settlement", "mitglied1", "verband", None, None),
        ("settlement", "liefer", "mitglied1", None, None),
        ("settlement", "mitglied2", "verband", None, None),
        ("supplier", "logistik", "allein", None, None),
    ]
    for rtype, child, parent, start, end in links:
        do_create_relationship(
            actor=None,
            type=rtype,
            from_party=p[child],
            to_party=p[parent],
            valid_from=start,
            valid_to=end,
        )
    # Own revenue: last year / this year (EUR).
    figures = {
        "holding": ("1000.00", "1500.00"),  # +50 %
        "handel": ("20000.00", "12000.00"),  # -40 %
        "sued": (None, "500.00"),  # new this year: no change in %
        "nord": ("800.00", None),  # none this year
        "filiale1": ("100.00", "100.00"),  # 0 %
        "mitglied1": ("5000.00", "5000.00"),
        "liefer": (None, "250.50"),
    }
    for name, (last, this) in figures.items():
        if last:
            _revenue(p[name], LAST_YEAR, last)
        if this:
            _revenue(p[name], THIS_YEAR, this, month=1)
    return p


def ids(response: Any) -> set[int]:
    assert response.status_code == 200, response.content[:500]
    return {row["id"] for row in response.json()["results"]}


def names(world: dict[str, Party], found: set[int]) -> set[str]:
    by_id = {p.pk: key for key, p in world.items()}
    return {by_id[i] for i in found if i in by_id}
