"""The customer file, the start page's search and the party form in headless Chromium, in
German (issue 22: history, header, relationships, quick actions, duplicates, search)."""

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.test import Client

from verbund.core.roles import sync_roles
from verbund.parties.actions import do_create_party, do_update_party
from verbund.parties.models import Party
from verbund.relationships.actions import do_create_relationship
from verbund.web.tests.test_browser import browser_page, ensure_builtin_types, type_into

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["browser_page"]  # the fixture, imported for these tests


@pytest.fixture
def editor(live_server, browser_page):
    """A logged-in editor named Erika Eder: the page and the user."""
    ensure_builtin_types()
    sync_roles()
    user = User.objects.create_user("eder", password="pw-Verbund-2026", first_name="Erika",
                                    last_name="Eder")  # fmt: skip
    user.groups.add(Group.objects.get(name="editor"))
    client = Client()
    client.force_login(user)
    browser_page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return browser_page, user


def org(name: str, **fields) -> Party:
    return do_create_party(actor=None, kind="organisation", name=name, **fields)


def test_the_history_shows_field_labels_choice_labels_names_and_local_times(live_server, editor):
    page, user = editor
    party = org("Muster Handel GmbH", city="Köln", country="DE")
    do_update_party(party, actor=user, status="prospect", responsible=user, country="AT")
    page.goto(f"{live_server.url}/parties/{party.pk}/")
    history = page.locator("#history").inner_text()
    assert "Status: Kunde → Interessent" in history
    assert "Verantwortlich: — → Erika Eder" in history
    assert "Land: DE → AT" in history
    assert "Geändert" in history and "Erika Eder" in history
    for internal in ("_id", "customer", "prospect", "party.update", "T0", "+00:00"):
        assert internal not in history, internal
    today = dt.date.today().strftime("%d.%m.%Y")
    assert today in history


def test_a_group_member_names_its_ultimate_parent_linked(live_server, editor):
    page, _user = editor
    top = org("Odenwald Holding AG")
    middle = org("Odenwald Produktion GmbH")
    member = org("Odenwald Technik GmbH")
    do_create_relationship(actor=None, type="group", from_party=middle, to_party=top)
    do_create_relationship(actor=None, type="group", from_party=member, to_party=middle)
    page.goto(f"{live_server.url}/parties/{member.pk}/")
    badge = page.locator("[data-testid=file-head] a.badge-top")
    assert "Odenwald Holding AG" in badge.inner_text()
    badge.click()
    page.wait_for_url(f"{live_server.url}/parties/{top.pk}/")


def test_ended_relationships_are_folded_away(live_server, editor):
    page, _user = editor
    party = org("Muster Handel GmbH")
    now = org("Lieferant Heute GmbH")
    then = org("Lieferant Damals GmbH")
    do_create_relationship(actor=None, type="supplier", from_party=now, to_party=party)
    do_create_relationship(
        actor=None, type="supplier", from_party=then, to_party=party,
        valid_from=dt.date(2015, 1, 1), valid_to=dt.date(2020, 12, 31),
    )  # fmt: skip
    page.goto(f"{live_server.url}/parties/{party.pk}/")
    section = page.locator("#relationships")
    assert section.get_by_text("Lieferant Heute GmbH").is_visible()
    assert not section.get_by_text("Lieferant Damals GmbH").is_visible()
    section.get_by_text("1 beendete Beziehung").click()
    assert section.get_by_text("Lieferant Damals GmbH").is_visible()


def test_quick_actions_and_end_default_to_today(live_server, editor):
    page, _user = editor
    party = org("Muster Handel GmbH")
    supplier = org("Lieferant GmbH")
    rel = do_create_relationship(actor=None, type="supplier", from_party=supplier, to_party=party)
    today = dt.date.today().strftime("%d.%m.%Y")
    page.goto(f"{live_server.url}/parties/{party.pk}/")
    page.click("[data-testid=qa-parent]")
    assert page.locator("#relationship-panel input[name=valid_from]").input_value() == today
    page.click(f"[data-testid=end-{rel.pk}]")
    assert page.locator(f"#end-{rel.pk} input[name=valid_to]").input_value() == today


