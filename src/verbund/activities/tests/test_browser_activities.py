"""In headless Chromium, German UI: an editor logs a call naming a contact person chosen from
the organisation's contacts, sees it in the timeline, then deletes it through the confirm
page and is back on the file. Skips where no Chromium is installed."""

from collections.abc import Iterator
from typing import Any

import pytest

from verbund.activities.models import Activity
from verbund.hierarchies import selectors
from verbund.parties.actions import do_create_party
from verbund.parties.models import PartyKind
from verbund.web.testing import browser_login, browser_page
from verbund.web.tests.test_browser import ensure_builtin_types

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    yield from browser_page(monkeypatch)


def test_an_editor_names_a_contact_person_and_deletes_the_activity(
    live_server: Any, page: Any
) -> None:
    ensure_builtin_types()
    selectors.forget_type_ids()
    kunde = do_create_party(actor=None, kind=PartyKind.ORGANISATION, name="Kunde AG", city="Köln")
    hanna = do_create_party(
        actor=None, kind=PartyKind.PERSON, first_name="Hanna", last_name="Händler",
        organisation=kunde, position="Einkauf",
    )  # fmt: skip
    do_create_party(actor=None, kind=PartyKind.PERSON, first_name="Fritz", last_name="Fremd")
    base = live_server.url
    browser_login(page, base, "editor")
    page.goto(f"{base}/parties/{kunde.pk}/")
    form = page.locator("[data-testid=activity-form]")
    form.wait_for(state="attached")
    page.get_by_text("Aktivität erfassen").click()
    select = form.get_by_label("Ansprechpartner")
    options = select.locator("option").all_inner_texts()
    assert options == ["— niemand genannt —", "Hanna Händler · Einkauf"]
    select.select_option(str(hanna.pk))
    form.get_by_label("Betreff").fill("Rückruf wegen Angebot")
    form.get_by_role("button", name="Speichern").click()
    named = page.locator("[data-testid=activity-contact-name]")
    named.wait_for()
    assert named.inner_text() == "mit Hanna Händler"
    activity = Activity.objects.get()
    assert activity.contact_id == hanna.pk

    page.locator(f"#activity-{activity.pk}").get_by_role("button", name="Bearbeiten").click()
    page.locator("[data-testid=activity-delete]").click()
    page.wait_for_url(f"**/activities/{activity.pk}/delete/")
    assert "Rückruf wegen Angebot" in page.locator("[data-testid=activity-to-delete]").inner_text()
    page.locator("[data-testid=activity-delete-confirm]").click()
    page.wait_for_url(f"**/parties/{kunde.pk}/")
    assert "Aktivität „Rückruf wegen Angebot“ gelöscht." in page.content()
    assert not Activity.objects.exists()
    assert page.get_by_text("gelöscht: Rückruf wegen Angebot").count() == 1


@pytest.fixture
def phone(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    yield from browser_page(monkeypatch, width=390, height=844)


def test_on_a_phone_an_editor_finds_the_contact_among_many_by_searching(
    live_server: Any, phone: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    from verbund.activities import forms

    monkeypatch.setattr(forms, "CONTACT_SELECT_LIMIT", 2)
    ensure_builtin_types()
    selectors.forget_type_ids()
    kunde = do_create_party(actor=None, kind=PartyKind.ORGANISATION, name="Kunde AG", city="Köln")
    for first, last in (("Bernd", "Berger"), ("Carla", "Conrad"), ("Hanna", "Händler")):
        do_create_party(
            actor=None, kind=PartyKind.PERSON, first_name=first, last_name=last,
            organisation=kunde, position="Einkauf" if first == "Hanna" else "",
        )  # fmt: skip
    for i in range(11):
        do_create_party(
            actor=None, kind=PartyKind.PERSON, first_name="Berta", last_name=f"Berger{i:02d}",
            organisation=kunde,
        )  # fmt: skip
    do_create_party(actor=None, kind=PartyKind.PERSON, first_name="Fritz", last_name="Fremd")
    page = phone
    base = live_server.url
    browser_login(page, base, "editor")
    page.goto(f"{base}/parties/{kunde.pk}/")
    form = page.locator("[data-testid=activity-form]")
    form.wait_for(state="attached")
    page.get_by_text("Aktivität erfassen").click()
    assert form.locator("select[name=contact]").count() == 0
    search = form.get_by_label("Ansprechpartner")
    # Twelve Bergers: ten shown, and a note that there are more.
    search.fill("berger")
    form.get_by_text("Weitere Treffer \N{EN DASH} bitte genauer suchen.").wait_for()
    assert form.locator("[data-testid=contact-result]").count() == 10
    page.screenshot(path=tmp_path / "contact-search-390-de.png", full_page=True)
    search.fill("fremd")
    form.get_by_text("Kein Ansprechpartner zu „fremd“ gefunden.").wait_for()
    search.fill("händ")
    result = form.locator("[data-testid=contact-result]")
    result.wait_for()
    assert result.all_inner_texts() == ["Hanna Händler · Einkauf"]
    result.click()
    picked = form.locator("[data-testid=contact-picked]")
    picked.get_by_text("Hanna Händler · Einkauf").wait_for()
    # Nothing sticks out of a phone's screen.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    form.get_by_label("Betreff").fill("Rückruf wegen Angebot")
    form.get_by_role("button", name="Speichern").click()
    named = page.locator("[data-testid=activity-contact-name]")
    named.wait_for()
    assert named.inner_text() == "mit Hanna Händler"
    assert Activity.objects.get().contact.last_name == "Händler"  # type: ignore[union-attr]


def test_in_english_the_search_says_there_are_more_and_picks_a_contact(
    live_server: Any, page: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    from verbund.activities import forms

    monkeypatch.setattr(forms, "CONTACT_SELECT_LIMIT", 2)
    ensure_builtin_types()
    selectors.forget_type_ids()
    kunde = do_create_party(actor=None, kind=PartyKind.ORGANISATION, name="Kunde AG", city="Köln")
    for i in range(12):
        do_create_party(
            actor=None, kind=PartyKind.PERSON, first_name="Jürgen", last_name=f"Müller{i:02d}",
            organisation=kunde, position="Geschäftsführung" if i == 7 else "",
        )  # fmt: skip
    base = live_server.url
    browser_login(page, base, "editor")
    page.goto(f"{base}/parties/{kunde.pk}/")
    page.locator("[data-testid=lang-en]").click()
    page.wait_for_load_state()
    form = page.locator("[data-testid=activity-form]")
    form.wait_for(state="attached")
    page.get_by_text("Log activity").click()
    search = form.get_by_label("Contact person")
    search.fill("mueller")
    form.get_by_text("More matches \N{EN DASH} please narrow the search.").wait_for()
    assert form.locator("[data-testid=contact-result]").count() == 10
    page.screenshot(path=tmp_path / "contact-search-1024-en.png", full_page=True)
    search.fill("Muller07")  # not found: the umlaut is ü or ue, as in the party search
    form.get_by_text("No contact found for “Muller07”.").wait_for()
    search.fill("geschäftsf")
    result = form.locator("[data-testid=contact-result]")
    result.wait_for()
    assert result.all_inner_texts() == ["Jürgen Müller07 · Geschäftsführung"]
    result.click()
    form.locator("[data-testid=contact-picked]").get_by_text("Jürgen Müller07").wait_for()
    form.get_by_label("Subject").fill("Call back")
    form.get_by_role("button", name="Save").click()
    page.locator("[data-testid=activity-contact-name]").wait_for()
    assert Activity.objects.get().contact.last_name == "Müller07"  # type: ignore[union-attr]
