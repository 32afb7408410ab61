"""One FilterSet for import runs: the import page's history and the API show the same runs."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from verbund.core.testing import assert_same_rows
from verbund.interfaces.actions import do_sync
from verbund.interfaces.models import ImportRun

pytestmark = pytest.mark.django_db

PAGE = "/imports/"
API = "/api/v1/import-runs/"


@pytest.fixture
def runs(db: Any) -> list[ImportRun]:
    made = []
    for source, kind, records, dry_run in [
        ("sap", "parties", [{"external_id": "K1", "name": "A GmbH"}], False),
        ("sap", "parties", [{"external_id": "K2", "name": "B GmbH"}], True),
        ("crm", "parties", [{"external_id": "K3", "name": ""}], False),
        ("sap", "revenue", [{"party": "K1", "month": "2025-01", "amount": "5"}], False),
    ]:
        run, _outcome = do_sync(
            actor=None, kind=kind, source=source, records=records, dry_run=dry_run, atomic=True
        )
        made.append(run)
    return made


@pytest.fixture
def ui(make_user: Callable[..., Any]) -> Client:
    client = Client()
    client.force_login(make_user("viewer", username="history-viewer"))
    return client


PARAMS = [
    {},
    {"kind": "parties"},
    {"source": "sap"},
    {"status": "failed"},
    {"channel": "api", "dry_run": "true"},
    {"kind": "revenue", "source": "sap"},
]


@pytest.mark.parametrize("params", PARAMS, ids=[str(p) or "none" for p in PARAMS])
def test_the_history_and_the_api_list_the_same_runs_newest_first(runs, ui, api_for, params):
    rows = assert_same_rows(ui, PAGE, api_for("viewer"), API, params, rows="runs")
    expected = ImportRun.objects.order_by("-id")
    for name, value in params.items():
        expected = expected.filter(**{name: value == "true" if name == "dry_run" else value})
    assert rows == list(expected.values_list("id", flat=True)) and rows


def test_a_bad_filter_is_a_400_naming_it(runs, api_for):
    response = api_for("viewer").get(API, {"kind": "kaputt", "dry_run": "vielleicht"})
    assert response.status_code == 400 and {"kind", "dry_run"} <= set(response.json())


def test_the_history_shows_its_filters_and_keeps_them_on_the_next_page(runs, ui):
    for i in range(50):
        do_sync(actor=None, kind="parties", source="sap", records=[{"external_id": f"X{i}"}])
    page = ui.get(PAGE, {"source": "sap"})
    html = page.content.decode()
    assert [f.name for f in page.context["active_filters"]] == ["source"]
    assert "?source=sap&amp;page=2" in html
    # The channel in words (the runs came through the API and have no file name).
    assert ">API</td>" in html and ">api</td>" not in html
    # The upload form and the history's filters share field names, not element ids.
    assert html.count('id="id_kind"') == 1 and html.count('id="upload_kind"') in (0, 1)
