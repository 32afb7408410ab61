"""In headless Chromium, German UI, 1,024 px: the merge form keeps the filled VAT id by
default, the plan lists what moves and what ends before the user confirms, a cluster of three
merges in one step and is undone as one, and the queue fits the window. Skips where no
Chromium is installed."""

from collections.abc import Iterator
from typing import Any

import pytest

from verbund.parties.actions import do_create_party
from verbund.parties.models import Party
from verbund.quality.actions import do_record_candidates
from verbund.quality.models import DuplicateCandidate, MergeRecord
from verbund.relationships.actions import do_create_relationship
from verbund.revenue.actions import do_record_revenue
from verbund.web.testing import browser_login, browser_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    yield from browser_page(monkeypatch)


def login(page: Any, base: str, role: str) -> None:
    browser_login(page, base, role)


def page_width(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


def test_the_merge_keeps_the_vat_id_and_shows_what_ends_before_it_merges(live_server, page):
    kept = do_create_party(actor=None, name="Müller Bau GmbH", city="Köln", vat_id="")
    other = do_create_party(actor=None, name="Mueller Bau GmbH", city="Köln", vat_id="DE123456789")
    do_create_relationship(actor=None, type="settlement", from_party=other, to_party=kept)
    do_record_revenue(actor=None, party=other, month="2025-03", amount="1234.50")
    login(page, live_server.url, "steward")

    page.goto(f"{live_server.url}/quality/compare/{kept.pk}/{other.pk}/")
    assert page.is_checked(f"input[name=field_vat_id][value='{other.pk}']")
    assert page_width(page) <= 1024
    page.click("[data-testid=to-plan]")

    plan = page.locator("[data-testid=plan]")
    assert "DE123456789" in plan.inner_text()
    ended = page.locator("[data-testid=plan-relationships] .plan-ended")
    assert ended.count() == 1
    assert "zentralreguliert" in ended.inner_text() and "endet" in ended.inner_text()
    assert "1.234,50" in page.locator("[data-testid='plan-verbund.revenue.merge']").inner_text()
    assert not MergeRecord.objects.exists()

    page.click("[data-testid=confirm-merge]")
    page.wait_for_load_state()
    assert Party.objects.get(pk=kept.pk).vat_id == "DE123456789"
    assert Party.objects.get(pk=other.pk).merged_into_id == kept.pk


def test_a_cluster_of_three_merges_in_one_step_and_is_undone_as_one(live_server, page):
    parties = [
        do_create_party(actor=None, name=name, city="Köln")
        for name in ("Müller Bau GmbH", "Mueller Bau GmbH", "Müller Bau G.m.b.H.")
    ]
    a, b, c = (p.pk for p in parties)
    do_record_candidates(
        [
            {"a": a, "b": b, "probability": 0.95, "points": 9, "cluster": 7},
            {"a": b, "b": c, "probability": 0.93, "points": 8, "cluster": 7},
        ],
        actor=None,
    )
    login(page, live_server.url, "steward")
    page.goto(f"{live_server.url}/quality/")
    assert page_width(page) <= 1024
    page.click("[data-testid=candidates] a[href='/quality/clusters/7/']")
    assert page.locator("[data-testid^=column-]").count() == 3
    page.click("[data-testid=to-plan]")
    page.click("[data-testid=confirm-merge]")
    page.wait_for_load_state()
    assert Party.objects.filter(merged_into_id=a).count() == 2
    assert "In einem Schritt zusammengeführt mit" in page.inner_text("[data-testid=cluster]")

    page.click("[data-testid=undo]")
    page.wait_for_load_state()
    assert not Party.objects.filter(merged_into__isnull=False).exists()


def test_a_steward_marks_two_records_as_different_and_withdraws_it_at_390_px(live_server, page):
    from verbund.quality.models import NotDuplicate

    a = do_create_party(actor=None, name="Meyer Optik KG", city="Bonn")
    b = do_create_party(actor=None, name="Meier Optik KG", city="Bonn", street="Ring 2")
    do_record_candidates(
        [{"a": a.pk, "b": b.pk, "probability": 0.9, "points": 8.0, "cluster": 1}], actor=None
    )
    login(page, live_server.url, "steward")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/quality/compare/{a.pk}/{b.pk}/")
    page.fill("form[action$='not-duplicate/'] input[name=note]", "Zwei Filialen")
    page.click("form[action$='not-duplicate/'] button")
    page.wait_for_load_state()
    assert NotDuplicate.objects.filter(note="Zwei Filialen").exists()

    page.goto(f"{live_server.url}/quality/compare/{a.pk}/{b.pk}/")
    decision = page.locator("[data-testid=decision]")
    assert "Als verschiedene Adressen markiert von browser-steward am" in decision.inner_text()
    assert "Zwei Filialen" in decision.inner_text()
    assert page_width(page) <= 390
    page.click("[data-testid=reopen]")
    page.wait_for_load_state()
    assert "Entscheidung zurückgenommen" in page.inner_text("body")
    assert page.locator("[data-testid=decision]").count() == 0
    assert not NotDuplicate.objects.exists()
    assert DuplicateCandidate.objects.get().status == "open"
