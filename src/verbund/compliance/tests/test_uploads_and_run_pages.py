"""A list uploaded in the browser is imported in the background with a progress page; a run's
page and the API's ``hits?run=N`` show what the run found then; a finally confirmed hit is not
offered for review again."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from verbund.compliance.actions import (
    do_confirm_hit,
    do_dismiss_hit,
    do_import_list,
    do_screen_parties,
)
from verbund.compliance.models import (
    Hit,
    ListUpload,
    ListVersion,
    RunFinding,
    SanctionsList,
    ScreeningRun,
    UploadStatus,
)
from verbund.compliance.tests import fixtures

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client_for: Callable[[str], Client]) -> Client:
    return client_for("compliance")


def _upload(client: Client, name: str, data: bytes, fmt: str = "ofac-csv") -> Any:
    return client.post(
        "/compliance/lists/",
        {"format": fmt, "files": [SimpleUploadedFile(name, data)]},
    )


def test_an_uploaded_list_is_imported_in_the_background_with_a_progress_page(
    officer: Client, org: Callable[..., Any], django_capture_on_commit_callbacks: Any
) -> None:
    org("Aerocaribbean Airlines")
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = _upload(officer, "sdn.csv", fixtures.OFAC_SDN)
    upload = ListUpload.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/compliance/lists/uploads/{upload.pk}/"
    assert not ListVersion.objects.exists()  # nothing imported inside the request

    waiting = officer.get(response["Location"], headers={"HX-Request": "true"})
    assert 'hx-trigger="every 1s"' in waiting.content.decode()

    for callback in queued:
        callback()
    upload.refresh_from_db()
    assert upload.status == UploadStatus.DONE and upload.version is not None
    assert upload.run is not None and upload.run.new_hit_count == 1
    page = officer.get(response["Location"]).content.decode()
    assert 'data-testid="upload-result"' in page and "hx-trigger" not in page


def test_an_upload_that_is_no_list_fails_naming_the_file(
    officer: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(officer, "kaputt.xml", b"<kaputt", fmt="un-xml")
    upload = ListUpload.objects.get()
    assert upload.status == UploadStatus.FAILED and "kaputt.xml" in upload.error
    assert "kaputt.xml" in officer.get(response["Location"]).content.decode()
    assert not ListVersion.objects.exists()
    # The lists page's recent imports name the file and who uploaded it.
    lists = officer.get("/compliance/lists/").content.decode()
    recent = lists.split('data-testid="uploads"')[1].split("</table>")[0]
    assert "kaputt.xml · web-compliance" in recent


def test_an_unknown_format_is_refused_at_once(officer: Client) -> None:
    response = _upload(officer, "sdn.csv", fixtures.OFAC_SDN, fmt="pdf")
    assert response["Location"] == "/compliance/lists/"
    assert not ListUpload.objects.exists()


@pytest.fixture
def two_runs(org: Callable[..., Any], make_user: Callable[..., Any]) -> tuple[ScreeningRun, Any]:
    """The list import's run finds two hits; one is dismissed; a later run matches it again."""
    org("Aerocaribbean Airlines")
    org("Banco Nacional de Cuba")
    do_import_list(
        "ofac-csv", [("sdn.csv", fixtures.OFAC_SDN), ("alt.csv", fixtures.OFAC_ALT)], actor=None
    )
    first = ScreeningRun.objects.get()
    reviewer = make_user("compliance", username="reviewer-1")
    do_dismiss_hit(Hit.objects.get(entry_external_id="36"), actor=reviewer, reason="andere")
    do_screen_parties(actor=None)
    return first, reviewer


def test_an_old_run_page_shows_what_the_run_found_then(two_runs: Any, officer: Client) -> None:
    first, _reviewer = two_runs
    page = officer.get(f"/compliance/runs/{first.pk}/").content.decode()
    assert "Aerocaribbean Airlines" in page and "Banco Nacional de Cuba" in page
    assert "False positive" not in page  # the run saw both open


def test_a_run_page_names_the_list_not_its_key(two_runs: Any, officer: Client) -> None:
    first, _reviewer = two_runs
    page = officer.get(f"/compliance/runs/{first.pk}/").content.decode()
    key, name = SanctionsList.objects.values_list("key", "name").get()
    assert key != name
    assert f"<td>{name}</td>" in page and f"<td>{key}</td>" not in page
    # Each finding's party leads to its customer file, as in the hits queue.
    party_id = RunFinding.objects.filter(run=first).values_list("party_id", flat=True)[0]
    assert f'<a href="/parties/{party_id}/" data-testid="finding-party">' in page


def test_the_api_lists_the_hits_an_old_run_found(
    two_runs: Any, api_for: Callable[[str], Any]
) -> None:
    first, _reviewer = two_runs
    api = api_for("compliance")
    hits = api.get("/api/v1/compliance/hits/", {"run": first.pk, "status": ""}).json()
    assert len(hits["results"]) == 2
    findings = api.get(f"/api/v1/compliance/runs/{first.pk}/findings/").json()
    assert {f["status"] for f in findings} == {"open"}


def test_a_finally_confirmed_hit_is_not_offered_for_review_again(
    ofac: Any, org: Callable[..., Any], make_user: Callable[..., Any], settings: Any
) -> None:
    party = org("Aerocaribbean Airlines")
    from verbund.compliance.actions import do_screen_party

    hit = do_screen_party(party, actor=None)[0]
    reviewer = make_user("compliance", username="reviewer-1")
    client = Client()
    client.force_login(reviewer)
    page = client.get(f"/compliance/hits/{hit.pk}/").content.decode()
    assert 'data-testid="confirm"' in page and 'data-testid="dismiss"' in page
    do_confirm_hit(hit, actor=reviewer)
    other = make_user("compliance", username="reviewer-2")
    hit = do_confirm_hit(Hit.objects.get(pk=hit.pk), actor=other)
    assert hit.status == "confirmed"
    page = client.get(f"/compliance/hits/{hit.pk}/").content.decode()
    assert 'data-testid="confirm"' not in page and 'data-testid="dismiss"' not in page
    assert 'data-testid="lift"' in page


def test_the_list_upload_button_says_what_it_does_in_german(officer: Client) -> None:
    page = officer.get("/compliance/lists/").content.decode()
    form = page.split('data-testid="upload-form"')[1].split("</form>")[0]
    assert ">Importieren</button>" in form
