"""In headless Chromium, German and English: the hits queue's default ("open hits only") is a
visible filter the user clears with one click, and the import history and the duplicate queue
filter the same way; on a phone the hits' and the runs' filters stand in two even columns.
Skips where no Chromium is installed."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User

from verbund.compliance.actions import do_dismiss_hit, do_import_list
from verbund.compliance.models import Hit
from verbund.compliance.tests import fixtures
from verbund.interfaces.actions import do_sync
from verbund.parties.actions import do_create_party
from verbund.web.testing import browser_login, browser_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    yield from browser_page(monkeypatch)


def login(page: Any, base: str, role: str) -> None:
    browser_login(page, base, role)


def test_open_hits_only_is_a_filter_the_user_sees_and_clears(live_server, page):
    do_import_list(
        "ofac-csv",
        [("sdn.csv", fixtures.OFAC_SDN), ("alt.csv", fixtures.OFAC_ALT)],
        actor=None,
    )
    bank = do_create_party(actor=None, name="Banco Nacional de Cuba")
    do_create_party(actor=None, name="Aerocaribbean Airlines")
    login(page, live_server.url, "compliance")
    reviewer = User.objects.get(username="browser-compliance")
    do_dismiss_hit(Hit.objects.get(party=bank), actor=reviewer, reason="andere Bank")

    page.goto(f"{live_server.url}/compliance/")
    chips = page.locator("[data-testid=active-filters]")
    assert "Status: Offen (Vorgabe)" in chips.inner_text()
    assert page.locator("[data-testid=hits] tbody tr").count() == 1
    page.click("[data-testid=clear-filter-status]")
    page.wait_for_load_state()
    assert page.url.endswith("/compliance/?status=")
    assert page.locator("[data-testid=active-filters]").count() == 0
    assert page.locator("[data-testid=hits] tbody tr").count() == 2
    assert page.locator("[data-testid=list-count]").inner_text() == "2 von 2"
    assert page.locator("select[name=status]").input_value() == ""

    # The same in English, and back to the default through the form.
    page.click("[data-testid=lang-en]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/compliance/")
    assert "Status: Open (default)" in page.locator("[data-testid=active-filters]").inner_text()
    page.select_option("select[name=status]", "dismissed")
    page.click("[data-testid=filters] button[type=submit]")
    page.wait_for_load_state()
    assert "Status: False positive" in page.locator("[data-testid=active-filters]").inner_text()
    assert "(default)" not in page.locator("[data-testid=active-filters]").inner_text()
    assert page.locator("[data-testid=list-count]").inner_text() == "1 of 1"


def test_the_import_history_filters_by_source(live_server, page):
    for source in ("sap", "crm"):
        do_sync(actor=None, kind="parties", source=source, records=[{"external_id": "K1"}])
    login(page, live_server.url, "steward")
    page.goto(f"{live_server.url}/imports/")
    page.fill("[data-testid=filters] input[name=source]", "crm")
    page.click("[data-testid=filters] button[type=submit]")
    page.wait_for_load_state()
    assert "Quellsystem: crm" in page.locator("[data-testid=active-filters]").inner_text()
    rows = page.locator("[data-testid=import-history] tbody tr")
    assert rows.count() == 1 and "crm" in rows.first.inner_text()
    page.click("[data-testid=clear-filter-source]")
    page.wait_for_load_state()
    assert page.locator("[data-testid=import-history] tbody tr").count() == 2


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_filter_rows_line_up_on_a_phone(live_server, monkeypatch, lang):
    """The hits' and the runs' filters at 390 px: two even columns, each label over its field,
    the button in the grid, all inside the card (a ragged row of label, field, label before)."""
    for page in browser_page(monkeypatch, width=390):
        login(page, live_server.url, "compliance")
        page.click(f"[data-testid=lang-{lang}]")
        page.wait_for_load_state()
        for url, fields in (("/compliance/", 3), ("/compliance/runs/", 2)):
            page.goto(live_server.url + url)
            form = page.locator("[data-testid=filters]")
            card = form.bounding_box()
            selects = [s.bounding_box() for s in form.locator("select").all()]
            labels = [lab.bounding_box() for lab in form.locator("label").all()]
            button = form.locator("button[type=submit]").bounding_box()
            assert len(selects) == fields
            # Two columns of one width, starting at the same two edges.
            assert len({round(s["width"]) for s in selects}) == 1
            assert {round(s["x"]) for s in selects} == {
                round(selects[0]["x"]),
                round(selects[1]["x"]),
            }
            assert round(selects[0]["y"]) == round(selects[1]["y"])
            for label, select in zip(labels, selects, strict=True):
                assert label["y"] < select["y"]
                assert (
                    select["x"] >= card["x"]
                    and select["x"] + select["width"] <= card["x"] + card["width"]
                )
            # The button stands in the grid: beside the last field and level with its foot, or
            # under the fields at the left edge.
            last = selects[-1]
            if fields % 2:
                assert abs(button["y"] + button["height"] - (last["y"] + last["height"])) <= 2
                assert round(button["x"]) == round(selects[1]["x"])
            else:
                assert button["y"] > last["y"] + last["height"]
                assert round(button["x"]) == round(selects[0]["x"])
            assert button["x"] + button["width"] <= card["x"] + card["width"]
            assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
