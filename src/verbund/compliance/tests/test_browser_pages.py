"""In headless Chromium, German UI at 1,024 px: a list uploaded in the browser lands on its
import page with the result, the compliance pages are styled and fit the window, status words
are German, and a finally confirmed hit offers no "bestätigen"/"verwerfen". Skips where no
Chromium is installed."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from verbund.compliance.actions import do_confirm_hit, do_import_list, do_screen_parties
from verbund.compliance.models import Hit, ListUpload, SanctionsList, ScreeningRun
from verbund.compliance.tests import fixtures
from verbund.parties.actions import do_create_party
from verbund.web.testing import browser_login, browser_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-Verbund-2026"


@pytest.fixture(autouse=True)
def _german() -> Iterator[None]:
    # The package's conftest asserts messages in English; these pages are checked in German.
    from django.utils import translation

    with translation.override("de"):
        yield


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    yield from browser_page(monkeypatch)


def login(page: Any, base: str, username: str) -> User:
    return browser_login(page, base, "compliance", username=username)


def fits(page: Any) -> bool:
    return int(page.evaluate("document.documentElement.scrollWidth")) <= 1024


def no_bare_buttons(page: Any) -> bool:
    """Every button of the page content is styled like the customer file's (class btn)."""
    return bool(
        page.evaluate(
            "[...document.querySelectorAll('main button')].every(b => b.classList.contains('btn'))"
        )
    )


def test_an_uploaded_list_shows_its_import_page_with_the_result(live_server, page, tmp_path):
    do_create_party(actor=None, name="Aerocaribbean Airlines")
    login(page, live_server.url, "officer")
    page.goto(f"{live_server.url}/compliance/lists/")
    assert fits(page) and no_bare_buttons(page)
    sdn = tmp_path / "sdn.csv"
    sdn.write_bytes(fixtures.OFAC_SDN)
    page.select_option("select[name=format]", "ofac-csv")
    page.set_input_files("input[name=files]", str(sdn))
    page.click("[data-testid=upload-form] button[type=submit]")
    page.wait_for_selector("[data-testid=upload-result]")
    upload = ListUpload.objects.get()
    assert page.url.endswith(f"/compliance/lists/uploads/{upload.pk}/")
    progress = page.inner_text("[data-testid=upload-progress]")
    assert "Fertig" in progress and "1 Treffer (1 neu)" in progress
    assert fits(page)


def test_a_confirmed_hit_offers_no_review_and_the_pages_speak_german(live_server, page):
    party = do_create_party(actor=None, name="Aerocaribbean Airlines")
    do_import_list("ofac-csv", [("sdn.csv", fixtures.OFAC_SDN)], actor=None)
    hit = Hit.objects.get(party=party)
    user = login(page, live_server.url, "officer")
    page.goto(f"{live_server.url}/compliance/hits/{hit.pk}/")
    assert page.locator("[data-testid=confirm]").count() == 1
    assert (
        page.locator("main dl.keydata").count() == 1
        and page.locator("main dl:not(.keydata)").count() == 0
    )
    assert fits(page) and no_bare_buttons(page)

    do_confirm_hit(hit, actor=user)
    second = User.objects.create_user(username="officer-2", password=PASSWORD)
    second.groups.add(Group.objects.get(name="compliance"))
    do_confirm_hit(Hit.objects.get(pk=hit.pk), actor=second)
    page.goto(f"{live_server.url}/compliance/hits/{hit.pk}/")
    assert page.locator("[data-testid=confirm]").count() == 0
    assert page.locator("[data-testid=dismiss]").count() == 0
    assert "Bestätigter Treffer" in page.inner_text("[data-testid=hit-status]")

    run = ScreeningRun.objects.get()
    for url in ("/compliance/", "/compliance/runs/", f"/compliance/runs/{run.pk}/"):
        page.goto(f"{live_server.url}{url}")
        body = page.inner_text("main")
        assert fits(page) and no_bare_buttons(page), url
        for english in ("finished", "running", "Open", "Confirmed match"):
            assert english not in body, (url, english)
    assert "Abgeschlossen" in page.inner_text("main") or "Beendet" in page.inner_text("main")


def test_a_list_update_shows_its_changes_on_the_list_page_and_new_hits_on_the_start_page(
    live_server, page
):
    from verbund.compliance.list_updates import do_update_lists
    from verbund.compliance.models import SanctionsList

    do_create_party(actor=None, kind="organisation", name="Krasny Oktyabr GmbH")
    for sdn in (fixtures.OFAC_SDN, fixtures.OFAC_SDN_V2):
        files = [("sdn.csv", sdn), ("add.csv", fixtures.OFAC_ADD), ("alt.csv", fixtures.OFAC_ALT)]
        do_update_lists([("ofac-csv", files)], actor=None, source="test")
    login(page, live_server.url, "officer-lists")
    slist = SanctionsList.objects.get(key="ofac-sdn")
    page.goto(f"{live_server.url}/compliance/lists/{slist.pk}/")
    added = page.inner_text("[data-testid=changes-added]")
    assert "KRASNY OKTYABR OOO" in added and "Hinzugefügt" in added
    assert "AEROCARIBBEAN" in page.inner_text("[data-testid=changes-removed]")
    assert fits(page) and no_bare_buttons(page)
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server.url}/")
    block = page.inner_text("[data-testid=home-new-hits]")
    assert "Neue Prüftreffer" in block and "KRASNY OKTYABR OOO" in block
    assert int(page.evaluate("document.documentElement.scrollWidth")) <= 390
    # On a phone each hit is a small block whose score stays on one line ("0,90", not a
    # column of single characters).
    score = page.locator("[data-testid=home-new-hits] td.num a").first.bounding_box()
    line = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector("
        "'[data-testid=home-new-hits] td.num a')).lineHeight) || 20"
    )
    assert score is not None and score["height"] < 1.5 * line


