"""Tags and the responsible user in headless Chromium, in German: set on the form, shown on
the file, one click to the list of every party with the tag."""

import pytest
from django.contrib.auth.models import User

from verbund.parties.models import Party, Tag
from verbund.parties.tests.test_browser_file import browser_page, editor, org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["browser_page", "editor"]  # the fixtures, imported for these tests


def test_an_editor_tags_a_customer_assigns_it_and_lists_every_party_with_the_tag(
    live_server, editor
):
    page, _user = editor
    User.objects.create_user("anna", first_name="Anna", last_name="Arndt")
    Tag.objects.create(name="A-Kunde")
    customer = org("Muster Handel GmbH", city="Köln", country="DE")
    org("Messebesucher AG", city="Bonn", country="DE", tags=["Messe 2027"])
    org("Ohne Schlagwort KG", city="Bonn", country="DE")

    page.goto(f"{live_server.url}/parties/{customer.pk}/edit/")
    page.get_by_label("Verantwortlich").select_option(label="Anna Arndt")
    page.get_by_label("A-Kunde").check()
    page.get_by_label("Neue Schlagwörter").fill("messe 2027, Neukunde")
    page.get_by_role("button", name="Speichern").click()

    head = page.get_by_test_id("file-head")
    head.wait_for()
    assert "Anna Arndt" in head.inner_text()
    assert page.get_by_test_id("party-tags").inner_text().split() == [
        "A-Kunde", "Messe", "2027", "Neukunde",
    ]  # fmt: skip
    # "messe 2027" is the stored "Messe 2027", not a second tag.
    assert Tag.objects.filter(name__iexact="messe 2027").count() == 1
    assert Party.objects.get(pk=customer.pk).responsible.username == "anna"

    page.get_by_test_id("party-tags").get_by_role("link", name="Messe 2027").click()
    page.wait_for_url("**/parties/?tag=*")
    rows = page.locator("table tbody tr").all_inner_texts()
    assert len(rows) == 2
    assert any("Muster Handel GmbH" in r for r in rows)
    assert any("Messebesucher AG" in r for r in rows)
    assert page.get_by_label("Schlagwort").input_value() == "Messe 2027"

    # The form fits a phone.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/parties/{customer.pk}/edit/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_an_editor_creates_and_renames_tags_on_the_tags_page(live_server, editor):
    page, _user = editor
    org("Muster Handel GmbH", city="Köln", country="DE", tags=["Mese 2026"])
    page.goto(f"{live_server.url}/tags/")
    page.get_by_label("Neues Schlagwort").fill("Neukunde")
    page.get_by_role("button", name="Anlegen").click()
    page.wait_for_load_state()
    assert "Schlagwort „Neukunde“ angelegt." in page.content()
    box = page.get_by_label("Name des Schlagworts „Mese 2026“")
    box.fill("Messe 2026")
    box.locator("xpath=..").get_by_role("button", name="Umbenennen").click()
    page.wait_for_load_state()
    assert "Schlagwort in „Messe 2026“ umbenannt." in page.content()
    rows = page.get_by_test_id("tag-row")
    assert rows.count() == 2
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["Messe 2026", "Neukunde"]
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
