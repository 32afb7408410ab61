"""Dates are typed in the user's language, not picked from Chromium's own mm/dd/yyyy control
(#22.7): German "05.12.2026" and "12.2026", ISO in English, errors that name the field; English
pages show dates no reader takes for month/day (#22.7, 2)."""

import datetime as dt

import pytest

from verbund.core.roles import sync_roles
from verbund.parties.actions import do_create_party
from verbund.relationships.actions import do_create_relationship
from verbund.relationships.models import Relationship
from verbund.revenue.actions import do_record_revenue
from verbund.web.testing import browser_login
from verbund.web.testing import browser_page as shared_browser_page
from verbund.web.tests.test_browser import ensure_builtin_types, type_into

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LAST_YEAR = dt.date.today().year - 1


@pytest.fixture
def page(monkeypatch):
    yield from shared_browser_page(monkeypatch)


@pytest.fixture
def parties(live_server, page):
    ensure_builtin_types()
    sync_roles()
    browser_login(page, live_server.url, "editor")
    org = lambda name: do_create_party(actor=None, kind="organisation", name=name)  # noqa: E731
    return org("Muster Handel GmbH"), org("Lieferant Nord GmbH")


def test_a_relationship_date_is_typed_the_german_way_and_a_wrong_one_names_its_field(
    live_server, page, parties
):
    party, supplier = parties
    page.goto(f"{live_server.url}/parties/{party.pk}/")
    page.click("[data-testid=qa-parent]")
    form = page.locator("[data-testid=relationship-form]")
    valid_from = form.locator("input[name=valid_from]")
    assert valid_from.get_attribute("type") == "text"
    assert valid_from.get_attribute("placeholder") == "TT.MM.JJJJ"
    assert valid_from.input_value() == dt.date.today().strftime("%d.%m.%Y")
    type_into(page, "[data-testid=other-query]", "Lieferant Nord")
    page.click(f"[data-pick-id='{supplier.pk}']")
    valid_from.fill("32.13.2026")
    page.click("[data-testid=relationship-save]")
    error = page.locator("[data-testid=relationship-form] .errorlist").first
    error.wait_for()
    assert "Gültig ab: „32.13.2026“ ist kein Datum (TT.MM.JJJJ)" in error.inner_text()
    assert not Relationship.objects.exists()
    page.locator("[data-testid=relationship-form] input[name=valid_from]").fill("5.12.2026")
    page.click("[data-testid=relationship-save]")
    page.wait_for_load_state("networkidle")
    page.locator("#relationships tr", has_text="Lieferant Nord GmbH").first.wait_for()
    page.locator("[data-testid=relationship-form]").wait_for(state="detached")
    assert Relationship.objects.get().valid_from == dt.date(2026, 12, 5)


def test_the_revenue_months_are_typed_as_month_and_year(live_server, page, parties):
    party, _supplier = parties
    for month in (3, 4, 5):
        do_record_revenue(actor=None, party=party, month=f"{LAST_YEAR}-{month:02d}", amount="10")
    expect = pytest.importorskip("playwright.sync_api").expect
    page.goto(f"{live_server.url}/parties/{party.pk}/")
    own = page.locator("#revenue-section")
    own.wait_for()
    rev_from = page.locator("input[name=rev_from]")
    assert rev_from.get_attribute("placeholder") == "MM.JJJJ"
    assert rev_from.input_value() == f"01.{dt.date.today().year}"
    # Each change reloads the section: first the start ("3.2025"), then the end ("2025-04").
    rev_from.fill(f"3.{LAST_YEAR}")
    rev_from.press("Tab")
    expect(page.locator("#revenue-section h3").first).to_contain_text(f"März {LAST_YEAR}")
    page.locator("input[name=rev_to]").fill(f"{LAST_YEAR}-04")
    page.locator("input[name=rev_to]").press("Tab")
    expect(page.locator("input[name=rev_to]")).to_have_value(f"04.{LAST_YEAR}")
    expect(page.locator("input[name=rev_from]")).to_have_value(f"03.{LAST_YEAR}")
    assert "20,00 €" in page.locator("#revenue-section .revenue-total").first.inner_text()


def test_english_pages_show_iso_inputs_and_unambiguous_dates(live_server, page, parties):
    party, supplier = parties
    do_create_relationship(
        actor=None, type="supplier", from_party=supplier, to_party=party,
        valid_from=dt.date(2026, 2, 5),
    )  # fmt: skip
    page.goto(f"{live_server.url}/parties/{party.pk}/")
    page.click("[data-testid=lang-en]")
    page.wait_for_load_state("networkidle")
    relationships = page.locator("#relationships").inner_text()
    assert "5 Feb 2026" in relationships
    assert "02/05/2026" not in relationships and "2/5/2026" not in relationships
    page.click("[data-testid=qa-parent]")
    valid_from = page.locator("[data-testid=relationship-form] input[name=valid_from]")
    assert valid_from.input_value() == dt.date.today().isoformat()
    assert valid_from.get_attribute("placeholder") == "YYYY-MM-DD"
