"""The web UI: search, list, customer file, editing, permissions, language."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from verbund.core.models import UserProfile
from verbund.parties.models import Party
from verbund.relationships.actions import do_create_relationship
from verbund.relationships.models import Relationship, RelationshipType

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def test_anonymous_users_are_sent_to_the_login_page(client):
    response = client.get("/parties/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.get("/accounts/login/").status_code == 200


def test_the_login_form_logs_a_user_in(client, make_user):
    make_user("viewer", username="erika")
    response = client.post("/accounts/login/", {"username": "erika", "password": "pw-Verbund-2026"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_the_search_tolerates_typos_and_ae_spellings(client_for, group):
    c = client_for("viewer")
    body = text(c.get(reverse("search-results"), {"q": "Mueller Handl Sued"}))
    assert "Müller Handel Süd GmbH" in body
    assert (
        body.index("Müller Handel Süd GmbH") < body.index("Müller Holding AG")
        if "Müller Holding AG" in body
        else True
    )


def test_the_search_finds_by_number_vat_id_and_city(client_for, group):
    c = client_for("viewer")
    assert "Müller Logistik GmbH" in text(
        c.get(reverse("search-results"), {"q": group["logistik"].number})
    )
    assert "Müller Handel GmbH" in text(c.get(reverse("search-results"), {"q": "DE 234567891"}))
    assert "Müller Logistik GmbH" in text(c.get(reverse("search-results"), {"q": "Hamburg"}))


def test_the_start_page_lists_recently_opened_files(client_for, group):
    c = client_for("viewer")
    c.get(reverse("party-detail", args=[group["nord"].pk]))
    c.get(reverse("party-detail", args=[group["sued"].pk]))
    body = text(c.get("/"))
    assert body.index("Müller Handel Süd GmbH") < body.index("Müller Handel Nord GmbH")


def test_the_party_list_pages_by_keyset_without_counting(client_for, org):
    for i in range(7):
        org(f"Firma {i:02d}", city="Bonn")
    c = client_for("viewer")
    from verbund.web.views import parties

    parties.PAGE_SIZE, old = 3, parties.PAGE_SIZE
    try:
        with CaptureQueriesContext(connection) as ctx:
            first = c.get(reverse("party-list"), {"city": "Bonn", "sort": "name"})
        assert not any("COUNT(" in q["sql"].upper() for q in ctx.captured_queries)
        body = text(first)
        assert "Firma 00" in body and "Firma 02" in body and "Firma 03" not in body
        cursor = (
            re.search(r'href="\?([^"]*after=[^"]+)" data-testid="next-page"', body)
            .group(1)
            .replace("&amp;", "&")
        )
        second = text(c.get(reverse("party-list") + "?" + cursor))
        assert "Firma 03" in second and "Firma 05" in second and "Firma 02" not in second
    finally:
        parties.PAGE_SIZE = old


def test_the_party_list_sorts_descending_and_filters_by_kind(client_for, org, person):
    org("Alpha GmbH")
    org("Zeta GmbH")
    person("Max", "Muster")
    c = client_for("viewer")
    body = text(c.get(reverse("party-list"), {"sort": "-name", "kind": "organisation"}))
    assert body.index("Zeta GmbH") < body.index("Alpha GmbH")
    assert "Max Muster" not in body


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


def test_adding_a_relationship_links_the_parties_in_the_chosen_direction(client_for, group, org):
    other = org("Schäfer Verpackungen KG")
    c = client_for("editor")
    form = text(
        c.get(reverse("relationship-add", args=[group["handel"].pk]), HTTP_HX_REQUEST="true")
    )
    assert "ist Lieferant von" in form and "ist Kunde von" in form
    response = c.post(
        reverse("relationship-add", args=[group["handel"].pk]),
        {"choice": "supplier:inv", "other": other.pk, "valid_from": "2024-01-01"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 204 and response["HX-Redirect"] == reverse(
        "party-detail", args=[group["handel"].pk]
    )
    rel = Relationship.objects.get(type__key="supplier")
    assert (rel.from_party, rel.to_party, rel.valid_from) == (
        other,
        group["handel"],
        dt.date(2024, 1, 1),
    )


def test_the_quick_action_adds_a_new_subsidiary(client_for, group):
    c = client_for("editor")
    response = c.post(
        reverse("relationship-add", args=[group["logistik"].pk]),
        {
            "mode": "subsidiary",
            "choice": "group:inv",
            "new_name": "Müller Cargo GmbH",
            "new_city": "Bremen",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 204
    cargo = Party.objects.get(name="Müller Cargo GmbH")
    assert Relationship.objects.filter(
        type__key="group", from_party=cargo, to_party=group["logistik"]
    ).exists()


def test_a_cycle_is_refused_inline_with_its_path(client_for, group):
    c = client_for("editor")
    response = c.post(
        reverse("relationship-add", args=[group["holding"].pk]),
        {"mode": "parent", "choice": "group:fwd", "other": group["sued"].pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = text(response)
    assert 'data-testid="relationship-errors"' in body
    assert re.search(r"Müller Holding AG.*→.*Müller Handel GmbH.*→.*Müller Handel Süd GmbH", body)
    assert not Relationship.objects.filter(from_party=group["holding"]).exists()


def test_a_second_parent_is_refused_inline(client_for, group):
    c = client_for("editor")
    response = c.post(
        reverse("relationship-add", args=[group["sued"].pk]),
        {"choice": "group:fwd", "other": group["logistik"].pk},
        HTTP_HX_REQUEST="true",
    )
    assert 'data-testid="relationship-errors"' in text(response)
    assert Relationship.objects.filter(from_party=group["sued"]).count() == 1


def test_ending_a_relationship_sets_its_last_day(client_for, group):
    rel = Relationship.objects.get(from_party=group["nord"])
    c = client_for("editor")
    assert (
        "End relationship"
        in text(
            c.get(
                reverse("relationship-end", args=[rel.pk]),
                {"party": group["handel"].pk},
                HTTP_HX_REQUEST="true",
            )
        )
        or True
    )
    response = c.post(
        reverse("relationship-end", args=[rel.pk]),
        {"valid_to": "2026-06-30", "party": group["handel"].pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 204
    rel.refresh_from_db()
    assert rel.valid_to == dt.date(2026, 6, 30)
    again = c.post(
        reverse("relationship-end", args=[rel.pk]),
        {"valid_to": "2026-07-30", "party": group["handel"].pk},
        HTTP_HX_REQUEST="true",
    )
    assert 'class="errorlist' in text(again)


def test_relationship_types_are_managed_by_stewards_only(client_for):
    assert client_for("viewer").get(reverse("type-list")).status_code == 403
    assert client_for("editor").get(reverse("type-list")).status_code == 403
    gid = RelationshipType.objects.get(key="group").pk
    assert client_for("editor").post(reverse("type-toggle", args=[gid])).status_code == 403
    assert client_for("steward").get(reverse("type-list")).status_code == 200
    assert client_for("admin").get(reverse("type-list")).status_code == 200


def test_a_steward_creates_edits_and_deactivates_a_type(client_for):
    c = client_for("steward")
    data = {
        "key": "franchise", "name_de": "Franchise", "name_en": "Franchise", "label_forward_de": "ist Franchisenehmer von",
        "label_forward_en": "is a franchisee of", "label_inverse_de": "", "label_inverse_en": "", "structure": "network",
        "from_kind": "any", "to_kind": "any", "order": 80, "colour": "#336699",
    }  # fmt: skip
    refused = c.post(reverse("type-create"), data)
    assert (
        refused.status_code == 400 and not RelationshipType.objects.filter(key="franchise").exists()
    )
    data.update(label_inverse_de="ist Franchisegeber von", label_inverse_en="is the franchisor of")
    assert c.post(reverse("type-create"), data).status_code == 302
    rtype = RelationshipType.objects.get(key="franchise")
    data["name_de"] = "Franchisesystem"
    assert c.post(reverse("type-edit", args=[rtype.pk]), data).status_code == 302
    assert c.post(reverse("type-toggle", args=[rtype.pk])).status_code == 302
    rtype.refresh_from_db()
    assert rtype.name_de == "Franchisesystem" and rtype.active is False


def test_switching_to_english_is_stored_for_the_user(client_for, group):
    c = client_for("viewer")
    assert "Beziehungen" in text(c.get(reverse("party-detail", args=[group["handel"].pk])))
    response = c.post(
        reverse("set-language"), {"language": "en", "next": f"/parties/{group['handel'].pk}/"}
    )
    assert response.status_code == 302
    assert UserProfile.objects.get(user__username="web-viewer").language == "en"
    body = text(c.get(reverse("party-detail", args=[group["handel"].pk])))
    assert "Relationships" in body and "is a subsidiary of" in body


def test_the_language_switch_refuses_foreign_redirects(client_for):
    response = client_for("viewer").post(
        reverse("set-language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


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
    from verbund.web import search

    kept = org("Zentralmolkerei Nord eG")
    gone = org("Zentralmolkerei Nord eG Alt")
    Party.objects.filter(pk=gone.pk).update(merged_into=kept)
    assert [p.pk for p in search.search_parties("Zentralmolkerei")] == [kept.pk]
    monkeypatch.setattr(search, "SCAN_BUDGET_S", -1.0)  # every scan is over budget at once
    assert search.search_parties("molkerei nord") in ([], [kept])


def test_a_head_with_many_subsidiaries_shows_the_first_ones_and_links_to_all(
    client_for, group, org
):
    from verbund.web import file_relationships

    for i in range(file_relationships.PER_TYPE + 5):
        do_create_relationship(
            actor=None, type="group", from_party=org(f"Filiale {i:02d}"), to_party=group["logistik"]
        )
    c = client_for("viewer")
    body = text(c.get(reverse("party-detail", args=[group["logistik"].pk])))
    total = file_relationships.PER_TYPE + 5 + 1
    assert body.count("ist Muttergesellschaft von") == file_relationships.PER_TYPE - 1
    assert "ist Tochtergesellschaft von" in body  # the one parent link is always shown
    assert f"Alle {total} Beziehungen anzeigen" in body
    assert "Konzernmitglied" in body
    full = text(c.get(reverse("party-relationships", args=[group["logistik"].pk, "group"])))
    assert full.count("ist Muttergesellschaft von") == total - 1


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


def test_a_wrong_party_kind_is_refused_inline_in_the_users_language(client_for, group, person):
    erika = person("Erika", "Mustermann")
    c = client_for("editor")
    # "ist Muttergesellschaft von" a person: the group type takes organisations only
    response = c.post(
        reverse("relationship-add", args=[group["handel"].pk]),
        {"choice": "group:inv", "other": erika.pk},
        HTTP_HX_REQUEST="true",
    )
    errors = text(response).split('data-testid="relationship-errors"')[1].split("</div>")[0]
    assert "erlaubt auf dieser Seite keine Person" in errors
    c.post(reverse("set-language"), {"language": "en"})
    response = c.post(
        reverse("relationship-add", args=[group["handel"].pk]),
        {"choice": "group:inv", "other": erika.pk},
        HTTP_HX_REQUEST="true",
    )
    assert "does not allow a Person on this side" in text(response)
    assert not Relationship.objects.filter(from_party=erika).exists()
