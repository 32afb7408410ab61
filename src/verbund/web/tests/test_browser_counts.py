"""Every list says how many of how many it shows (design brief 7a), in headless Chromium: the
party list "3 von 7" on each page, "3 of 7" in English, "3 von über 5" past the counting cap;
the hits queue, the import history and the duplicate queue in the same words, readable on a
phone. Skips where no Chromium is installed."""

from typing import Any

import pytest

from verbund.compliance.actions import do_import_list, do_screen_parties
from verbund.compliance.models import ScreeningRun
from verbund.compliance.tests import fixtures
from verbund.core import paging
from verbund.core.roles import sync_roles
from verbund.interfaces.actions import do_sync
from verbund.parties.actions import do_create_party
from verbund.quality.actions import do_record_candidates
from verbund.web.testing import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def count_text(page: Any) -> str:
    return str(page.locator("[data-testid=list-count]").inner_text())


def test_the_party_list_says_how_many_of_how_many_it_shows(live_server, laptop, monkeypatch):
    from verbund.parties import views as parties

    page = laptop
    sync_roles()
    monkeypatch.setattr(parties, "PAGE_SIZE", 3)
    for i in range(7):
        do_create_party(actor=None, kind="organisation", name=f"Firma {i:02d}", city="Bonn")
    do_create_party(actor=None, kind="organisation", name="Kieler Werft AG", city="Kiel")
    browser_login(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/parties/?city=Bonn")
    assert count_text(page) == "3 von 7"
    # Above the table, beside the filters, in sight without scrolling.
    count = page.locator("[data-testid=list-count]").bounding_box()
    table = page.locator("[data-testid=party-table]").bounding_box()
    assert count["y"] + count["height"] <= table["y"] and count["y"] < 768
    page.click("[data-testid=next-page]")
    page.wait_for_url("**after=**")
    # The next page says where it starts.
    assert count_text(page) == "4\u20136 von 7"
    assert "Firma 03" in page.locator("[data-testid=party-table]").inner_text()
    # A page that holds every row.
    page.goto(f"{live_server.url}/parties/?city=Kiel")
    assert count_text(page) == "1 von 1"
    page.click("[data-testid=lang-en]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/parties/?city=Bonn")
    assert count_text(page) == "3 of 7"
    # Counting stops at its cap (10,000; five here) and the list says so.
    monkeypatch.setattr(paging, "COUNT_CAP", 5)
    page.reload()
    assert count_text(page) == "3 of more than 5"
    page.click("[data-testid=lang-de]")
    page.wait_for_load_state()
    assert count_text(page) == "3 von über 5"


def test_the_hits_the_imports_and_the_duplicates_say_it_too_on_a_phone(live_server, phone):
    page = phone
    sync_roles()
    do_import_list(
        "ofac-csv", [("sdn.csv", fixtures.OFAC_SDN), ("alt.csv", fixtures.OFAC_ALT)], actor=None
    )
    do_create_party(actor=None, name="Banco Nacional de Cuba")
    do_screen_parties(actor=None)
    for source in ("sap", "crm"):
        do_sync(actor=None, kind="parties", source=source, records=[{"external_id": "K1"}])
    a = do_create_party(actor=None, kind="organisation", name="Müller Logistik GmbH")
    b = do_create_party(actor=None, kind="organisation", name="Mueller Logistik GmbH")
    do_record_candidates(
        [{"a": a.pk, "b": b.pk, "probability": 0.95, "points": 9, "cluster": 1}], actor=None
    )
    runs = ScreeningRun.objects.count()
    browser_login(page, live_server.url, "admin")
    for url, expected in (
        ("/compliance/", "1 von 1"),
        ("/compliance/runs/", f"{runs} von {runs}"),
        ("/imports/", "2 von 2"),
        ("/imports/?source=sap", "1 von 1"),
        ("/quality/", "1 von 1"),
    ):
        page.goto(live_server.url + url)
        label = page.locator("[data-testid=list-count]")
        assert label.inner_text() == expected, url
        box = label.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, url
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390, url