def test_creating_a_likely_duplicate_needs_create_anyway(live_server, editor):
    page, _user = editor
    org("Muster Handel GmbH", street="Hauptstraße 1", postcode="50667", city="Köln")
    page.goto(f"{live_server.url}/parties/new/")
    page.fill("#id_name", "Muster Handel GmbH")
    page.fill("#id_street", "Hauptstraße 1")
    page.fill("#id_postcode", "50667")
    page.fill("#id_city", "Köln")
    page.locator("[data-testid=party-form] .actions button[type=submit]").click()
    page.locator("[data-testid=duplicate-warning]").wait_for()
    assert Party.objects.filter(name="Muster Handel GmbH").count() == 1
    page.click("[data-testid=create-anyway]")
    page.wait_for_url(f"{live_server.url}/parties/*/")
    assert Party.objects.filter(name="Muster Handel GmbH").count() == 2


def test_the_live_search_forgives_typos_and_shows_a_count_and_more(live_server, editor):
    page, _user = editor
    target = org("Taunus Software Köln GmbH & Co. KG", city="Köln")
    for i in range(22):
        org(f"Taunus Software {i:02d} GmbH", city="Wiesbaden")
    page.goto(f"{live_server.url}/")
    type_into(page, "[data-testid=search]", "Tanus Sofware Koeln")
    first = page.locator("[data-testid=search-results] a").first
    first.wait_for()
    assert "Taunus Software Köln GmbH & Co. KG" in first.inner_text()
    assert "Treffer" in page.locator("[data-testid=search-count]").inner_text()
    page.goto(f"{live_server.url}/?q=Taunus+Software")
    assert "von 23 Treffern" in page.locator("[data-testid=search-count]").inner_text()
    page.click("[data-testid=search-more]")
    assert "21\u201323 von 23 Treffern" in page.locator("[data-testid=search-count]").inner_text()
    assert target.pk


def test_the_file_the_start_page_and_the_search_fit_a_phone(live_server, editor):
    page, _user = editor
    party = org("Lumen Facility-Management Celle GmbH & Co. KG", city="Celle")
    parent = org("Lumen Holding GmbH")
    do_create_relationship(actor=None, type="group", from_party=party, to_party=parent)
    for i in range(3):
        other = org(f"Lumen Vertrieb Celle {i} GmbH & Co. KG", city="Celle")
        do_create_relationship(actor=None, type="group", from_party=other, to_party=party,
                               share="75")  # fmt: skip
    page.set_viewport_size({"width": 390, "height": 844})
    for url in (f"/parties/{party.pk}/", "/", "/?q=Lumen+Celle"):
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (url, width)


def test_a_persons_file_offers_what_applies_to_a_person_and_no_empty_revenue(live_server, editor):
    page, _user = editor
    company = org("Muster Handel GmbH")
    person = do_create_party(actor=None, kind="person", first_name="Erika", last_name="Muster")
    page.goto(f"{live_server.url}/parties/{person.pk}/")
    actions = page.locator("#relationships .quick-actions")
    assert actions.locator("[data-testid=qa-contact-at]").is_visible()
    for org_only in ("qa-parent", "qa-subsidiary", "qa-parent-of"):
        assert actions.locator(f"[data-testid={org_only}]").count() == 0, org_only
    page.locator("#sections-revenue").wait_for(state="detached")  # loaded after the page
    assert page.locator("#section-revenue").count() == 0
    assert "0,00 €" not in page.locator("main").inner_text()

    page.click("[data-testid=qa-contact-at]")
    choice = page.locator("#relationship-panel select[name=choice]")
    choice.locator("option").first.wait_for(state="attached")
    offered = choice.locator("option").all_inner_texts()
    assert choice.input_value() == "contact:fwd"
    assert "ist Ansprechpartner bei" in offered
    assert not any("Tochtergesellschaft" in o or "Muttergesellschaft" in o for o in offered)
    type_into(page, "[data-testid=other-query]", "Muster Handel")
    page.click(f"[data-pick-id='{company.pk}']")
    page.click("[data-testid=relationship-save]")
    page.locator("#relationships tr", has_text="Muster Handel GmbH").first.wait_for()

    # An organisation keeps its group actions and its revenue section.
    page.goto(f"{live_server.url}/parties/{company.pk}/")
    assert page.locator("[data-testid=qa-parent]").is_visible()
    page.locator("#section-revenue").wait_for()


