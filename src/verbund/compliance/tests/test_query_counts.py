"""Pinned query counts: the hits queue, a hit, the lists, the runs, a run, a party's screening
page and the API lists do no query per row (count, add rows, the count stays)."""

from collections.abc import Callable
from decimal import Decimal
from itertools import count
from typing import Any

import pytest
from django.test import Client

from verbund.compliance.actions import do_confirm_hit, do_import_list, do_screen_parties
from verbund.compliance.models import Hit
from verbund.compliance.tests import fixtures
from verbund.core.testing import assert_queries_stay
from verbund.relationships.actions import do_create_relationship

pytestmark = pytest.mark.django_db

NAMES = ["Banco Nacional de Cuba", "Aerocaribbean Airlines", "Nordstern Trading LLC"]


@pytest.fixture
def officer(make_user: Callable[..., Any]) -> Client:
    client = Client()
    client.force_login(make_user("compliance", username="counting-officer"))
    return client


@pytest.fixture
def grow(ofac: object, org: Callable[..., Any]) -> Callable[[], list[Any]]:
    """Each call adds parties that match the list (so hits) and a screening run over them."""
    numbers = count()

    def more() -> list[Any]:
        made = []
        for name in NAMES:
            made.append(org(name, city=f"Ort {next(numbers)}"))
        do_screen_parties(actor=None, party_ids=[p.pk for p in made])
        return made

    more()
    return more


def test_the_hits_queue_does_not_grow_with_its_hits(officer, grow):
    assert_queries_stay(officer, "/compliance/", grow)
    assert_queries_stay(officer, "/compliance/", grow, params={"status": "", "list": "ofac-sdn"})


def test_the_runs_page_does_not_grow_with_its_runs(officer, grow):
    assert_queries_stay(officer, "/compliance/runs/", grow)


def test_a_run_does_not_grow_with_its_hits(officer, ofac, org):
    from verbund.compliance.models import ScreeningRun

    parties = [org(name) for name in NAMES]
    run = do_screen_parties(actor=None, party_ids=[p.pk for p in parties])

    def more() -> None:
        extra = [org(name, city="Bonn") for name in NAMES]
        do_screen_parties(actor=None, party_ids=[p.pk for p in extra], run=None)
        # The new hits are this run's too, as a later run takes over the hits it finds again.
        Hit.objects.filter(party__in=extra).update(run=run)

    assert_queries_stay(officer, f"/compliance/runs/{run.pk}/", more)
    assert ScreeningRun.objects.count() == 2


def test_a_hit_page_takes_a_fixed_number_of_queries(officer, grow):
    hit = Hit.objects.order_by("id").first()
    assert_queries_stay(officer, f"/compliance/hits/{hit.pk}/", grow)


def test_the_lists_page_does_not_grow_with_lists_and_versions(officer, db):
    def more() -> None:
        do_import_list("un-xml", [("un.xml", fixtures.UN_XML)], actor=None)
        do_import_list("eu-xml", [("eu.xml", fixtures.EU_XML)], actor=None)

    more()
    assert_queries_stay(officer, "/compliance/lists/", more)


def test_a_partys_screening_page_does_not_grow_with_its_hits_and_flags(
    officer, ofac, org, reviewer
):
    bank = org("Banco Nacional de Cuba")
    owned = org("Karibik Handel GmbH")
    do_create_relationship(
        actor=None, type="group", from_party=owned, to_party=bank, share=Decimal("60")
    )

    copies = count()

    def more() -> None:
        # The same list under another key: one more hit for the owner, confirmed.
        do_import_list(
            "ofac-csv",
            [("sdn.csv", fixtures.OFAC_SDN), ("alt.csv", fixtures.OFAC_ALT)],
            actor=None,
            list_key=f"ofac-copy-{next(copies)}",
        )
        for hit in Hit.objects.filter(party=bank, status="open"):
            do_confirm_hit(hit, actor=reviewer)

    for hit in Hit.objects.filter(party=bank):
        do_confirm_hit(hit, actor=reviewer)
    assert_queries_stay(officer, f"/compliance/parties/{owned.pk}/", more)
    assert_queries_stay(officer, f"/compliance/parties/{bank.pk}/", more)
    assert Hit.objects.filter(party=bank, status="confirmed").count() == 3


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/compliance/hits/",
        "/api/v1/compliance/runs/",
        "/api/v1/compliance/lists/",
        "/api/v1/compliance/ownership/",
    ],
)
def test_the_api_lists_do_not_grow_with_their_rows(api_for, grow, url):
    assert_queries_stay(api_for("compliance"), url, grow)
