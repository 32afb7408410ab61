"""In headless Chromium, German UI: correcting a link on the customer file (dates, share, a
refusal inline) and reopening an ended one after a confirmation (a reopening that would close
a cycle is refused with the path). Skips where no Chromium is installed."""

from collections.abc import Iterator
from typing import Any

import pytest

from verbund.hierarchies import selectors
from verbund.parties.actions import do_create_party
from verbund.parties.models import Party, PartyKind
from verbund.relationships.actions import do_create_relationship, do_end_relationship
from verbund.relationships.models import Relationship
from verbund.web.testing import browser_login, browser_page
from verbund.web.tests.test_browser import ensure_builtin_types

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    yield from browser_page(monkeypatch)


def org(name: str) -> Party:
    return do_create_party(actor=None, kind=PartyKind.ORGANISATION, name=name, city="Köln")


def link(child: Party, parent: Party, type: str = "group", **values: Any) -> Relationship:
    return do_create_relationship(
        actor=None, type=type, from_party=child, to_party=parent, **values
    )


@pytest.fixture
def parties() -> dict[str, Any]:
    """Holding > Mitte > Süd; Mitte's link to the holding ended 2024, and since 2025 the holding
    hangs under Süd. Mitte supplied Handel until 2024."""
    ensure_builtin_types()
    # A flush before this test made the types anew under new ids.
    selectors.forget_type_ids()
    p: dict[str, Any] = {
        "holding": org("Kranich Holding AG"),
        "mitte": org("Kranich Mitte GmbH"),
        "sued": org("Kranich Süd GmbH"),
        "handel": org("Kranich Handel KG"),
    }
    p["up"] = link(p["mitte"], p["holding"], valid_from="2015-01-01", share="100")
    link(p["sued"], p["mitte"], valid_from="2015-01-01")
    do_end_relationship(p["up"], actor=None, valid_to="2024-12-31")
    link(p["holding"], p["sued"], valid_from="2025-01-01")
    p["supply"] = link(
        p["mitte"], p["handel"], type="supplier", valid_from="2020-01-01", valid_to="2024-12-31"
    )
    p["down"] = Relationship.objects.get(from_party=p["sued"])
    return p


def test_a_link_is_corrected_on_the_file_and_a_bad_date_is_refused_inline(
    live_server, page, parties
):
    base = live_server.url
    browser_login(page, base, "editor")
    page.goto(f"{base}/parties/{parties['sued'].pk}/")
    down = parties["down"]
    page.click(f"[data-testid=correct-{down.pk}]")
    form = page.locator("[data-testid=correct-form]")
    form.wait_for()
    assert form.locator("input[name=valid_from]").input_value() == "01.01.2015"
    # Before the start: the rule's words at the field, nothing stored.
    form.locator("input[name=valid_to]").fill("31.12.2014")
    page.click("[data-testid=correct-save]")
    page.locator("[data-testid=correct-form] .errorlist").wait_for()
    assert (
        "liegt vor dem Startdatum 01.01.2015"
        in page.locator("[data-testid=correct-form]").inner_text()
    )
    assert Relationship.objects.get(pk=down.pk).valid_to is None
    form = page.locator("[data-testid=correct-form]")
    form.locator("input[name=valid_to]").fill("")
    form.locator("input[name=valid_from]").fill("01.04.2016")
    form.locator("input[name=note]").fill("laut Handelsregister")
    with page.expect_navigation():
        page.click("[data-testid=correct-save]")
    page.wait_for_load_state("networkidle")
    row = page.locator(f"#rel-{down.pk}")
    assert "01.04.2016 \u2013 offen" in row.inner_text()
    assert "laut Handelsregister" in row.inner_text()
    assert str(Relationship.objects.get(pk=down.pk).valid_from) == "2016-04-01"


def test_an_ended_link_is_reopened_after_confirming_and_a_cycle_is_refused(
    live_server, page, parties
):
    base = live_server.url
    browser_login(page, base, "editor")
    page.goto(f"{base}/parties/{parties['mitte'].pk}/")
    up, supply = parties["up"], parties["supply"]
    page.locator("[data-testid=ended-group] summary").click()
    page.click(f"[data-testid=reopen-{up.pk}]")
    ask = page.locator(f"#end-{up.pk} [data-testid=reopen-form]")
    ask.wait_for()
    assert "31.12.2024" in ask.inner_text()
    assert Relationship.objects.get(pk=up.pk).valid_to is not None  # asked, not done
    page.click("[data-testid=reopen-confirm]")
    errors = page.locator("[data-testid=reopen-errors]")
    errors.wait_for()
    assert "einen Kreis schließen: Kranich Mitte GmbH → Kranich Süd GmbH" in errors.inner_text()
    assert Relationship.objects.get(pk=up.pk).valid_to is not None
    # The supplier link meets no rule: reopened, it stands with the current links.
    page.locator("[data-testid=ended-supplier] summary").click()
    page.click(f"[data-testid=reopen-{supply.pk}]")
    # Its own confirmation, in its own row (the refused one above stays open).
    ask = page.locator(f"#end-{supply.pk} [data-testid=reopen-form]")
    ask.wait_for()
    with page.expect_navigation():
        ask.locator("[data-testid=reopen-confirm]").click()
    page.wait_for_load_state("networkidle")
    assert "01.01.2020 \u2013 offen" in page.locator(f"#rel-{supply.pk}").inner_text()
    assert page.locator("[data-testid=ended-supplier]").count() == 0
    assert Relationship.objects.get(pk=supply.pk).valid_to is None