def test_on_a_phone_the_queue_shows_each_hit_with_its_status_and_no_second_review_tab(
    live_server, page, settings
):
    settings.VERBUND_SCREENING_FOUR_EYES = False
    do_create_party(actor=None, name="Aerocaribbean Airlines")
    do_import_list("ofac-csv", [("sdn.csv", fixtures.OFAC_SDN)], actor=None)
    login(page, live_server.url, "officer-phone")
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server.url}/compliance/")
    chips = page.inner_text("[data-testid=status-counts]")
    assert "Offen (1)" in chips and "Zweitprüfung" not in chips
    assert "Zweitprüfung" not in page.inner_text("[data-testid=filters]")
    assert int(page.evaluate("document.documentElement.scrollWidth")) <= 390
    # Every cell of the hit, the status too, lies inside the window (not cut off by the card).
    cells = page.locator("[data-testid=hits] tbody tr").first.locator("td")
    assert cells.count() == 6
    for i in range(6):
        box = cells.nth(i).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, i
    assert cells.nth(4).inner_text() == "Offen"
    # The day the hit was found, in German ("07.12.2026"), tells how long it has been open.
    found = Hit.objects.get().created_at
    assert cells.nth(5).inner_text() == timezone.localtime(found).strftime("%d.%m.%Y")


def test_a_hits_facts_stand_each_label_over_its_value_on_a_wide_screen(live_server, page):
    do_create_party(actor=None, name="Aerocaribbean Airlines")
    do_import_list("ofac-csv", [("sdn.csv", fixtures.OFAC_SDN)], actor=None)
    hit = Hit.objects.get()
    login(page, live_server.url, "officer-wide")
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{live_server.url}/compliance/hits/{hit.pk}/")
    pairs = page.evaluate(
        "[...document.querySelectorAll('[data-testid=hit-facts] dt')].map(dt => {"
        " const dd = dt.nextElementSibling; const a = dt.getBoundingClientRect(),"
        " b = dd.getBoundingClientRect(); return [dt.innerText, a.left, b.left, a.bottom, b.top]; })"
    )
    assert len(pairs) >= 6
    for label, dt_left, dd_left, dt_bottom, dd_top in pairs:
        assert abs(dt_left - dd_left) < 1 and dd_top >= dt_bottom - 1, label


def test_a_partys_hits_fit_a_phone_on_the_customer_file_and_the_screening_page(live_server, page):
    party = do_create_party(actor=None, name="Aerocaribbean Airlines")
    do_import_list("ofac-csv", [("sdn.csv", fixtures.OFAC_SDN)], actor=None)
    login(page, live_server.url, "officer-party")
    page.set_viewport_size({"width": 390, "height": 800})
    for url in (f"/parties/{party.pk}/", f"/compliance/parties/{party.pk}/"):
        page.goto(f"{live_server.url}{url}")
        table = page.locator("[data-testid=party-hits]")
        assert "BEWERTUNG" in table.inner_text().upper() and "Offen" in table.inner_text(), url
        box = table.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 390, url
        assert int(page.evaluate("document.documentElement.scrollWidth")) <= 390, url
    # The screening page leads back to the customer file.
    page.click("[data-testid=party-file]")
    page.wait_for_load_state()
    assert page.url.endswith(f"/parties/{party.pk}/")


def test_on_a_phone_the_lists_versions_and_runs_read_without_sideways_scrolling(live_server, page):
    do_import_list("ofac-csv", [("sdn.csv", fixtures.OFAC_SDN)], actor=None)
    do_create_party(actor=None, name="Aerocaribbean Airlines")
    do_screen_parties(actor=None)
    login(page, live_server.url, "officer-lists")
    page.set_viewport_size({"width": 390, "height": 800})
    listed = SanctionsList.objects.get()
    for url in ("/compliance/lists/", f"/compliance/lists/{listed.pk}/", "/compliance/runs/"):
        page.goto(f"{live_server.url}{url}")
        assert int(page.evaluate("document.documentElement.scrollWidth")) <= 390, url
        # No table scrolls inside its card, and nothing in it lies outside the window.
        assert (
            page.evaluate(
                "[...document.querySelectorAll('main table')]"
                ".filter(t => t.scrollWidth > t.clientWidth + 1).map(t => t.dataset.testid)"
            )
            == []
        ), url
        widest = page.evaluate(
            "Math.max(...[...document.querySelectorAll('main table *')]"
            ".map(e => e.getBoundingClientRect().right))"
        )
        assert widest <= 390, url
        # Each number says what it counts, its column head being hidden on a phone.
        assert "Einträge: " in page.inner_text("main") or "Treffer: " in page.inner_text("main")
    page.goto(f"{live_server.url}/compliance/lists/")
    versions = page.inner_text("[data-testid=list-versions] tbody")
    assert "Einträge: " in versions and "Hinzugefügt: " in versions
    page.set_viewport_size({"width": 1024, "height": 800})
    assert int(page.evaluate("document.documentElement.scrollWidth")) <= 1024
    assert "Einträge:" not in page.inner_text("[data-testid=list-versions]")
