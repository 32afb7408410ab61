"""The contact person on the activity form: a POST checks the one person chosen, never reads
the organisation's contact list; past CONTACT_SELECT_LIMIT contacts the form searches among
them instead of listing them (the relationship form's picker, limited to the contacts)."""

from typing import Any

import pytest
from django.urls import reverse

from verbund.activities import forms, selectors
from verbund.activities.actions import do_create_activity
from verbund.activities.models import Activity
from verbund.relationships.actions import do_create_relationship

pytestmark = pytest.mark.django_db

# The note under ten matches when there are more.
MORE_DE = "Weitere Treffer \N{EN DASH} bitte genauer suchen."
MORE_EN = "More matches \N{EN DASH} please narrow the search."
BODY = {"kind": "call", "happened_at": "2026-11-20T09:30", "subject": "Anruf"}


@pytest.fixture
def kunde(org: Any, person: Any) -> dict[str, Any]:
    company = org("Kunde AG")
    filed = [
        person("Hanna", "Händler", organisation=company, position="Einkauf"),
        person("Bernd", "Berger", organisation=company),
        person("Carla", "Conrad", organisation=company),
    ]
    linked = person("Lars", "Link")
    do_create_relationship(actor=None, type="contact", from_party=linked, to_party=company)
    return {"org": company, "filed": filed, "linked": linked, "stranger": person("Fritz", "Fremd")}


def _no_list(organisation: Any, limit: Any = None) -> Any:
    raise AssertionError("the contact list read on a POST")


def test_a_post_checks_the_chosen_contact_without_reading_the_organisations_list(
    client: Any, kunde: dict[str, Any], make_user: Any, monkeypatch: Any,
    django_assert_num_queries: Any,
) -> None:  # fmt: skip
    client.force_login(make_user("editor"))
    url = reverse("activity-create", args=[kunde["org"].pk])
    selectors.is_contact(kunde["org"], kunde["linked"].pk)  # the day's group closure built
    monkeypatch.setattr(selectors, "contact_choices", _no_list)
    # Session, user and permissions (4), party, the chosen person, savepoint, the contact
    # check (the contact types, the person's row: hierarchies.group.is_contact), insert,
    # audit, release: as many for any number of contacts.
    with django_assert_num_queries(12):
        response = client.post(url, {**BODY, "contact": kunde["linked"].pk})
    assert response.status_code == 302
    assert Activity.objects.get().contact == kunde["linked"]


def test_the_contact_check_finds_every_contact_and_nobody_else(kunde: dict[str, Any]) -> None:
    company = kunde["org"]
    for p in (*kunde["filed"], kunde["linked"]):
        assert selectors.is_contact(company, p.pk), p
    assert not selectors.is_contact(company, kunde["stranger"].pk)
    assert not selectors.is_contact(company, 987654)
    assert not selectors.is_contact(kunde["linked"], kunde["filed"][0].pk)


def test_the_form_pages_take_a_fixed_number_of_queries(
    client: Any, kunde: dict[str, Any], make_user: Any, person: Any,
    django_assert_num_queries: Any,
) -> None:  # fmt: skip
    activity = do_create_activity(
        actor=None, party=kunde["org"], subject="Besuch", contact=kunde["filed"][0]
    )
    client.force_login(make_user("editor"))
    edit = reverse("activity-edit", args=[activity.pk])
    client.get(edit)  # the group type's id cached
    with django_assert_num_queries(14):
        page = client.get(edit)
    assert f'<option value="{kunde["filed"][0].pk}" selected>' in page.content.decode()
    for i in range(5):
        person("Neu", f"Kontakt{i}", organisation=kunde["org"])
    with django_assert_num_queries(14):
        client.get(edit)
    body = {**BODY, "subject": "Besuch erledigt", "contact": kunde["filed"][1].pk}
    # The edit's lock and its before-and-after read add one to the create's.
    with django_assert_num_queries(13):
        assert client.post(edit, body).status_code == 302


