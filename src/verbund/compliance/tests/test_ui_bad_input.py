"""Bad input to the compliance pages: a clear message or a 404, never a 500 or a row written."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from verbund.compliance.actions import do_screen_parties
from verbund.compliance.models import Hit, HitStatus, SanctionsList
from verbund.compliance.tests import fixtures
from verbund.core.testing import NOT_IDS, OVERLONG

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make_user: Callable[..., Any]) -> Client:
    client = Client()
    client.force_login(make_user("compliance", username="ui-officer"))
    return client


@pytest.mark.parametrize("key", [OVERLONG, "Leer zeichen/und?"])
def test_a_list_key_that_is_no_key_is_refused_with_a_message(db, officer, key):
    response = officer.post(
        "/compliance/lists/",
        {"format": "un-xml", "list": key, "files": [SimpleUploadedFile("un.xml", fixtures.UN_XML)]},
        follow=True,
    )
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not SanctionsList.objects.exists()


def test_only_confirm_and_dismiss_are_decisions(ofac, org, officer):
    hit = Hit.objects.filter(party=org("Banco Nacional de Cuba")).first()
    response = officer.post(f"/compliance/hits/{hit.pk}/kaputt/", {"reason": "x"})
    assert response.status_code == 404
    hit.refresh_from_db()
    assert hit.status == HitStatus.OPEN


def test_a_report_comes_as_csv_or_pdf_and_nothing_else(ofac, org, officer):
    run = do_screen_parties(actor=None, party_ids=[org("Banco Nacional de Cuba").pk])
    assert officer.get(f"/compliance/runs/{run.pk}/report.csv").status_code == 200
    assert officer.get(f"/compliance/runs/{run.pk}/report.xlsx").status_code == 404


@pytest.mark.parametrize("bad", NOT_IDS)
def test_ids_that_are_not_ids_are_404(db, officer, bad):
    for url in (
        f"/compliance/hits/{bad}/",
        f"/compliance/runs/{bad}/",
        f"/compliance/runs/{bad}/report.csv",
        f"/compliance/parties/{bad}/",
    ):
        assert officer.get(url).status_code == 404, url
    assert officer.post(f"/compliance/hits/{bad}/confirm/").status_code == 404


def test_a_filter_value_that_is_no_value_shows_the_error_and_no_rows(ofac, org, officer):
    org("Banco Nacional de Cuba")
    page = officer.get("/compliance/", {"status": "kaputt", "party": "abc"})
    assert page.status_code == 200 and list(page.context["page"].object_list) == []
    assert {"status", "party"} <= set(page.context["filter"].errors)
