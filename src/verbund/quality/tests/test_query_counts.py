"""Pinned query counts: the review queue, the comparison and the API lists do no query per row
(count, add rows, the count stays)."""

from collections.abc import Callable
from itertools import count
from typing import Any

import pytest
from django.test import Client

from verbund.core.testing import assert_queries_stay
from verbund.quality.actions import do_create_run, do_merge, do_record_candidates

pytestmark = pytest.mark.django_db


@pytest.fixture
def steward(make_user: Callable[..., Any]) -> Client:
    client = Client()
    client.force_login(make_user("steward", username="counting-steward"))
    return client


@pytest.fixture
def grow(org: Callable[..., Any], person: Callable[..., Any]) -> Callable[[], None]:
    """Each call adds candidates of both categories, a run and a merge."""
    numbers = count()

    def more() -> None:
        for _ in range(3):
            i = next(numbers)
            a = org(f"Müller Bau {i} GmbH", street=f"Ring {i}", erp_source="sap", erp_id=f"A{i}")
            b = org(f"Mueller Bau {i} GmbH", street=f"Ring {i}", erp_source="sap", erp_id=f"B{i}")
            do_record_candidates(
                [{"a": a.pk, "b": b.pk, "probability": 0.9, "points": 7, "category": "erp"}],
                actor=None,
                run=do_create_run(actor=None),
            )
            x, y = org(f"Schulz {i} KG"), org(f"Schulz {i} KG", city="Bonn")
            do_record_candidates(
                [{"a": x.pk, "b": y.pk, "probability": 0.8, "points": 6}], actor=None
            )
            do_merge(org(f"Weg {i} GmbH"), org(f"Weg {i} GmbH", city="Bonn"), actor=None)

    more()
    return more


def test_the_review_queue_does_not_grow_with_its_candidates(steward, grow, monkeypatch):
    from verbund.quality import views

    # The last runs and merges are full from the start: each counted once (list_count).
    monkeypatch.setattr(views, "RUNS_SHOWN", 2)
    monkeypatch.setattr(views, "MERGES_SHOWN", 2)
    assert_queries_stay(steward, "/quality/", grow)
    assert_queries_stay(steward, "/quality/", grow, params={"status": "", "category": "erp"})


def test_the_comparison_does_not_grow_with_the_records_contacts(steward, org, person):
    a, b = org("Müller Bau GmbH"), org("Mueller Bau GmbH")
    do_record_candidates([{"a": a.pk, "b": b.pk, "probability": 0.9, "points": 7}], actor=None)

    def contacts() -> None:
        for i in range(3):
            person("Kontakt", f"A{i}", organisation=a)
            person("Kontakt", f"B{i}", organisation=b)

    assert_queries_stay(steward, f"/quality/compare/{a.pk}/{b.pk}/", contacts)


@pytest.mark.parametrize(
    "url", ["/api/v1/quality/candidates/", "/api/v1/quality/merges/", "/api/v1/quality/runs/"]
)
def test_the_api_lists_do_not_grow_with_their_rows(api_for, grow, url):
    assert_queries_stay(api_for("steward"), url, grow)
