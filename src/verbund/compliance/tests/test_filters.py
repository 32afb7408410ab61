"""One FilterSet each for screening hits and screening runs: the UI lists and the API show the
same rows; "open hits only" is a default the user sees and can clear."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from verbund.compliance.actions import do_confirm_hit, do_dismiss_hit, do_screen_parties
from verbund.compliance.models import Hit, ScreeningRun
from verbund.core.testing import assert_same_rows

pytestmark = pytest.mark.django_db

QUEUE = "/compliance/"
HITS = "/api/v1/compliance/hits/"
RUNS_PAGE = "/compliance/runs/"
RUNS = "/api/v1/compliance/runs/"


@pytest.fixture
def hits(ofac: object, org: Callable[..., Any], reviewer: Any) -> dict[str, Any]:
    bank = org("Banco Nacional de Cuba")
    airline = org("Aerocaribbean Airlines")
    trading = org("Nordstern Trading LLC")
    do_dismiss_hit(Hit.objects.filter(party=airline).first(), actor=reviewer, reason="andere")
    do_confirm_hit(Hit.objects.filter(party=trading).first(), actor=reviewer)
    run = do_screen_parties(actor=None, party_ids=[bank.pk])
    return {"bank": bank, "airline": airline, "trading": trading, "run": run}


@pytest.fixture
def ui(make_user: Callable[..., Any]) -> Client:
    client = Client()
    client.force_login(make_user("compliance", username="queue-officer"))
    return client


@pytest.fixture
def api(api_for: Callable[..., Any]) -> Any:
    return api_for("compliance")


HIT_PARAMS = [
    {},
    {"status": ""},
    {"status": "dismissed"},
    {"status": "confirmed"},
    {"list": "ofac-sdn"},
    {"status": "", "list": "ofac-sdn"},
]


@pytest.mark.parametrize("params", HIT_PARAMS, ids=[str(p) or "none" for p in HIT_PARAMS])
def test_the_hits_queue_and_the_api_list_the_same_hits(hits, ui, api, params):
    rows = assert_same_rows(ui, QUEUE, api, HITS, params)
    expected = Hit.objects.order_by("-score", "id")
    if params.get("status", "open"):
        expected = expected.filter(status=params.get("status", "open"))
    if params.get("list"):
        expected = expected.filter(list__key=params["list"])
    assert rows == list(expected.values_list("id", flat=True)) and rows


def test_party_and_run_filters_agree(hits, ui, api):
    bank = assert_same_rows(ui, QUEUE, api, HITS, {"party": hits["bank"].pk})
    assert set(Hit.objects.filter(pk__in=bank).values_list("party", flat=True)) == {hits["bank"].pk}
    in_run = assert_same_rows(ui, QUEUE, api, HITS, {"status": "", "run": hits["run"].pk})
    assert in_run == list(
        Hit.objects.filter(run=hits["run"]).order_by("-score", "id").values_list("id", flat=True)
    )


def test_open_hits_only_is_a_visible_default_the_user_can_clear(hits, ui):
    page = ui.get(QUEUE)
    html = page.content.decode()
    assert [(f.name, f.is_default) for f in page.context["active_filters"]] == [("status", True)]
    assert 'data-testid="clear-filter-status"' in html and 'href="?status="' in html
    everything = ui.get(QUEUE, {"status": ""})
    assert everything.context["active_filters"] == []
    assert everything.context["page"].paginator.count == Hit.objects.count()


def test_a_hit_is_found_by_id_whatever_its_status(hits, api):
    dismissed = Hit.objects.get(status="dismissed")
    assert api.get(f"{HITS}{dismissed.pk}/").json()["status"] == "dismissed"


def test_bad_hit_filters_are_a_400_naming_them(hits, api):
    response = api.get(HITS, {"status": "kaputt", "list": "no-such-list", "party": "abc"})
    assert response.status_code == 400
    assert {"status", "list", "party"} <= set(response.json())


RUN_PARAMS = [{}, {"status": "finished"}, {"trigger": "parties"}, {"trigger": "all"}]


@pytest.mark.parametrize("params", RUN_PARAMS, ids=[str(p) or "none" for p in RUN_PARAMS])
def test_the_runs_page_and_the_api_list_the_same_runs_newest_first(hits, ui, api, params):
    do_screen_parties(actor=None, party_ids=[hits["airline"].pk])
    rows = assert_same_rows(ui, RUNS_PAGE, api, RUNS, params)
    expected = ScreeningRun.objects.filter(**params).order_by("-id")
    assert rows == list(expected.values_list("id", flat=True))


def test_the_runs_page_says_the_status_in_words(hits, ui):
    html = ui.get(RUNS_PAGE).content.decode()
    assert "<td>Beendet</td>" in html
    assert ">finished<" not in html
