"""The pages of selections in German: save the party list's filters with the count before
saving, open a selection with its filters in words, export it (formula-safe), delete it as
its owner only; the party list offers the button and the customer file the white space."""

import io
import re
from urllib.parse import parse_qs, urlencode

import pytest
from openpyxl import load_workbook

from verbund.parties.actions import do_update_party
from verbund.selections.models import Selection

pytestmark = pytest.mark.django_db


def test_the_party_list_offers_to_save_its_filters(client_for, world):
    page = client_for("viewer").get("/parties/", {"city": "Bonn"})
    body = page.content.decode()
    assert 'data-testid="save-selection"' in body
    assert "/selections/new/?city=Bonn" in body


def test_saving_shows_the_count_and_the_filters_in_words_then_saves(client_for, world):
    client = client_for("editor")
    query = urlencode({"group": world["holding"].pk, "revenue_min": "1000", "status": "customer"})
    page = client.get(f"/selections/new/?{query}")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Diese Filter wählen jetzt 2 Adressen." in body
    assert "Müller Holding AG (100001)" in body and "1.000,00 €" in body
    assert "Kunde" in body
    response = client.post(
        "/selections/new/", {"name": "Große Müller", "filters": query, "shared_with": "editor"}
    )
    saved = Selection.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/selections/{saved.pk}/"
    assert saved.filters["revenue_min"] == "1000" and saved.shared_with.name == "editor"
    detail = client.get(response["Location"]).content.decode()
    assert "Adressen: 2 von 2" in detail and "Müller Handel GmbH" in detail
    href = re.search(r'href="/parties/\?([^"]*)" data-testid="open-selection"', detail)
    assert href and parse_qs(href.group(1).replace("&amp;", "&")) == parse_qs(query)
    listing = client.get("/selections/").content.decode()
    assert "Große Müller" in listing
    assert (
        client.get(f"/selections/{saved.pk}/count/", HTTP_HX_REQUEST="true")
        .content.decode()
        .strip()
        .endswith('<span data-testid="selection-count">2</span>')
    )


def test_bad_filters_or_a_missing_name_are_shown_not_saved(client_for, world):
    client = client_for("editor")
    page = client.get("/selections/new/?revenue_min=viel")
    assert page.status_code == 400 and "Zahl" in page.content.decode()
    page = client.post("/selections/new/", {"name": " ", "filters": "city=Bonn"})
    assert (
        page.status_code == 400 and "Eine Selektion braucht einen Namen." in page.content.decode()
    )
    page = client.post("/selections/new/", {"name": "X", "filters": "gruppe=1"})
    assert page.status_code == 400 and "gruppe" in page.content.decode()
    assert not Selection.objects.exists()


def test_exports_hold_the_parties_and_never_a_formula(client_for, world):
    do_update_party(world["verband"], actor=None, name2="=HYPERLINK(1)")
    client = client_for("viewer")
    client.post("/selections/new/", {"name": "Bonn", "filters": "city=Bonn"})
    saved = Selection.objects.get()
    csv = b"".join(client.get(f"/selections/{saved.pk}/export/csv/").streaming_content).decode()
    assert "Einkaufsverband eG" in csv and "'=HYPERLINK(1)" in csv and "Mitglied Eins KG" in csv
    response = client.get(f"/selections/{saved.pk}/export/xlsx/")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:2] == ("Nummer", "Name")
    assert {r[1] for r in rows[1:]} == {"Einkaufsverband eG", "Mitglied Eins KG"}
    assert client.get(f"/selections/{saved.pk}/export/pdf/").status_code == 404


def test_exports_name_the_responsible_user_and_the_tags(client_for, world, make_user):
    anna = make_user("editor", username="anna", first_name="Anna", last_name="Arndt")
    do_update_party(world["verband"], actor=None, responsible=anna, tags=["Newsletter", "A-Kunde"])
    client = client_for("viewer")
    client.post("/selections/new/", {"name": "Bonn", "filters": "city=Bonn"})
    saved = Selection.objects.get()
    response = client.get(f"/selections/{saved.pk}/export/xlsx/")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][-2:] == ("Verantwortlich", "Schlagwörter")
    by_name = {r[1]: r for r in rows[1:]}
    assert by_name["Einkaufsverband eG"][-2:] == ("Anna Arndt", "A-Kunde, Newsletter")
    assert by_name["Mitglied Eins KG"][-2:] in (("", ""), (None, None))


def test_only_the_owner_deletes_and_others_do_not_see_a_private_selection(client_for, world):
    owner = client_for("editor")
    owner.post("/selections/new/", {"name": "Bonn", "filters": "city=Bonn"})
    saved = Selection.objects.get()
    other = client_for("editor")
    assert other.get(f"/selections/{saved.pk}/").status_code == 404
    assert other.post(f"/selections/{saved.pk}/delete/").status_code == 404
    page = owner.get(f"/selections/{saved.pk}/delete/")
    assert "Die Adressen, die sie auswählt, bleiben unverändert." in page.content.decode()
    assert owner.post(f"/selections/{saved.pk}/delete/").status_code == 302
    assert not Selection.objects.exists()


def test_the_customer_file_links_the_white_space_of_each_hierarchy(client_for, world):
    client = client_for("viewer")
    body = client.get(f"/parties/{world['mitglied1'].pk}/sections/selections/").content.decode()
    assert "Weiße Flecken" in body
    assert f"/parties/?association={world['verband'].pk}&amp;no_revenue_from=" in body
    # A party in no hierarchy has none.
    body = client.get(f"/parties/{world['allein'].pk}/sections/selections/").content.decode()
    assert "Weiße Flecken" not in body