def test_the_party_list_unfolds_more_filters_and_filters_by_them(live_server, editor):
    page, _user = editor
    supplier = do_create_party(actor=None, name="Lieferant Nord GmbH", city="Kiel")
    buyer = do_create_party(actor=None, name="Abnehmer Süd GmbH", city="Kiel")
    do_create_party(actor=None, name="Ohne Beziehung GmbH", city="Kiel")
    do_create_relationship(actor=None, type="supplier", from_party=supplier, to_party=buyer)
    page.goto(f"{live_server.url}/parties/?city=Kiel")
    rows = page.locator("[data-testid=party-table] tbody tr")
    assert rows.count() == 3
    assert page.locator("select[name=relationship_type]").count() == 0
    page.locator("[data-testid=more-filters] summary").click()
    page.locator("select[name=relationship_type]").select_option("supplier")
    page.locator("[data-testid=filters] button[type=submit]").click()
    page.wait_for_load_state()
    names = page.locator("[data-testid=party-table] tbody").inner_text()
    assert "Lieferant Nord GmbH" in names and "Ohne Beziehung GmbH" not in names
    assert page.locator("[data-testid=more-filters]").get_attribute("open") is not None


def test_the_party_form_shows_a_persons_or_a_companys_fields_as_the_kind_says(live_server, editor):
    page, _user = editor
    company = org("Aeon Holding GmbH", street="Hafenstraße 3", postcode="20457", city="Hamburg")
    page.goto(f"{live_server.url}/parties/new/")
    assert not page.locator("input[name=first_name]").is_visible()
    assert page.locator("input[name=legal_form]").is_visible()
    page.select_option("select[name=kind]", "person")
    assert page.locator("input[name=first_name]").is_visible()
    assert not page.locator("input[name=legal_form]").is_visible()
    page.goto(f"{live_server.url}/parties/new/?kind=person&organisation={company.pk}")
    assert page.locator("h1").inner_text() == "Neuer Ansprechpartner bei Aeon Holding GmbH"
    assert page.input_value("input[name=city]") == "Hamburg"
    page.fill("input[name=first_name]", "Ada")
    page.fill("input[name=last_name]", "Lorenz")
    page.click("[data-testid=party-form] button[type=submit]")
    page.wait_for_load_state()
    assert "Ada Lorenz angelegt." in page.inner_text("body")
    assert Party.objects.get(last_name="Lorenz").organisation_id == company.pk


def test_a_field_of_the_other_kind_that_holds_an_error_stays_in_sight(live_server, editor):
    page, _user = editor
    page.goto(f"{live_server.url}/parties/new/")
    page.fill("input[name=name]", "Muster")
    page.fill("input[name=lei]", "KEINE-LEI")
    page.select_option("select[name=kind]", "person")
    assert not page.locator("input[name=lei]").is_visible()
    page.fill("input[name=first_name]", "Ada")
    page.fill("input[name=last_name]", "Lorenz")
    page.click("[data-testid=party-form] button[type=submit]")
    page.wait_for_load_state()
    # Refused for the LEI: the field says why although the form is a person's.
    assert page.input_value("select[name=kind]") == "person"
    assert page.locator("input[name=lei]").is_visible()
    assert page.locator("[data-kind-only=organisation] .errorlist").first.is_visible()
