"""In headless Chromium, German and English: the hits queue's default ("open hits only") is a
visible filter the user clears with one click, and the import history and the duplicate queue
filter the same way. Skips where no Chromium is installed."""

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
