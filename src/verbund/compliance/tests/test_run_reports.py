"""A screening run's report is a snapshot: what the run found, for ever (issue 21, point 9)."""

import csv
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from verbund.compliance import reports
from verbund.compliance.actions import do_dismiss_hit, do_import_list, do_screen_parties
from verbund.compliance.models import Hit, RunFinding, ScreeningRun
from verbund.compliance.tests import fixtures

pytestmark = pytest.mark.django_db

NAMES = ["Aerocaribbean Airlines", "Banco Nacional de Cuba", "Nordstern Trading LLC"]


def _rows(run: ScreeningRun) -> list[dict[str, str]]:
    return list(csv.DictReader(StringIO(reports.run_csv(run)), delimiter=";"))


@pytest.fixture
def first_run(org: Callable[..., Any]) -> ScreeningRun:
    """Three parties, then the list: the list import's screening run finds three new hits."""
    for name in NAMES:
        org(name)
    do_import_list(
        "ofac-csv",
        [
            ("sdn.csv", fixtures.OFAC_SDN),
            ("alt.csv", fixtures.OFAC_ALT),
            ("add.csv", fixtures.OFAC_ADD),
        ],
        actor=None,
    )
    run = ScreeningRun.objects.get()
    assert run.new_hit_count == 3
    return run


def test_a_later_run_finding_the_same_hits_leaves_the_first_report_as_it_was(
    first_run: ScreeningRun, make_user: Callable[..., Any]
) -> None:
    csv_before = reports.run_csv(first_run)
    pdf_before = reports.run_pdf(first_run)
    assert sorted(r["party_name"] for r in _rows(first_run)) == NAMES
    assert {r["status"] for r in _rows(first_run)} == {"Open"}

    reviewer = make_user("compliance", username="reviewer-1")
    hit = Hit.objects.get(entry_external_id="36")
    do_dismiss_hit(hit, actor=reviewer, reason="Another airline")
    second = do_screen_parties(actor=None)
    assert Hit.objects.filter(run=second).count() == 3  # the hits now name the second run

    assert reports.run_csv(first_run) == csv_before
    assert reports.run_pdf(first_run) == pdf_before
    assert len(_rows(first_run)) == 3
    later = {r["entry_id"]: r for r in _rows(second)}
    assert later["36"]["status"] == "False positive" and later["36"]["reviewed_by"] == "reviewer-1"
    assert RunFinding.objects.filter(run=first_run, new=True).count() == 3
    assert RunFinding.objects.filter(run=second, new=False).count() == 3


def test_the_report_pages_and_the_api_twin_give_the_snapshot(
    first_run: ScreeningRun, make_user: Callable[..., Any], api_for: Callable[..., Any]
) -> None:
    do_screen_parties(actor=None)
    client = Client()
    client.force_login(make_user("compliance", username="officer"))
    page = client.get(f"/compliance/runs/{first_run.pk}/report.csv").content.decode("utf-8")
    api = api_for("compliance").get(f"/api/v1/compliance/runs/{first_run.pk}/report.csv/")
    assert api.status_code == 200
    # The page's download is the report people read (German by default); the API's CSV the
    # one programs read, as it always was (decision 0049). Both are the first run's snapshot.
    with translation.override("de"):
        assert page == reports.report_csv(first_run)
    assert api.content.decode("utf-8") == reports.run_csv(first_run)
    for text in (page, api.content.decode("utf-8")):
        assert sum(name in text for name in ("AEROCARIBBEAN", "BANCO NACIONAL", "NORDSTERN")) == 3


def test_a_later_run_rewrites_a_hit_that_changed_and_moves_the_others_to_itself(
    first_run: ScreeningRun,
) -> None:
    stale = Hit.objects.get(entry_external_id="36")
    right = (stale.score, stale.matched_name, stale.explanation)
    Hit.objects.filter(pk=stale.pk).update(score=0.5, matched_name="older engine", explanation={})
    others = {
        h.pk: (h.score, h.matched_name, h.updated_at) for h in Hit.objects.exclude(pk=stale.pk)
    }

    second = do_screen_parties(actor=None)

    stale.refresh_from_db()
    assert (stale.score, stale.matched_name, stale.explanation) == right
    assert stale.run_id == second.pk
    for hit in Hit.objects.exclude(pk=stale.pk):
        score, matched, updated = others[hit.pk]
        assert (hit.score, hit.matched_name, hit.run_id) == (score, matched, second.pk)
        assert hit.updated_at > updated
    assert RunFinding.objects.filter(run=second).count() == 3


def test_the_hits_of_a_chunk_are_those_of_its_parties_whether_dense_or_spread(
    first_run: ScreeningRun,
) -> None:
    from verbund.compliance.actions import _existing_hits

    holders = sorted(Hit.objects.values_list("party_id", flat=True))
    first, middle, last = holders
    dense = _existing_hits([first, last])
    spread = _existing_hits([first, last, last + 10_000])
    assert set(dense) == set(spread) == {first, last}
    assert middle not in dense
    assert [h.entry_external_id for h in dense[first].values()] == [
        h.entry_external_id for h in Hit.objects.filter(party_id=first)
    ]
