"""The party pages: list, customer file, create and edit, permissions."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from verbund.parties.models import Party
from verbund.relationships.models import Relationship

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def test_the_party_list_pages_by_keyset_and_counts_no_further_than_its_cap(
    client_for, org, monkeypatch
):
    for i in range(7):
        org(f"Firma {i:02d}", city="Bonn")
    org("Kieler Werft AG", city="Kiel")
    c = client_for("viewer")
    from verbund.core import paging
    from verbund.parties import views as parties

    monkeypatch.setattr(parties, "PAGE_SIZE", 3)
    with CaptureQueriesContext(connection) as ctx:
        first = c.get(reverse("party-list"), {"city": "Bonn", "sort": "name"})
    # The page and one count, each LIMIT-ed: never a COUNT of every matching row.
    reads = [
        q["sql"].upper() for q in ctx.captured_queries if '"PARTIES_PARTY"' in q["sql"].upper()
    ]
    assert len(reads) == 2 and all(" LIMIT " in sql for sql in reads)
    body = text(first)
    assert "Firma 00" in body and "Firma 02" in body and "Firma 03" not in body
    assert '<p class="muted list-count" data-testid="list-count">3 von 7</p>' in body
    cursor = (
        re.search(r'href="\?([^"]*after=[^"]+)" data-testid="next-page"', body)
        .group(1)
        .replace("&amp;", "&")
    )
    second = text(c.get(reverse("party-list") + "?" + cursor))
    assert "Firma 03" in second and "Firma 05" in second and "Firma 02" not in second
    # A later page says where it starts (its link carries the rows shown so far).
    assert "4\u20136 von 7" in second
    last = re.search(r'href="\?([^"]*after=[^"]+)" data-testid="next-page"', second)
    third = text(c.get(reverse("party-list") + "?" + last.group(1).replace("&amp;", "&")))
    assert "Firma 06" in third and "7\u20137 von 7" in third
    # A link without the place (or with a wrong one) still counts right, from the top.
    assert "3 von 7" in text(c.get(reverse("party-list") + "?" + cursor.split("&seen=")[0]))
    assert "3 von 7" in text(c.get(reverse("party-list") + "?" + cursor + "x"))
    # Past the cap the list says so.
    monkeypatch.setattr(paging, "COUNT_CAP", 5)
    assert "3 von über 5" in text(c.get(reverse("party-list"), {"city": "Bonn"}))
    english = c.get(reverse("party-list"), {"city": "Bonn"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "3 of more than 5" in text(english)
    # A filtered page counts first (decision 0045) and then reads its rows, both LIMIT-ed;
    # one that holds every row says so.
    with CaptureQueriesContext(connection) as ctx:
        whole = text(c.get(reverse("party-list"), {"city": "Kiel"}))
    reads = [
        q["sql"].upper() for q in ctx.captured_queries if '"PARTIES_PARTY"' in q["sql"].upper()
    ]
    assert len(reads) == 2 and all(" LIMIT " in sql for sql in reads)
    assert "1 von 1" in whole
    # Unfiltered, a page that holds every row counts them as they are, with no query.
    monkeypatch.setattr(parties, "PAGE_SIZE", 50)
    with CaptureQueriesContext(connection) as ctx:
        whole = text(c.get(reverse("party-list")))
    assert sum('"PARTIES_PARTY"' in q["sql"].upper() for q in ctx.captured_queries) == 1
    assert "von 8" in whole


def test_the_party_list_counts_merged_records_out_as_it_leaves_them_out(client_for, org):
    from verbund.parties import views as parties

    kept = [org(f"Firma {i}", city="Bonn") for i in range(4)]
    Party.objects.filter(pk=kept[0].pk).update(merged_into=kept[1])
    c = client_for("viewer")
    old, parties.PAGE_SIZE = parties.PAGE_SIZE, 2
    try:
        body = text(c.get(reverse("party-list"), {"city": "Bonn"}))
    finally:
        parties.PAGE_SIZE = old
    assert "2 von 3" in body


def test_the_party_list_sorts_descending_and_filters_by_kind(client_for, org, person):
    org("Alpha GmbH")
    org("Zeta GmbH")
    person("Max", "Muster")
    c = client_for("viewer")
    body = text(c.get(reverse("party-list"), {"sort": "-name", "kind": "organisation"}))
    assert body.index("Zeta GmbH") < body.index("Alpha GmbH")
    assert "Max Muster" not in body


def test_the_party_list_filters_offer_all_instead_of_dashes(client_for):
    c = client_for("viewer")
    body = c.get(reverse("party-list"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "---------" not in body
    assert '<option value="" selected>alle</option>' in body


def test_the_customer_file_shows_each_relationship_as_seen_from_the_party(client_for, group):
    c = client_for("viewer")
    body = text(c.get(reverse("party-detail", args=[group["handel"].pk])))
    assert "ist Tochtergesellschaft von" in body and "ist Muttergesellschaft von" in body
    for key in ("holding", "sued", "nord"):
        assert f'href="/parties/{group[key].pk}/"' in body
    assert "Konzern" in body
    assert f'href="/parties/{group["handel"].pk}/hierarchy/?type=group"' in body


def test_the_customer_file_shows_badges_contacts_and_history(client_for, group, person):
    person("Erika", "Mustermann", organisation=group["handel"], position="Einkauf")
    c = client_for("viewer")
    body = text(c.get(reverse("party-detail", args=[group["handel"].pk])))
    assert "Konzernmitglied" in body
    assert "Erika Mustermann" in body and "Einkauf" in body
    assert 'id="history"' in body and "Angelegt" in body
    head = text(c.get(reverse("party-detail", args=[group["holding"].pk])))
    assert "Konzernspitze" in head


def test_a_viewer_sees_no_edit_buttons_and_writes_are_refused(client_for, group):
    c = client_for("viewer")
    body = text(c.get(reverse("party-detail", args=[group["handel"].pk])))
    assert (
        'data-testid="add-relationship"' not in body
        and reverse("party-edit", args=[group["handel"].pk]) not in body
    )
    rel = Relationship.objects.filter(from_party=group["sued"]).get()
    assert (
        c.post(reverse("party-edit", args=[group["handel"].pk]), {"name": "X"}).status_code == 403
    )
    assert c.post(reverse("party-create"), {"name": "X"}).status_code == 403
    assert (
        c.post(
            reverse("relationship-add", args=[group["handel"].pk]),
            {"choice": "group:inv", "other": group["logistik"].pk},
        ).status_code
        == 403
    )
    assert (
        c.post(reverse("relationship-end", args=[rel.pk]), {"valid_to": "2030-01-01"}).status_code
        == 403
    )
    assert (
        c.post(
            reverse("activity-create", args=[group["handel"].pk]), {"kind": "call", "subject": "x"}
        ).status_code
        == 403
    )
    assert Relationship.objects.filter(pk=rel.pk, valid_to__isnull=True).exists()


def test_party_create_shows_action_errors_on_their_fields(client_for):
    c = client_for("editor")
    response = c.post(
        reverse("party-create"),
        {
            "kind": "organisation",
            "name": "Neu GmbH",
            "country": "DE",
            "status": "customer",
            "vat_id": "123",
        },
    )
    assert response.status_code == 400
    body = text(response)
    assert "ist keine USt-IdNr." in body or "is not a VAT id" in body
    assert not Party.objects.filter(name="Neu GmbH").exists()
    ok = c.post(
        reverse("party-create"),
        {
            "kind": "organisation",
            "name": "Neu GmbH",
            "country": "DE",
            "status": "customer",
            "city": "Bonn",
        },
    )
    party = Party.objects.get(name="Neu GmbH")
    assert ok.status_code == 302 and ok["Location"] == reverse("party-detail", args=[party.pk])


def test_party_edit_changes_the_party_through_the_actions(client_for, org):
    party = org("Alt GmbH")
    c = client_for("editor")
    data = {
        "kind": "organisation",
        "number": party.number,
        "name": "Neu GmbH",
        "country": "DE",
        "status": "customer",
        "city": "Köln",
    }
    assert c.post(reverse("party-edit", args=[party.pk]), data).status_code == 302
    party.refresh_from_db()
    assert party.name == "Neu GmbH"
    assert party.search_text.startswith("neu gmbh")


def test_a_new_contact_is_created_at_the_organisation_whose_file_it_came_from(client_for, group):
    c = client_for("editor")
    form = c.get(
        reverse("party-create"), {"kind": "person", "organisation": group["handel"].pk}
    ).content.decode()
    assert "Müller Handel GmbH" in form
    data = {
        "kind": "person",
        "first_name": "Erika",
        "last_name": "Mustermann",
        "country": "DE",
        "status": "customer",
        "organisation": group["handel"].pk,
    }
    assert c.post(reverse("party-create"), data).status_code == 302
    person = Party.objects.get(last_name="Mustermann")
    assert person.organisation == group["handel"]
    assert (
        "Erika Mustermann"
        in c.get(reverse("party-detail", args=[group["handel"].pk])).content.decode()
    )


def test_the_search_skips_merged_records_and_survives_an_interrupted_scan(
    client_for, org, monkeypatch
):
    from verbund.parties import selectors as search

    kept = org("Zentralmolkerei Nord eG")
    gone = org("Zentralmolkerei Nord eG Alt")
    Party.objects.filter(pk=gone.pk).update(merged_into=kept)
    assert [p.pk for p in search.search_parties("Zentralmolkerei")] == [kept.pk]
    # Over budget at once on SQLite; on PostgreSQL a 1 ms limit, which two rows may beat.
    monkeypatch.setattr(search, "SCAN_BUDGET_S", -1.0)
    assert search.search_parties("molkerei nord") in ([], [kept])


def test_the_history_shows_a_run_of_the_same_action_once_with_its_count(client_for, org):
    from verbund.core import audit

    party = org("Serie GmbH")
    for month in range(1, 7):
        audit.record(
            actor=None,
            action="revenue.record",
            object_type="revenue.revenuemonth",
            object_id=month,
            party_id=party.pk,
            after={"month": month},
        )
    body = text(client_for("viewer").get(reverse("party-detail", args=[party.pk])))
    history = body.split('id="history"')[1]
    assert history.count("Umsatz erfasst") == 1 and "\u00d7 6" in history


def test_the_other_apps_filters_are_folded_away_and_fetched_when_opened(client_for):
    c = client_for("viewer")
    body = c.get(reverse("party-list"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "<summary>Weitere Filter</summary>" in body
    assert 'name="revenue_min"' not in body and 'name="relationship_type"' not in body
    assert f'hx-get="{reverse("party-more-filters")}"' in body
    fragment = c.get(reverse("party-more-filters"), HTTP_HX_REQUEST="true").content.decode()
    assert 'name="revenue_min"' in fragment and 'name="relationship_type"' in fragment
    assert "<html" not in fragment


def test_a_folded_filter_in_use_or_refused_shows_unfolded_with_its_value(client_for):
    c = client_for("viewer")
    body = c.get(reverse("party-list"), {"revenue_min": "1000"}).content.decode()
    assert re.search(r'<details class="more-filters"[^>]*\sopen>', body)
    assert re.search(r'name="revenue_min"[^>]*value="1000"', body)
    refused = c.get(reverse("party-list"), {"group": "abc"}).content.decode()
    assert re.search(r'<details class="more-filters"[^>]*\sopen>', refused)
    assert 'class="errorlist"' in refused


def test_a_postcode_area_is_among_the_folded_filters_and_filters_the_list(client_for, org):
    org("Köln Süd GmbH", postcode="50667")
    org("Bonn GmbH", postcode="53111")
    org("Hamburg GmbH", postcode="20457")
    c = client_for("viewer")
    fragment = c.get(reverse("party-more-filters"), HTTP_HX_REQUEST="true").content.decode()
    assert 'name="postcode_from"' in fragment and 'name="postcode_to"' in fragment
    body = c.get(
        reverse("party-list"), {"postcode_from": "50", "postcode_to": "53"}
    ).content.decode()
    assert "Köln Süd GmbH" in body and "Bonn GmbH" in body and "Hamburg GmbH" not in body
    assert re.search(r'<details class="more-filters"[^>]*\sopen>', body)
