"""In headless Chromium, German UI: moving a party with its subsidiaries ("Umhängen") from the
customer file and from the tree, and the tree's own tools (open and close nodes, expand all and
to a level, search hits inside the tree, tab counts on a date, the chain tab). Skips where no
Chromium is installed."""

import datetime as dt
import time
from collections.abc import Iterator
from typing import Any

import pytest

from verbund.hierarchies import selectors
from verbund.parties.actions import do_create_party
from verbund.parties.models import Party, PartyKind
from verbund.relationships.actions import do_create_relationship
from verbund.web.testing import browser_login, browser_page
from verbund.web.tests.test_browser import ensure_builtin_types

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    yield from browser_page(monkeypatch)


def login(page: Any, base: str, role: str) -> None:
    browser_login(page, base, role)


def org(name: str, city: str = "Köln") -> Party:
    return do_create_party(actor=None, kind=PartyKind.ORGANISATION, name=name, city=city)


def link(child: Party, parent: Party, type: str = "group", **dates: Any) -> None:
    do_create_relationship(actor=None, type=type, from_party=child, to_party=parent, **dates)


def top_of(party: Party) -> int:
    """The party's ultimate parent, read beside the live server: its thread may hold the
    in-memory database's table lock for a moment (SQLite shared cache), so retry briefly."""
    from django.db.utils import OperationalError

    for _attempt in range(50):
        try:
            return selectors.ultimate_parent(party.pk, "group")
        except OperationalError:
            time.sleep(0.1)
    return selectors.ultimate_parent(party.pk, "group")


def type_into(page: Any, selector: str, text: str) -> None:
    # HTMX binds its triggers after a swap settles; typing key by key never races it.
    field = page.locator(selector)
    field.wait_for()
    page.wait_for_timeout(150)
    field.press_sequentially(text, delay=25)


@pytest.fixture
def groups() -> dict[str, Party]:
    ensure_builtin_types()
    # A flush before this test made the types anew under new ids; the server thread must not
    # go on with the ids this process remembered.
    selectors.forget_type_ids()
    p = {
        "holding": org("Müller Holding AG"),
        "handel": org("Müller Handel GmbH"),
        "sued": org("Müller Handel Süd GmbH"),
        "filiale": org("Müller Filiale Augsburg GmbH", city="Augsburg"),
        "logistik": org("Müller Logistik GmbH"),
        "other": org("Konkurrenz AG"),
    }
    link(p["handel"], p["holding"])
    link(p["sued"], p["handel"])
    link(p["filiale"], p["sued"])
    link(p["logistik"], p["holding"])
    return p


def test_set_parent_company_offers_the_move_and_confirms_how_many_move(live_server, page, groups):
    base = live_server.url
    login(page, base, "editor")
    page.goto(f"{base}/parties/{groups['handel'].pk}/")
    page.click("[data-testid=qa-parent]")
    form = page.locator("[data-testid=move-form]")
    form.wait_for()
    assert "hängt heute unter Müller Holding AG" in form.inner_text()
    assert "Muttergesellschaft festlegen" in form.inner_text()
    assert form.locator("input[name=on]").input_value() == dt.date.today().strftime("%d.%m.%Y")
    type_into(page, "[data-testid=move-query]", "Konkurrenz")
    page.click(f"[data-pick-id='{groups['other'].pk}']")
    page.click("[data-testid=move-next]")
    summary = page.locator("[data-testid=move-summary]")
    summary.wait_for()
    assert "3 Mitglieder werden umgehängt" in summary.inner_text()
    assert top_of(groups["filiale"]) == groups["holding"].pk
    # HTMX follows the server's redirect to the file with a new page load.
    with page.expect_navigation():
        page.click("[data-testid=move-confirm]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=move-form]").count() == 0
    row = page.locator("#relationships tr", has_text="Konkurrenz AG")
    assert "ist Tochtergesellschaft von" in row.first.inner_text()
    assert top_of(groups["filiale"]) == groups["other"].pk


def test_a_node_is_moved_from_the_tree_and_a_refusal_shows_before_confirming(
    live_server, page, groups
):
    base = live_server.url
    login(page, base, "editor")
    page.goto(f"{base}/parties/{groups['sued'].pk}/hierarchy/?type=group")
    page.click(f"[data-testid=move-{groups['sued'].pk}]")
    page.locator("[data-testid=move-form]").wait_for()
    # Under its own subsidiary: refused with the path, before any confirmation.
    type_into(page, "[data-testid=move-query]", "Filiale Augsburg")
    page.click(f"[data-pick-id='{groups['filiale'].pk}']")
    page.click("[data-testid=move-next]")
    errors = page.locator("[data-testid=move-errors]")
    errors.wait_for()
    assert "Kreis" in errors.inner_text()
    type_into(page, "[data-testid=move-query]", "Logistik")
    page.click(f"[data-pick-id='{groups['logistik'].pk}']")
    page.click("[data-testid=move-next]")
    page.locator("[data-testid=move-summary]").wait_for()
    assert (
        "2 Mitglieder werden umgehängt" in page.locator("[data-testid=move-summary]").inner_text()
    )
    with page.expect_navigation():
        page.click("[data-testid=move-confirm]")
    assert page.url == f"{base}/parties/{groups['sued'].pk}/hierarchy/?type=group"
    tree = page.locator("[data-testid=tree]")
    assert tree.locator(f"#node-{groups['logistik'].pk} #node-{groups['sued'].pk}").is_visible()


