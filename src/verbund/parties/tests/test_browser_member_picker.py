"""In headless Chromium, German UI: the party list's group filter is chosen by typing a name
(1,024 px), the list then says whose group it shows, and the filter is cleared again; with the
filter set the filter box fits a phone (390 px) in both languages. Skips where no Chromium is
installed."""

import pytest

from verbund.core.roles import sync_roles
from verbund.parties.actions import do_create_party
from verbund.parties.models import Party
from verbund.relationships.actions import do_create_relationship
from verbund.web.testing import browser_login
from verbund.web.tests.test_browser import ensure_builtin_types, type_into

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def a_group() -> dict[str, Party]:
    """Agricon (two subsidiaries), a party whose name starts alike, and one outside."""
    ensure_builtin_types()
    sync_roles()

    def org(name: str, city: str) -> Party:
        return do_create_party(actor=None, kind="organisation", name=name, city=city)

    p = {
        "top": org("Agricon Beteiligungsgesellschaft mbH", "Berlin"),
        "feld": org("Agricon Feldbau GmbH", "Potsdam"),
        "saat": org("Saatgut Havel GmbH", "Brandenburg"),
        "agrar": org("Agrar Handel Nord GmbH", "Kiel"),
        "fremd": org("Bonner Bau GmbH", "Bonn"),
    }
    for child in ("feld", "saat"):
        do_create_relationship(actor=None, type="group", from_party=p[child], to_party=p["top"])
    return p


def test_a_user_chooses_a_group_by_name_sees_its_members_and_clears_the_filter(live_server, laptop):
    expect = pytest.importorskip("playwright.sync_api").expect
    page = laptop
    p = a_group()
    top = p["top"]
    base = live_server.url
    browser_login(page, base, "viewer")
    page.goto(f"{base}/parties/")
    rows = page.locator("[data-testid=party-table] tbody tr")
    expect(rows).to_have_count(5)

    # The member filters are among the folded ones, loaded when opened.
    page.locator("[data-testid=more-filters] summary").click()
    picker = page.locator("[data-testid=picker-group]")
    expect(picker.locator("[data-picked]")).to_have_text("Noch keine Adresse gewählt")
    type_into(page, "[data-testid=picker-query-group]", "Agricon Beteil")
    choice = picker.locator(".picker-results [data-pick-id]", has_text="Agricon Beteiligungs")
    choice.click()
    expect(picker.locator("[data-picked]")).to_have_text(
        f"Agricon Beteiligungsgesellschaft mbH ({top.number})"
    )
    assert picker.locator("input[name=group]").input_value() == str(top.pk)
    page.locator("[data-testid=filters] button[type=submit]").click()
    page.wait_for_url(f"**group={top.pk}**")
    # The id travels as before; what the user typed does not.
    assert "Agricon" not in page.url and "other_query" not in page.url

    expect(rows).to_have_count(3)
    names = rows.locator("td:nth-child(2)").all_inner_texts()
    assert sorted(names) == [
        "Agricon Beteiligungsgesellschaft mbH", "Agricon Feldbau GmbH", "Saatgut Havel GmbH"
    ]  # fmt: skip
    scope = page.locator("[data-testid=list-scope-group]")
    expect(scope).to_have_text(
        f"Konzern von Agricon Beteiligungsgesellschaft mbH ({top.number}) \u00d7"
    )
    expect(scope.locator("a").first).to_have_attribute("href", f"/parties/{top.pk}/")
    # The box shows the chosen party after the page came back, not its id.
    expect(picker.locator("[data-picked]")).to_have_text(
        f"Agricon Beteiligungsgesellschaft mbH ({top.number})"
    )

    # Cleared in the box, the next filtering lists everyone again.
    page.locator("[data-testid=picker-clear-group]").click()
    expect(picker.locator("[data-picked]")).to_have_text("Noch keine Adresse gewählt")
    expect(page.locator("[data-testid=picker-clear-group]")).to_be_hidden()
    assert picker.locator("input[name=group]").input_value() == ""
    page.locator("[data-testid=filters] button[type=submit]").click()
    page.wait_for_url(lambda url: f"group={top.pk}" not in url)
    expect(rows).to_have_count(5)
    expect(page.locator("[data-testid=list-scope-group]")).to_have_count(0)

    # Enter in the box chooses the first party found; the line's remove link removes the filter.
    page.locator("[data-testid=more-filters] summary").click()  # folded again: none in use
    type_into(page, "[data-testid=picker-query-group]", "Agricon Feld")
    expect(picker.locator(".picker-results [data-pick-id]").first).to_contain_text("Feldbau")
    page.locator("[data-testid=picker-query-group]").press("Enter")
    expect(picker.locator("[data-picked]")).to_have_text(
        f"Agricon Feldbau GmbH ({p['feld'].number})"
    )
    page.locator("[data-testid=filters] button[type=submit]").click()
    page.wait_for_url(f"**group={p['feld'].pk}**")
    expect(rows).to_have_count(3)
    page.locator("[data-testid=list-scope-remove-group]").click()
    page.wait_for_url(lambda url: "group=" not in url)
    expect(rows).to_have_count(5)


@pytest.mark.parametrize(("lang", "line"), [("de", "Konzern von"), ("en", "Group of")])
def test_a_chosen_group_fits_a_phone(live_server, phone, lang, line):
    page = phone
    top = a_group()["top"]
    base = live_server.url
    browser_login(page, base, "viewer")
    page.goto(f"{base}/parties/?group={top.pk}")
    page.click(f"[data-testid=lang-{lang}]")
    page.wait_for_load_state()
    assert page.locator("[data-testid=list-scope-group]").inner_text().startswith(line)
    page.locator("[data-testid=filter-toggle]").click()
    picker = page.locator("[data-testid=picker-group]")
    assert f"({top.number})" in picker.locator("[data-picked]").inner_text()
    for part in (picker, page.locator("[data-testid=picker-query-group]")):
        box = part.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