def _count_url(body: str, type_key: str) -> str:
    found = re.search(rf'hx-get="([^"]+)"[^>]*data-testid="white-space-{type_key}"', body)
    assert found is not None, body
    return found.group(1)


def test_the_white_space_counts_its_members_and_says_plainly_when_there_is_none(client_for, org):
    from html import unescape

    from verbund.relationships.actions import do_create_relationship
    from verbund.revenue.actions import do_record_revenue
    from verbund.selections.rules import last_twelve_months

    _first, last = last_twelve_months()
    head, a, b = org("Kopf Zentrale AG"), org("Kopf Filiale A"), org("Kopf Filiale B")
    for branch in (a, b):
        do_create_relationship(actor=None, type="chain", from_party=branch, to_party=head)
    for customer in (head, a):
        do_record_revenue(actor=None, party=customer, month=f"{last:%Y-%m}", amount="10.00")
    client = client_for("viewer")
    section = unescape(client.get(f"/parties/{a.pk}/sections/selections/").content.decode())
    assert "Kette mit 3 Mitgliedern" in section
    # The count comes when the line is opened.
    url = _count_url(section, "chain")
    assert url == f"/selections/white-space/{head.pk}/chain/"
    body = unescape(client.get(url).content.decode())
    assert "Kette: 1 Mitglied ohne Umsatz (von 3)" in body
    # The link leads to exactly the member counted, and the file's own link to the same list.
    query = re.search(r'href="/parties/\?([^"]+)" data-testid="white-space-link"', body)
    assert query is not None and f"/parties/?{query.group(1)}" in section
    listed = client.get(f"/parties/?{query.group(1)}").content.decode()
    assert "Kopf Filiale B" in listed and "Kopf Filiale A" not in listed
    # Once every member has revenue there is nothing to open: the count says so.
    do_record_revenue(actor=None, party=b, month=f"{last:%Y-%m}", amount="10.00")
    body = unescape(client.get(url).content.decode())
    assert 'data-testid="white-space-link"' not in body
    assert "Kette: alle 3 Mitglieder haben Umsatz, keine weißen Flecken." in body
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Chain: all 3 members have revenue, no white space." in unescape(english)
    section = client.get(f"/parties/{a.pk}/sections/selections/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Chain of 3 members" in unescape(section.content.decode())


def test_opening_a_members_file_does_not_count_its_groups_white_space(
    client_for, world, django_assert_num_queries
):
    """Counting probes every member's months (320 ms on a 20,000-member group, docs/revenue.md)
    and ran on every file of every member: the file's section reads the hierarchies and their
    sizes only, in a fixed number of queries, none of them on revenue."""
    client = client_for("viewer")
    url = f"/parties/{world['sued'].pk}/sections/selections/"
    client.get(url)  # the hierarchy type ids, read once per process
    # Session, user, 2 x permissions, the party, the hierarchy types; per type (group, chain,
    # settlement) its freshness and the party's top; the size of the one group it is in.
    with django_assert_num_queries(13) as ctx:
        body = client.get(url).content.decode()
    assert 'data-testid="white-space-group"' in body
    assert not [q["sql"] for q in ctx.captured_queries if "revenue_" in q["sql"]]


def test_the_white_space_count_refuses_what_has_no_white_space(client_for, world):
    client = client_for("viewer")
    assert client.get(f"/selections/white-space/{world['holding'].pk}/supplier/").status_code == 404
    assert client.get("/selections/white-space/999999/group/").status_code == 404
    counted = client.get(f"/selections/white-space/{world['holding'].pk}/group/")
    assert counted.status_code == 200 and "Konzern:" in counted.content.decode()


def test_a_selection_longer_than_its_first_page_leads_to_all_its_parties(client_for, org):
    from verbund.selections.actions import do_save_selection
    from verbund.selections.views import FIRST_PAGE

    for i in range(FIRST_PAGE + 2):
        org(f"Langliste {i:03d} GmbH", city="Xanten")
    c = client_for("editor")
    from django.contrib.auth.models import User

    owner = User.objects.get(username="web-editor")
    selection = do_save_selection(actor=owner, name="Xanten", filters={"city": "Xanten"})
    page = c.get(f"/selections/{selection.pk}/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert (
        'data-testid="selection-all"' in page
        and f"Alle {FIRST_PAGE + 2} in der Adressliste" in page
    )


def test_a_selection_leads_back_to_the_selections_and_an_empty_list_counts_nothing(client_for, org):
    from django.contrib.auth.models import User

    from verbund.selections.actions import do_save_selection

    client = client_for("editor")
    empty = client.get("/selections/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    # "0 von 0 · Ihre eigenen Selektionen …" above a table that says there are none.
    assert 'data-testid="list-count"' not in empty and "0 von 0" not in empty
    owner = User.objects.get(username="web-editor")
    selection = do_save_selection(actor=owner, name="Köln", filters={"city": "Köln"})
    page = client.get(f"/selections/{selection.pk}/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert (
        '<a href="/selections/" data-testid="selection-back">Zurück zu den Selektionen</a>' in page
    )
    listed = client.get("/selections/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert 'data-testid="list-count">1 von 1</span>' in listed
