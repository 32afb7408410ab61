"""End to end in headless Chromium: the sales rep's and the data steward's everyday path.

Runs against pytest-django's live server. Skips with a message where no Chromium is installed
(`apt-get install chromium`, or point VERBUND_CHROMIUM at a binary).
"""

import re

import pytest

from verbund.demo.showcase import PASSWORD, build_demo
from verbund.web.testing import browser_page as shared_browser_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_page(monkeypatch):
    yield from shared_browser_page(monkeypatch, width=1366)


def ensure_builtin_types() -> None:
    """Transactional tests before this one may have flushed the migration-made types."""
    from verbund.relationships.actions import do_create_relationship_type
    from verbund.relationships.builtin import BUILTIN_TYPES
    from verbund.relationships.models import RelationshipType

    for spec in BUILTIN_TYPES:
        if not RelationshipType.objects.filter(key=spec["key"]).exists():
            do_create_relationship_type(actor=None, **spec)


def type_into(page, selector: str, text: str) -> None:
    # HTMX binds its triggers after a swap settles; typing key by key never races it.
    field = page.locator(selector)
    field.wait_for()
    page.wait_for_timeout(150)
    field.press_sequentially(text, delay=25)


def test_a_user_finds_a_customer_walks_its_group_and_edits_relationships(live_server, browser_page):
    ensure_builtin_types()
    demo = build_demo()
    p = demo.parties
    page = browser_page
    base = live_server.url

    # log in
    page.goto(f"{base}/parties/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/parties/")

    # search with a typo and ae spelling, open the file
    page.goto(f"{base}/")
    type_into(page, "[data-testid=search]", "Mueller Handl")
    page.locator("[data-testid=search-results] a", has_text="Müller Handel GmbH").first.click()
    page.wait_for_url(f"{base}/parties/{p['handel'].pk}/")
    assert page.locator("h1").inner_text() == "Müller Handel GmbH"
    assert page.locator("#relationships").get_by_text("ist Tochtergesellschaft von").is_visible()

    # open the hierarchy: the whole group from the top, this party highlighted
    page.click("[data-testid=hierarchy-group]")
    page.wait_for_selector("[data-testid=tree]")
    assert page.locator(f"#node-{p['holding'].pk}").is_visible()
    assert "current" in (page.locator(f"#node-{p['handel'].pk}").get_attribute("class") or "")
    # lazy expansion of a sibling branch, then one click into a subsidiary's file
    page.click(f"[data-testid=node-{p['sued'].pk}]")
    page.wait_for_url(f"{base}/parties/{p['sued'].pk}/")
    assert page.locator("h1").inner_text() == "Müller Handel Süd GmbH"

    # add a subsidiary with the quick action
    page.goto(f"{base}/parties/{p['handel'].pk}/")
    page.click("[data-testid=qa-subsidiary]")
    type_into(page, "[data-testid=other-query]", "Meier Handel")
    page.click(f"[data-pick-id='{p['alt'].pk}']")
    # Meier was in the group until 2019, so the new link starts later.
    page.locator("[data-testid=relationship-form] input[name=valid_from]").fill("2026-01-01")
    page.click("[data-testid=relationship-save]")
    page.wait_for_load_state("networkidle")
    row = page.locator("#relationships tr", has_text="Meier Handelsgesellschaft mbH")
    assert "ist Muttergesellschaft von" in row.first.inner_text()

    # a cycle is refused, with its path, in the user's language
    page.goto(f"{base}/parties/{p['holding'].pk}/")
    page.click("[data-testid=qa-parent]")
    type_into(page, "[data-testid=other-query]", "Handel Süd")
    page.click(f"[data-pick-id='{p['sued'].pk}']")
    page.click("[data-testid=relationship-save]")
    error = page.locator("[data-testid=relationship-errors]")
    error.wait_for()
    assert re.search(
        r"Kreis.*Müller Holding AG.*→.*Müller Handel GmbH.*→.*Müller Handel Süd GmbH",
        error.inner_text(),
    )

    # end a relationship at a date
    from verbund.relationships.models import Relationship

    rel = Relationship.objects.get(type__key="group", from_party=p["nord"], to_party=p["handel"])
    page.goto(f"{base}/parties/{p['handel'].pk}/")
    page.click(f"[data-testid=end-{rel.pk}]")
    page.locator("[data-testid=end-form] input[name=valid_to]").fill("30.6.2026")
    page.click("[data-testid=end-confirm]")
    page.wait_for_load_state("networkidle")
    # An ended relationship is folded away (#22.11); it opens on a click.
    page.click("[data-testid=ended-group] summary")
    assert "30.06.2026" in page.locator(f"#rel-{rel.pk}").inner_text()
    rel.refresh_from_db()
    assert str(rel.valid_to) == "2026-06-30"

    # switch to English
    page.click("[data-testid=lang-en]")
    page.wait_for_load_state("networkidle")
    assert page.locator("#relationships h2").inner_text() == "Relationships"
    assert page.locator("#relationships").get_by_text("is a subsidiary of").first.is_visible()
    page.goto(f"{base}/")
    assert page.locator("h1").inner_text() == "Find a party"
