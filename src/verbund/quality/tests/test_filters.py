"""One FilterSet for duplicate candidates: the review queue and the API show the same rows."""

from typing import Any

import pytest
from django.test import Client

from verbund.core.testing import assert_same_rows
from verbund.quality.actions import do_mark_not_duplicate, do_merge, do_record_candidates
from verbund.quality.models import DuplicateCandidate

pytestmark = pytest.mark.django_db

QUEUE = "/quality/"
API = "/api/v1/quality/candidates/"


@pytest.fixture
def candidates(org: Any) -> dict[str, Any]:
    """Five pairs: three open (one an ERP duplicate), one rejected, one merged."""
    p = [org(f"Müller Bau {i} GmbH", street=f"Ring {i}") for i in range(10)]
    pairs = [
        {"a": p[0].pk, "b": p[1].pk, "probability": 0.99, "points": 9},
        {"a": p[2].pk, "b": p[3].pk, "probability": 0.80, "points": 5, "category": "erp"},
        {"a": p[4].pk, "b": p[5].pk, "probability": 0.90, "points": 7},
        {"a": p[6].pk, "b": p[7].pk, "probability": 0.85, "points": 6},
        {"a": p[8].pk, "b": p[9].pk, "probability": 0.95, "points": 8},
    ]
    do_record_candidates(pairs, actor=None)
    do_mark_not_duplicate(p[6], p[7], actor=None)
    do_merge(p[9], p[8], actor=None)
    return {"parties": p}


@pytest.fixture
def ui(make_user: Any) -> Client:
    client = Client()
    client.force_login(make_user("steward", username="queue-steward"))
    return client


PARAMS = [
    {},
    {"status": ""},
    {"status": "rejected"},
    {"status": "merged"},
    {"category": "erp"},
    {"status": "", "category": "duplicate"},
]


@pytest.mark.parametrize("params", PARAMS, ids=[str(p) or "none" for p in PARAMS])
def test_the_queue_and_the_api_list_the_same_candidates(candidates, ui, api_for, params):
    rows = assert_same_rows(ui, QUEUE, api_for("viewer"), API, params)
    expected = DuplicateCandidate.objects.order_by("-score", "id")
    if params.get("status", "open"):
        expected = expected.filter(status=params.get("status", "open"))
    if params.get("category"):
        expected = expected.filter(category=params["category"])
    assert rows == list(expected.values_list("id", flat=True))


def test_without_parameters_both_show_the_open_candidates_best_first(candidates, ui, api_for):
    rows = assert_same_rows(ui, QUEUE, api_for("viewer"), API, {})
    scores = [DuplicateCandidate.objects.get(pk=pk).score for pk in rows]
    assert scores == [0.99, 0.90, 0.80]


def test_a_party_filter_finds_the_pair_from_either_side(candidates, ui, api_for):
    p, api = candidates["parties"], api_for("viewer")
    left = assert_same_rows(ui, QUEUE, api, API, {"party": p[4].pk})
    right = assert_same_rows(ui, QUEUE, api, API, {"party": p[5].pk})
    assert left == right and len(left) == 1


def test_the_default_status_shows_as_an_active_filter_the_user_can_clear(candidates, ui):
    page = ui.get(QUEUE)
    html = page.content.decode()
    active = page.context["active_filters"]
    assert [(f.name, f.is_default) for f in active] == [("status", True)]
    assert 'data-testid="clear-filter-status"' in html
    assert f'href="?{active[0].clear_query}"' in html and active[0].clear_query == "status="
    cleared = ui.get(f"{QUEUE}?{active[0].clear_query}")
    assert cleared.context["active_filters"] == []
    assert len(cleared.context["page"].object_list) == 5
    assert '<option value="" selected>' in cleared.content.decode()


def test_page_links_keep_the_filters(org, ui):
    parties = [org(f"Schulz {i} KG", street=f"Weg {i}") for i in range(104)]
    do_record_candidates(
        [
            {"a": parties[i].pk, "b": parties[i + 1].pk, "probability": 0.9, "points": 7}
            for i in range(0, 104, 2)
        ],
        actor=None,
    )
    html = ui.get(QUEUE, {"status": "", "category": "duplicate"}).content.decode()
    assert "?status=&amp;category=duplicate&amp;page=2" in html


def test_a_bad_filter_value_is_an_error_in_the_ui_and_a_400_naming_it_in_the_api(
    candidates, ui, api_for
):
    page = ui.get(QUEUE, {"status": "kaputt"})
    assert page.status_code == 200 and list(page.context["page"].object_list) == []
    assert "status" in page.context["filter"].errors
    response = api_for("viewer").get(API, {"status": "kaputt", "party": "x"})
    assert response.status_code == 400 and {"status", "party"} <= set(response.json())


def test_a_candidate_is_found_by_id_whatever_its_status(candidates, api_for):
    rejected = DuplicateCandidate.objects.get(status="rejected")
    response = api_for("viewer").get(f"{API}{rejected.pk}/")
    assert response.status_code == 200 and response.json()["status"] == "rejected"
