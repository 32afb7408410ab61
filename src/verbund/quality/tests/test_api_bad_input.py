"""Bad input to the quality API: a 400 naming the field (404 for ids that are not ids), never a 500."""

from typing import Any

import pytest

from verbund.core.testing import (
    assert_not_ids_are_404,
    assert_refuses_bad_input,
    assert_refuses_bad_query,
)
from verbund.quality.actions import do_merge, do_record_candidates
from verbund.quality.models import DuplicateCandidate

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(org: Any) -> dict[str, Any]:
    a = org("Müller Bau GmbH", phone="")
    b = org("Mueller Bau GmbH", phone="0221 1234")
    do_record_candidates([{"a": a.pk, "b": b.pk, "probability": 0.9, "points": 7}], actor=None)
    return {"a": a, "b": b, "candidate": DuplicateCandidate.objects.get()}


@pytest.fixture
def steward(api_for: Any) -> Any:
    return api_for("steward")


def test_marking_not_a_duplicate_refuses_bad_input(pair, steward):
    url = f"/api/v1/quality/candidates/{pair['candidate'].pk}/not-duplicate/"
    assert_refuses_bad_input(steward, url, {"note": "Filialen"})


def test_a_merge_refuses_bad_input(pair, steward):
    body = {
        "source": pair["b"].pk,
        "survivor": pair["a"].pk,
        "values": {"phone": "0221 1234"},
        "note": "gleiche Firma",
    }
    assert_refuses_bad_input(steward, "/api/v1/quality/merges/", body)


def test_a_merge_refuses_values_for_fields_it_does_not_merge(pair, steward):
    body = {"source": pair["b"].pk, "survivor": pair["a"].pk, "values": {"number": "1"}}
    response = steward.post("/api/v1/quality/merges/", body, format="json")
    assert response.status_code == 400 and "values" in response.json()


def test_a_run_refuses_bad_input(steward):
    body = {"kind": "organisation", "threshold": 0.9}
    assert_refuses_bad_input(steward, "/api/v1/quality/runs/", body)


def test_the_similar_search_refuses_bad_input(org, steward):
    org("Müller Bau GmbH")
    body = {"name": "Mueller Bau", "postcode": "50667", "limit": 5, "birth_date": "1970-01-01"}
    assert_refuses_bad_input(steward, "/api/v1/quality/similar/", body)


@pytest.mark.parametrize(
    ("template", "method"),
    [
        ("/api/v1/quality/candidates/{}/", "get"),
        ("/api/v1/quality/candidates/{}/not-duplicate/", "post"),
        ("/api/v1/quality/merges/{}/", "get"),
        ("/api/v1/quality/merges/{}/undo/", "post"),
        ("/api/v1/quality/runs/{}/", "get"),
    ],
)
def test_ids_that_are_not_ids_are_404(pair, steward, template, method):
    assert_not_ids_are_404(steward, template.format, method=method)


def test_an_undo_of_an_unknown_merge_is_404_and_of_an_undone_one_400(pair, steward):
    record = do_merge(pair["b"], pair["a"], actor=None)
    assert steward.post(f"/api/v1/quality/merges/{record.pk}/undo/").status_code == 200
    second = steward.post(f"/api/v1/quality/merges/{record.pk}/undo/")
    assert second.status_code == 400, second.content


def test_an_undo_behind_a_later_merge_of_the_survivor_is_a_409(pair, steward, org):
    # The later merge stands in the way, not the request (decision 0038, revision 3): the
    # same request succeeds once that merge is undone.
    record = do_merge(pair["b"], pair["a"], actor=None)
    later = do_merge(pair["a"], org("Müller Bau Holding GmbH"), actor=None)
    response = steward.post(f"/api/v1/quality/merges/{record.pk}/undo/")
    assert response.status_code == 409, response.content
    assert list(response.json()) == ["non_field_errors"]
    assert "rückgängig" in response.json()["non_field_errors"][0]
    assert steward.post(f"/api/v1/quality/merges/{later.pk}/undo/").status_code == 200
    assert steward.post(f"/api/v1/quality/merges/{record.pk}/undo/").status_code == 200


def test_the_candidate_list_refuses_bad_filters(pair, steward):
    assert_refuses_bad_query(
        steward,
        "/api/v1/quality/candidates/",
        {
            "status": ["kaputt"],
            "category": ["x" * 1000],
            "party": ["abc", "-1", str(2**64), "1.5"],
            "run": ["null"],
        },
    )