def test_nodes_open_and_close_and_the_tree_expands_to_a_level(live_server, page, groups):
    base = live_server.url
    login(page, base, "viewer")
    page.goto(f"{base}/parties/{groups['logistik'].pk}/hierarchy/?type=group")
    handel, sued = groups["handel"].pk, groups["sued"].pk
    filiale = page.locator(f"#node-{groups['filiale'].pk}")
    # Lazily loaded children close again and open again without a new request.
    page.click(f"[data-testid=expand-{handel}]")
    page.locator(f"#node-{sued}").wait_for()
    page.click(f"[data-testid=expand-{handel}]")
    assert not page.locator(f"#node-{sued}").is_visible()
    assert page.locator(f"#node-{handel}").get_attribute("aria-expanded") == "false"
    page.click(f"[data-testid=expand-{handel}]")
    assert page.locator(f"#node-{sued}").is_visible()
    # Expand all: every level at once; collapse all closes everything below the top.
    page.click("[data-testid=expand-all]")
    filiale.wait_for()
    assert filiale.is_visible()
    page.click("[data-testid=collapse-all]")
    assert not page.locator(f"#node-{handel} > ul").is_visible()
    assert page.locator(f"#node-{handel}").is_visible()
    # Expand to level 2: Süd (level 2) shown, the branch below it (level 3) not loaded.
    page.select_option("[data-testid=expand-level]", "2")
    page.click("[data-testid=expand-level-go]")
    page.locator(f"#node-{sued}").wait_for()
    assert page.locator(f"#node-{groups['filiale'].pk}").count() == 0


def test_search_hits_are_marked_inside_the_tree_with_their_path_open(live_server, page, groups):
    base = live_server.url
    login(page, base, "viewer")
    page.goto(f"{base}/parties/{groups['logistik'].pk}/hierarchy/?type=group")
    page.fill("[data-testid=tree-search]", "Filiale Augsburg")
    page.press("[data-testid=tree-search]", "Enter")
    page.wait_for_load_state()
    hit = page.locator(f"#node-{groups['filiale'].pk}")
    assert hit.is_visible() and "hit" in (hit.get_attribute("class") or "")
    assert hit.locator("mark").inner_text() == "Müller Filiale Augsburg GmbH"
    assert "1 Treffer, im Baum markiert" in page.locator("[data-testid=tree-hits]").inner_text()
    # No list of results above the tree: the tree starts right below the tools.
    assert page.locator("ul.results").count() == 0
    page.click("[data-testid=next-hit]")
    assert "hit-focus" in (hit.get_attribute("class") or "")


def test_the_tab_count_follows_the_date_and_a_chain_branch_opens_on_its_chain(
    live_server, page, groups
):
    ensure_builtin_types()
    gone = org("Müller Alt GmbH")
    link(gone, groups["holding"], valid_from=dt.date(2015, 1, 1), valid_to=dt.date(2020, 12, 31))
    head, branch = org("Frischmarkt Zentrale"), org("Frischmarkt Filiale Nord")
    link(branch, head, type="chain", valid_from=dt.date.today() + dt.timedelta(days=30))
    base = live_server.url
    login(page, base, "viewer")
    url = f"{base}/parties/{groups['holding'].pk}/hierarchy/?type=group"
    page.goto(url)
    assert page.locator("[data-testid=tab-group] .count").inner_text() == "5"
    page.goto(f"{url}&as_of=2019-06-01")
    # In 2019 Müller Alt belonged, and the link of every other member has no start date.
    assert page.locator("[data-testid=tab-group] .count").inner_text() == "6"
    page.goto(f"{base}/parties/{branch.pk}/hierarchy/")
    assert "active" in (page.locator("[data-testid=tab-chain]").get_attribute("class") or "")


ROW_GEOMETRY = """() => {
  const card = document.querySelector('.tree-card');
  const rows = [...document.querySelectorAll('.tree .node-row')].map(row => {
    const name = row.querySelector('.node-name').getBoundingClientRect();
    const num = row.querySelector('.num').getBoundingClientRect();
    return {nameTop: name.top, nameBottom: name.bottom, numTop: num.top, right: row.getBoundingClientRect().right};
  });
  return {scroll: card.scrollWidth, width: card.clientWidth, right: card.getBoundingClientRect().right, rows};
}"""


def test_the_tree_reads_on_a_phone_with_the_number_and_city_under_the_name(
    live_server, page, groups
):
    base = live_server.url
    login(page, base, "editor")
    for width, stacked in ((390, True), (1024, False), (1440, False)):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(f"{base}/parties/{groups['filiale'].pk}/hierarchy/?type=group&levels=all")
        page.wait_for_load_state("networkidle")
        shape = page.evaluate(ROW_GEOMETRY)
        assert len(shape["rows"]) == 5
        # Nothing runs out of the card, on a phone nor on a desk.
        assert shape["scroll"] <= shape["width"], (width, shape)
        assert all(row["right"] <= shape["right"] for row in shape["rows"]), (width, shape)
        for row in shape["rows"]:
            if stacked:  # the number on the line under the name
                assert row["numTop"] >= row["nameBottom"] - 1, (width, row)
            else:  # the columns beside the name, on its line
                assert abs(row["numTop"] - row["nameTop"]) < 8, (width, row)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1440
