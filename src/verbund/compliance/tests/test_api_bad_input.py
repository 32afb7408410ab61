"""Bad input to the compliance API: a 400 naming the field (404 for ids that are not ids),
never a 500, nothing written."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from verbund.compliance.actions import do_screen_parties
from verbund.compliance.models import Hit, ListVersion, SanctionsList, ScreeningRun
from verbund.compliance.tests import fixtures
from verbund.core.testing import (
    OVERLONG,
    assert_not_ids_are_404,
    assert_refuses_bad_input,
    assert_refuses_bad_query,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(api_for: Callable[..., Any]) -> Any:
    return api_for("compliance")


@pytest.fixture
def hit(ofac: object, org: Callable[..., Any]) -> Hit:
    return Hit.objects.filter(party=org("Banco Nacional de Cuba")).order_by("id").first()


@pytest.mark.parametrize("decision", ["confirm", "dismiss"])
def test_a_review_refuses_bad_input(hit, api, decision):
    url = f"/api/v1/compliance/hits/{hit.pk}/{decision}/"
    assert_refuses_bad_input(api, url, {"reason": "andere Bank, andere Adresse"})


def test_starting_a_run_refuses_a_body_it_cannot_read(db, api):
    assert api.post("/api/v1/compliance/runs/").status_code == 202
    for raw in ('{"a": ', "[1]"):
        response = api.post("/api/v1/compliance/runs/", raw, content_type="application/json")
        assert response.status_code == 400, (raw, response.content)
    response = api.post("/api/v1/compliance/runs/", {"threshold": 0.1}, format="json")
    assert response.status_code == 400 and "threshold" in response.json()


def _upload(**fields: Any) -> dict[str, Any]:
    return {"format": "un-xml", "files": [SimpleUploadedFile("un.xml", fixtures.UN_XML)], **fields}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"format": "kaputt"}, "format"),
        ({"format": ""}, "format"),
        ({"files": []}, "files"),
        ({"files": "keine Datei"}, "files"),
        ({"list": OVERLONG}, "list"),
        ({"list": "Leer zeichen/und?"}, "list"),
        ({"no_such_field": "1"}, "no_such_field"),
    ],
)
def test_a_list_import_refuses_bad_input_and_writes_nothing(db, api, body, field):
    response = api.post("/api/v1/compliance/lists/import/", _upload(**body), format="multipart")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert not ListVersion.objects.exists() and not SanctionsList.objects.exists()


def test_a_list_import_of_a_broken_file_fails_its_job_and_writes_nothing(
    db, api, django_capture_on_commit_callbacks
):
    # The file is read in the background job (#22 walk, point 9): the request is accepted, the
    # job fails and says why, nothing is written.
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/compliance/lists/import/",
            _upload(files=[SimpleUploadedFile("un.xml", b"<kaputt")]),
            format="multipart",
        )
    assert response.status_code == 202, response.content
    job = api.get(response["Location"]).json()
    assert job["status"] == "failed" and job["error"] and job["version"] is None
    assert not ListVersion.objects.exists() and not SanctionsList.objects.exists()


def test_a_list_import_refuses_json(db, api):
    response = api.post("/api/v1/compliance/lists/import/", {"format": "un-xml"}, format="json")
    assert response.status_code == 415, response.content


@pytest.mark.parametrize(
    ("template", "method"),
    [
        ("/api/v1/compliance/lists/{}/", "get"),
        ("/api/v1/compliance/hits/{}/", "get"),
        ("/api/v1/compliance/hits/{}/confirm/", "post"),
        ("/api/v1/compliance/hits/{}/dismiss/", "post"),
        ("/api/v1/compliance/runs/{}/", "get"),
        ("/api/v1/compliance/runs/{}/report.csv/", "get"),
        ("/api/v1/compliance/runs/{}/report.pdf/", "get"),
        ("/api/v1/compliance/ownership/{}/", "get"),
        ("/api/v1/compliance/screen/{}/", "post"),
    ],
)
def test_ids_that_are_not_ids_are_404(hit, api, template, method):
    do_screen_parties(actor=None, party_ids=[hit.party_id])
    assert ScreeningRun.objects.exists()
    assert_not_ids_are_404(api, template.format, method=method, body={"reason": "x"})


def test_the_lists_refuse_bad_filters(hit, api):
    assert_refuses_bad_query(
        api,
        "/api/v1/compliance/hits/",
        {
            "status": ["kaputt", OVERLONG],
            "list": ["no-such-list"],
            "party": ["abc", "0", str(2**64)],
            "run": ["null,null"],
        },
    )
    assert_refuses_bad_query(
        api, "/api/v1/compliance/runs/", {"status": ["kaputt"], "trigger": ["nie"]}
    )