def test_past_the_limit_the_form_searches_among_the_contacts(
    client: Any, kunde: dict[str, Any], make_user: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(forms, "CONTACT_SELECT_LIMIT", 2)
    client.force_login(make_user("editor"))
    company = kunde["org"]
    html = client.get(reverse("party-sections", args=[company.pk, "activities"])).text
    assert 'data-testid="contact-query"' in html and '<select name="contact"' not in html
    assert "Hanna Händler" not in html  # nothing listed until searched
    pick = reverse("activity-contact-pick", args=[company.pk])
    client.defaults["HTTP_HX_REQUEST"] = "true"
    found = client.get(pick, {"contact_query": "händ"}).text
    assert "Hanna Händler · Einkauf" in found and "Berger" not in found
    assert "Lars Link" in client.get(pick, {"contact_query": "LINK"}).text
    assert "Hanna Händler" in client.get(pick, {"contact_query": "haendler"}).text
    stranger = client.get(pick, {"contact_query": "Fremd"}).text
    assert "Fritz" not in stranger and "Kein Ansprechpartner zu „Fremd“ gefunden." in stranger
    chosen = client.get(pick, {"chosen": kunde["linked"].pk}).text
    assert f'name="contact" value="{kunde["linked"].pk}"' in chosen and "Lars Link" in chosen
    # A stranger's id, or none, picks nobody.
    for other in (kunde["stranger"].pk, "", "²"):
        assert 'name="contact" value=""' in client.get(pick, {"chosen": other}).text
    # The choice is saved; a refused one comes back named, with the message.
    del client.defaults["HTTP_HX_REQUEST"]
    create = reverse("activity-create", args=[company.pk])
    refused = client.post(create, {**BODY, "contact": kunde["stranger"].pk})
    assert refused.status_code == 400
    assert "Diese Person ist kein Ansprechpartner von Kunde AG." in refused.text
    assert f'name="contact" value="{kunde["stranger"].pk}"' in refused.text
    for bad in ("abc", "0", "99999999999999999999", "²"):
        assert client.post(create, {**BODY, "contact": bad}).status_code == 400, bad
    assert client.post(create, {**BODY, "contact": kunde["linked"].pk}).status_code == 302
    assert Activity.objects.get().contact == kunde["linked"]


def test_only_who_may_log_or_correct_activities_searches_the_contacts(
    client_for: Any, kunde: dict[str, Any]
) -> None:
    pick = reverse("activity-contact-pick", args=[kunde["org"].pk])
    assert client_for("viewer").get(pick, {"contact_query": "Hanna"}).status_code == 403
    assert "Hanna" in client_for("editor").get(pick, {"contact_query": "Hanna"}).text


def test_a_keystroke_takes_a_fixed_number_of_queries_whatever_the_number_of_contacts(
    client: Any, kunde: dict[str, Any], make_user: Any, person: Any,
    django_assert_num_queries: Any,
) -> None:  # fmt: skip
    client.force_login(make_user("editor"))
    pick = reverse("activity-contact-pick", args=[kunde["org"].pk])
    client.get(pick, {"contact_query": "händ"})  # the session's first read done
    # Session, user and permissions (4), the party, the matches (hierarchies.group).
    with django_assert_num_queries(6):
        assert "Hanna Händler" in client.get(pick, {"contact_query": "händ"}).text
    for i in range(200):
        if i % 2:
            person("Heinz", f"Händler{i:03d}", organisation=kunde["org"])
        else:
            linked = person("Heinz", f"Händler{i:03d}")
            do_create_relationship(
                actor=None, type="contact", from_party=linked, to_party=kunde["org"]
            )
    with django_assert_num_queries(6):
        found = client.get(pick, {"contact_query": "haendler"}).text
    assert found.count('data-testid="contact-result"') == 10
    assert MORE_DE in found


def test_ten_matches_show_without_the_more_note_and_eleven_with_it(
    client: Any, kunde: dict[str, Any], make_user: Any, person: Any
) -> None:
    client.force_login(make_user("editor"))
    pick = reverse("activity-contact-pick", args=[kunde["org"].pk])
    for i in range(9):
        person("Berta", f"Berger{i}", organisation=kunde["org"])
    # Bernd Berger and nine more: all shown, by name, nothing more to say.
    ten = client.get(pick, {"contact_query": "berger"}).text
    assert ten.count('data-testid="contact-result"') == 10 and "Weitere Treffer" not in ten
    assert ten.index("Bernd Berger") < ten.index("Berta Berger0") < ten.index("Berta Berger8")
    person("Berta", "Berger9", organisation=kunde["org"])
    eleven = client.get(pick, {"contact_query": "berger"}).text
    assert eleven.count('data-testid="contact-result"') == 10
    assert MORE_DE in eleven
    client.cookies["django_language"] = "en"
    english = client.get(pick, {"contact_query": "berger"}, HTTP_ACCEPT_LANGUAGE="en").text
    assert MORE_EN in english


@pytest.mark.parametrize("party_id", [987654, 2**63, 2**70])
def test_the_contact_search_of_no_party_is_a_404(
    client: Any, kunde: dict[str, Any], make_user: Any, party_id: int
) -> None:
    client.force_login(make_user("editor"))
    pick = f"/parties/{party_id}/activities/contacts/"
    assert client.get(pick, {"contact_query": "Hanna"}).status_code == 404
    assert client.get(pick, {"chosen": kunde["linked"].pk}).status_code == 404


def test_the_contact_search_refuses_who_may_not_view_parties_and_bad_values(
    client_for: Any, kunde: dict[str, Any], make_user: Any, client: Any
) -> None:
    pick = reverse("activity-contact-pick", args=[kunde["org"].pk])
    client.force_login(make_user(None))  # no role: may not see the party at all
    assert client.get(pick, {"contact_query": "Hanna"}).status_code == 403
    assert client.get(pick, {"chosen": kunde["linked"].pk}).status_code == 403
    editor = client_for("editor")
    for chosen in ("abc", "-1", "0", str(2**70), "1.5", "null,null"):
        answer = editor.get(pick, {"chosen": chosen})
        assert answer.status_code == 200 and 'name="contact" value=""' in answer.text, chosen
    for query in ("%", "_", "\\", "'", "a" * 5000, "\x00"):
        assert editor.get(pick, {"contact_query": query}).status_code == 200, query
    # A person's file has no contacts to search.
    person_pick = reverse("activity-contact-pick", args=[kunde["linked"].pk])
    assert "Kein Ansprechpartner" in editor.get(person_pick, {"contact_query": "Hanna"}).text


def test_a_control_character_in_the_search_is_a_space_and_too_many_words_are_said(
    client_for: Any, kunde: dict[str, Any]
) -> None:
    pick = reverse("activity-contact-pick", args=[kunde["org"].pk])
    editor = client_for("editor")
    # PostgreSQL refused a NUL (a 500); SQLite ended the pattern there and listed everyone.
    for query in ("\x00Hanna", "\x00x", "%\x00", "Hanna\x07"):
        answer = editor.get(pick, {"contact_query": query})
        assert answer.status_code == 200, repr(query)
        shown = answer.text.count('data-testid="contact-result"')
        assert shown == (1 if "Hanna" in query else 0), (repr(query), answer.text)
    # A tab or a non-breaking space pasted with a name separates its words, as a space does.
    for query in ("Hanna\xa0Händler", "Hanna\tHändler", "Hanna\u2009Händler"):
        answer = editor.get(pick, {"contact_query": query})
        assert answer.text.count('data-testid="contact-result"') == 1, repr(query)
    # The party search's limits hold here too, said as the party search says them.
    many = editor.get(pick, {"contact_query": " ".join(f"w{i}" for i in range(13))})
    assert many.status_code == 200
    assert 'data-testid="contact-problem"' in many.text and "höchstens 12" in many.text
