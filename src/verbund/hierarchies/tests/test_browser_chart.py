"""In headless Chromium, German UI: from a parent's file to the org chart, a click on a box
into that member's file (#17.2); following the group and seeing its change on the start page
(#17.3). Skips where no Chromium is installed."""

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from verbund.hierarchies import engine, selectors
from verbund.parties.actions import do_create_party
from verbund.parties.models import Party, PartyKind
from verbund.relationships.actions import do_create_relationship
from verbund.web.testing import browser_login, browser_page
from verbund.web.tests.test_browser import ensure_builtin_types

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    yield from browser_page(monkeypatch)


def org(name: str, city: str = "Köln") -> Party:
    return do_create_party(actor=None, kind=PartyKind.ORGANISATION, name=name, city=city)


@pytest.fixture
def konzern() -> dict[str, Party]:
    ensure_builtin_types()
    selectors.forget_type_ids()
    p = {"holding": org("Müller Holding AG"), "handel": org("Müller Handel GmbH", "München"),
         "werk": org("Müller Werk GmbH", "Ulm")}  # fmt: skip
    do_create_relationship(
        actor=None, type="group", from_party=p["handel"], to_party=p["holding"], share="75",
        valid_from=dt.date(2020, 1, 1),
    )  # fmt: skip
    # Joined ten days ago: a change of the last 30 days.
    do_create_relationship(
        actor=None, type="group", from_party=p["werk"], to_party=p["holding"], share="100",
        valid_from=engine.today() - dt.timedelta(days=10),
    )  # fmt: skip
    return p


def test_from_the_parents_file_to_the_chart_and_a_click_into_a_members_file(
    live_server: Any, page: Any, konzern: dict[str, Party]
) -> None:
    base = live_server.url
    browser_login(page, base, "viewer")
    page.goto(f"{base}/parties/{konzern['holding'].pk}/")
    section = page.locator("[data-testid=group-group]")
    section.wait_for()
    section.locator("[data-testid=group-chart-group]").click()
    chart = page.locator("[data-testid=org-chart]")
    chart.wait_for()
    assert page.locator("[data-testid=view-chart]").get_attribute("aria-current") == "page"
    box = page.locator(f"[data-testid=chart-node-{konzern['handel'].pk}]")
    assert "75 %" in box.text_content().replace("\u00a0", " ")
    assert "München" in box.text_content()
    # A large chart scrolls inside its frame instead of running off the page.
    frame = page.locator(".chart-scroll")
    assert frame.evaluate("el => getComputedStyle(el).overflowX") == "auto"
    # The tree list is one click away, and back.
    page.locator("[data-testid=view-list]").click()
    page.locator("[data-testid=tree]").wait_for()
    page.locator("[data-testid=view-chart]").click()
    chart.wait_for()
    page.locator(f"[data-testid=chart-node-{konzern['handel'].pk}]").click()
    page.wait_for_url(f"**/parties/{konzern['handel'].pk}/")
    assert "Müller Handel GmbH" in page.locator("h1").first.inner_text()


def test_following_the_group_puts_its_change_on_the_start_page(
    live_server: Any, page: Any, konzern: dict[str, Party]
) -> None:
    base = live_server.url
    browser_login(page, base, "viewer")
    page.goto(f"{base}/parties/{konzern['handel'].pk}/hierarchy/chart/?type=group")
    page.locator("[data-testid=subscribe-group]").click()
    page.locator("[data-testid=subscribed-group]").wait_for()
    assert page.locator("[data-testid=unsubscribe-group]").inner_text() == "Abo beenden"
    page.goto(f"{base}/")
    block = page.locator("[data-testid=home-group-changes]")
    block.wait_for()
    text = block.inner_text()
    assert "Änderungen in abonnierten Verbünden" in text
    row = block.locator("tr", has_text="Müller Werk GmbH")
    assert "beigetreten" in row.inner_text()
    assert "unter Müller Holding AG" in row.inner_text()
