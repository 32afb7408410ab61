"""In headless Chromium: the central settlement view of an association with more delivery
addresses than a page holds shows one page of them with its place in the whole ("50 von
57"), the totals of the whole association, pages forward and back keeping the sort, and fits
1,024 and 390 px in German and English; the export holds every address. Skips where no
Chromium is installed."""

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from verbund.parties.actions import do_create_party
from verbund.revenue.actions import do_record_revenue, do_set_main_address
from verbund.web.testing import browser_login, browser_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = dt.date.today().year - 1
SHOPS = 57


def _association() -> Any:
    """An association settling for 57 shops, shop i with i euros in March of ``YEAR``."""
    head = do_create_party(actor=None, kind="organisation", name="Einkaufsverband Süd eG")
    for i in range(1, SHOPS + 1):
        shop = do_create_party(actor=None, kind="organisation", name=f"Laden {i:02d} KG")
        do_set_main_address(shop, head, actor=None, on=dt.date(2020, 1, 1))
        do_record_revenue(actor=None, party=shop, month=f"{YEAR}-03", amount=f"{i}.00")
    return head


@pytest.fixture(params=[(1024, "de-DE"), (390, "de-DE"), (1024, "en-GB"), (390, "en-GB")])
def page(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    width, locale = request.param
    yield from browser_page(monkeypatch, width=width, locale=locale)


def test_the_settlement_view_pages_its_addresses(live_server, page):
    expect = pytest.importorskip("playwright.sync_api").expect
    head = _association()
    width, locale = page.viewport_size["width"], page.evaluate("navigator.language")
    browser_login(page, live_server.url, "viewer")
    page.goto(f"{live_server.url}/parties/{head.pk}/settlement/?year={YEAR}")
    german = locale.startswith("de")
    rows = page.locator("[data-testid=settlement-row]")
    expect(rows).to_have_count(50)
    count = page.locator("[data-testid=settlement-count]")
    expect(count).to_have_text(
        "Lieferadressen: 50 von 57" if german else "Delivery addresses: 50 of 57"
    )
    # Largest first; the totals are the whole association's: 1 + 2 + ... + 57 = 1,653.
    expect(rows.nth(0)).to_contain_text("Laden 57 KG")
    summary = page.locator("[data-testid=settlement-summary]")
    expect(summary).to_contain_text("1.653,00 €" if german else "€1,653.00")
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    page.click("[data-testid=next-page]")
    expect(rows).to_have_count(7)
    expect(count).to_have_text(
        "Lieferadressen: 51\u201357 von 57" if german else "Delivery addresses: 51\u201357 of 57"
    )
    expect(rows.nth(6)).to_contain_text("Laden 01 KG")
    expect(summary).to_contain_text("1.653,00 €" if german else "€1,653.00")
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    # Sorting starts again at the first page, and the pages keep the sort.
    page.click("[data-testid=settlement-sort-name]")
    expect(rows.nth(0)).to_contain_text("Laden 01 KG")
    page.click("[data-testid=next-page]")
    expect(rows.nth(0)).to_contain_text("Laden 51 KG")
    page.click("[data-testid=previous-page]")
    expect(rows.nth(0)).to_contain_text("Laden 01 KG")

    if width == 1024 and german:
        with page.expect_download() as info:
            page.click("[data-testid=settlement-export-xlsx]")
        book = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))
        lines = [list(r) for r in book.active.iter_rows(values_only=True)]
        # The header, then every address (the subtotals follow after an empty line).
        addresses = lines[1 : lines.index([None] * len(lines[0]))]
        assert sorted(r[1] for r in addresses) == [f"Laden {i:02d} KG" for i in range(1, 58)]
