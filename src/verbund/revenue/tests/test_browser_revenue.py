"""In headless Chromium, German UI: the revenue section of the customer file answers the year
the user picks (#22.1), counts its member list as "20 von 26" and shows all of it on request,
draws no empty chart (#22.11), and names a subsidiary's group with a link to its ultimate
parent (#22.9). Skips where no Chromium is installed."""

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from verbund.parties.actions import do_create_party
from verbund.relationships.actions import do_create_relationship
from verbund.revenue.actions import do_record_revenue
from verbund.web.testing import browser_login, browser_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

THIS_YEAR = dt.date.today().year


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    yield from browser_page(monkeypatch)


def login(page: Any, base: str) -> None:
    browser_login(page, base, "viewer")


def test_the_revenue_section_follows_the_year_counts_and_names_the_group(live_server, page):
    holding = do_create_party(actor=None, kind="organisation", name="Müller Holding AG")
    daughters = []
    for i in range(25):
        d = do_create_party(actor=None, kind="organisation", name=f"Müller Tochter {i:02d} GmbH")
        do_create_relationship(
            actor=None, type="group", from_party=d, to_party=holding, valid_from="2010-01-01"
        )
        daughters.append(d)
    # Last year 100 € a month each, the year before 1 € (2 € for the holding).
    for p in [holding, *daughters]:
        do_record_revenue(actor=None, party=p, month=f"{THIS_YEAR - 1}-03", amount="100.00")
        do_record_revenue(actor=None, party=p, month=f"{THIS_YEAR - 2}-03", amount="1.00")
    login(page, live_server.url)
    # Waiting through expect(), not wait_for_function: the page's policy forbids eval.
    expect = pytest.importorskip("playwright.sync_api").expect

    page.goto(f"{live_server.url}/parties/{holding.pk}/")
    group = page.locator("[data-testid=revenue-group-group]")
    group.wait_for()
    # The year picked is the year shown, whatever the month fields said before.
    page.select_option("[data-testid=revenue-year]", str(THIS_YEAR - 2))
    expect(group.locator("h3")).to_contain_text(str(THIS_YEAR - 2))
    assert "26,00 €" in group.locator(".revenue-total").inner_text()
    page.select_option("[data-testid=revenue-year]", str(THIS_YEAR - 1))
    expect(group.locator("h3")).to_contain_text(str(THIS_YEAR - 1))
    assert "2.600,00 €" in group.locator(".revenue-total").inner_text()
    assert page.locator("input[name=rev_from]").input_value() == f"01.{THIS_YEAR - 1}"

    # 20 of 26 members, and all of them on request; the chart is drawn for a year with figures.
    assert group.locator("[data-testid=revenue-members-count]").inner_text() == (
        "Mitglieder: 20 von 26"
    )
    assert group.locator("[data-testid=revenue-members] tbody tr").count() == 20
    assert group.locator("svg.revenue-chart").count() == 1
    group.locator("[data-testid=revenue-members-all]").click()
    expect(group.locator("[data-testid=revenue-members] tbody tr")).to_have_count(26)
    assert group.locator("[data-testid=revenue-members-count]").inner_text() == (
        "Mitglieder: 26 von 26"
    )
    assert group.locator("[data-testid=revenue-members-all]").count() == 0

    # A year without figures draws no chart.
    page.select_option("[data-testid=revenue-year]", str(THIS_YEAR - 3))
    expect(group.locator("h3")).to_contain_text(str(THIS_YEAR - 3))
    assert page.locator("#revenue-section svg.revenue-chart").count() == 0

    # A subsidiary's group revenue names its group and links the ultimate parent.
    page.goto(f"{live_server.url}/parties/{daughters[3].pk}/")
    head = page.locator("[data-testid=revenue-group-group] [data-testid=revenue-group-head]")
    assert "Konzern: Müller Holding AG" in head.inner_text()
    assert head.locator("a").get_attribute("href") == f"/parties/{holding.pk}/"
    # The holding's own file names no group above it.
    page.goto(f"{live_server.url}/parties/{holding.pk}/")
    assert page.locator("[data-testid=revenue-group-head]").count() == 0
