"""Bad input to the quality pages: a message or a 404, never a 500 or a row written."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from verbund.core.testing import NOT_IDS, OVERLONG
from verbund.quality.models import DedupeRun, MergeRecord, NotDuplicate

pytestmark = pytest.mark.django_db


@pytest.fixture
def steward(make_user: Callable[..., Any]) -> Client:
    client = Client()
    client.force_login(make_user("steward", username="ui-steward"))
    return client


@pytest.mark.parametrize(
    "params",
    [
        {"name": OVERLONG},
        {"name": "Müller", "exclude": "99999999999999999999999"},
        {"name": "Müller", "birth_date": "1970-13-45", "kind": "robot"},
        {"name": "Müller", "party_id": "-1"},
    ],
    ids=["overlong", "huge-exclude", "bad-date-and-kind", "negative-id"],
)
def test_the_similar_fragment_survives_any_query(org, steward, params):
    org("Müller Bau GmbH")
    assert steward.get("/quality/similar/", params).status_code in (200, 400)


@pytest.mark.parametrize("threshold", ["abc", "nan", "inf", "-1", "1", OVERLONG])
def test_a_run_with_a_threshold_that_is_no_probability_is_refused(steward, threshold):
    response = steward.post("/quality/runs/", {"kind": "organisation", "threshold": threshold})
    assert response.status_code == 302 and not DedupeRun.objects.exists()
    page = steward.get("/quality/")
    assert [m.level_tag for m in page.context["messages"]] == ["error"]


def test_a_run_of_an_unknown_kind_is_refused(steward):
    steward.post("/quality/runs/", {"kind": "robot", "threshold": "0.9"})
    assert not DedupeRun.objects.exists()


def test_a_merge_with_odd_choices_merges_as_the_form_allows(org, steward):
    a, b = org("Müller Bau GmbH"), org("Mueller Bau GmbH", street="Ring 2")
    response = steward.post(
        f"/quality/compare/{a.pk}/{b.pk}/merge/",
        {"survivor": "c", "field_name": "x", "field_number": "b", "note": OVERLONG, "confirm": "1"},
    )
    assert response.status_code in (302, 400)


@pytest.mark.parametrize("bad", NOT_IDS)
def test_ids_that_are_not_ids_are_404(org, steward, bad):
    a = org()
    for url in (
        f"/quality/candidates/{bad}/",
        f"/quality/compare/{bad}/{a.pk}/",
        f"/quality/compare/{a.pk}/{bad}/",
        f"/quality/merges/{bad}/",
    ):
        assert steward.get(url).status_code == 404, url
    assert steward.post(f"/quality/compare/{a.pk}/{bad}/not-duplicate/").status_code == 404
    assert steward.post(f"/quality/merges/{bad}/undo/").status_code == 404
    assert not NotDuplicate.objects.exists() and not MergeRecord.objects.exists()


def test_a_page_number_that_is_no_number_shows_a_page(org, steward):
    for page in ("abc", "-1", "99999999999999999999"):
        assert steward.get("/quality/", {"page": page}).status_code == 200
