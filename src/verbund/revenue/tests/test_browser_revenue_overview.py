"""In headless Chromium at 1,024 px, German UI: the revenue overview ranks the groups, follows
a change of period and of structure, drills into a group and exports its table as XLSX
(#18.1); the page is no wider than its window. Skips where no Chromium is installed."""

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from verbund.parties.actions import do_create_party
from verbund.relationships.actions import do_create_relationship
from verbund.revenue.actions import do_record_revenue
from verbund.web.testing import browser_login, browser_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAST_YEAR = dt.date.today().year - 1


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    yield from browser_page(monkeypatch)


def test_the_overview_switches_period_and_structure_drills_down_and_exports(live_server, page):
    expect = pytest.importorskip("playwright.sync_api").expect
    holding = do_create_party(actor=None, kind="organisation", name="Müller Holding AG")
    daughter = do_create_party(actor=None, kind="organisation", name="Müller Tochter GmbH")
    bought = do_create_party(actor=None, kind="organisation", name="Zukauf GmbH")
    do_create_relationship(
        actor=None, type="group", from_party=daughter, to_party=holding, valid_from="2010-01-01"
    )
    # Bought on 15 June of last year: by the structure of each month it counts from June.
    do_create_relationship(
        actor=None, type="group", from_party=bought, to_party=holding,
        valid_from=f"{LAST_YEAR}-06-15",
    )  # fmt: skip
    other = do_create_party(actor=None, kind="organisation", name="Schmidt Gruppe AG")
    branch = do_create_party(actor=None, kind="organisation", name="Schmidt Filiale KG")
    do_create_relationship(actor=None, type="group", from_party=branch, to_party=other)
    for month in range(1, 13):
        for party, amount in (
            (holding, "100.00"),
            (daughter, "50.00"),
            (bought, "10.00"),
            (other, "1.00"),
        ):
            do_record_revenue(
                actor=None, party=party, month=f"{LAST_YEAR}-{month:02d}", amount=amount
            )
    browser_login(page, live_server.url, "viewer")

    page.goto(f"{live_server.url}/")
    # Below 1,100 px the menu sits behind its button (decision 0029).
    page.click("[data-testid=menu-toggle]")
    page.click("nav.mainnav >> text=Umsatz")
    expect(page.locator("h1")).to_have_text("Umsatzanalyse")
    page.select_option("[data-testid=revenue-year]", str(LAST_YEAR))
    page.click("[data-testid=revenue-show]")
    rows = page.locator("[data-testid=revenue-row]")
    expect(rows).to_have_count(2)
    first = rows.nth(0)
    # Today's structure: 12 x (100 + 50 + 10) = 1.920,00 €.
    expect(first).to_contain_text("Müller Holding AG")
    expect(first).to_contain_text("1.920,00 €")
    expect(page.locator("[data-testid=revenue-count]")).to_have_text("Konzerne: 2 von 2")
    assert page.locator("svg.revenue-ranking-chart title").count() == 2

    # The structure of each month: Zukauf counts June to December only (7 x 10).
    page.select_option("[data-testid=revenue-mode]", "historic")
    page.click("[data-testid=revenue-show]")
    expect(rows.nth(0)).to_contain_text("1.870,00 €")

    # The second quarter: 3 x (100 + 50) + June's 10.
    page.select_option("[data-testid=revenue-span]", "quarter")
    page.select_option("[data-testid=revenue-quarter]", "2")
    page.click("[data-testid=revenue-show]")
    expect(page.locator("[data-testid=revenue-summary]")).to_contain_text(f"Q2 {LAST_YEAR}")
    expect(rows.nth(0)).to_contain_text("460,00 €")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024

    # Drill into the group: its members with the same columns, and a treemap of the shares.
    rows.nth(0).locator("[data-testid=revenue-drill]").click()
    expect(page.locator("h1")).to_have_text("Müller Holding AG")
    members = page.locator("[data-testid=revenue-row]")
    expect(members).to_have_count(3)
    expect(page.locator("[data-testid=revenue-count]")).to_have_text("Mitglieder: 3 von 3")
    assert page.locator("svg.revenue-treemap title").count() == 3
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024

    with page.expect_download() as info:
        page.click("[data-testid=revenue-export-xlsx]")
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    values = [list(r) for r in book.active.iter_rows(values_only=True)]
    # The header, then one line per member (periods and totals follow an empty line).
    names = [r[2] for r in values[1 : values.index([None] * len(values[0]))]]
    assert names == ["Müller Holding AG", "Müller Tochter GmbH", "Zukauf GmbH"]
