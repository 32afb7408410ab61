"""The relationship pages: add and end on the customer file, the full list, the types."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from verbund.core.errors import Conflict
from verbund.parties.models import Party
from verbund.relationships.actions import do_create_relationship
from verbund.relationships.models import Relationship, RelationshipType

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


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


@pytest.mark.parametrize(("language", "typed"), [("de", "51,5"), ("en", "51.5")])
def test_a_share_is_typed_with_the_decimal_sign_of_the_page_language(
    client_for, org, language, typed
):
    parent, child = org("Adler Holding AG"), org("Adler Werk GmbH")
    c = client_for("editor")
    c.cookies["django_language"] = language
    form = text(c.get(reverse("relationship-add", args=[child.pk]), HTTP_HX_REQUEST="true"))
    share_input = re.search(r"<input[^>]*name=\"share\"[^>]*>", form)
    assert share_input and 'type="text"' in share_input.group(0)
    response = c.post(
        reverse("relationship-add", args=[child.pk]),
        {"choice": "group:fwd", "other": parent.pk, "share": typed},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 204
    assert Relationship.objects.get(from_party=child).share == Decimal("51.5")


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


@pytest.mark.parametrize(
    ("stored", "entered", "field"),
    [
        ({}, {}, "other"),  # the same link open already (to_party)
        (
            {"valid_from": "2020-01-01", "valid_to": "2020-12-31"},
            {"valid_from": "2020-06-01", "valid_to": "2021-06-30"},
            "valid_from",
        ),
    ],
)
def test_the_same_link_stored_is_refused_at_its_field(client_for, org, stored, entered, field):
    # A Conflict (the API's 409) is a refusal like any other here: the action's message, on
    # the field it names (to_party is the other party chosen).
    a, b = org("Alpha GmbH"), org("Beta KG")
    do_create_relationship(actor=None, type="supplier", from_party=b, to_party=a, **stored)
    with pytest.raises(Conflict) as refused:
        do_create_relationship(actor=None, type="supplier", from_party=b, to_party=a, **entered)
    response = client_for("editor").post(
        reverse("relationship-add", args=[a.pk]),
        {"choice": "supplier:inv", "other": b.pk, **entered},
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {field: refused.value.messages}
    assert refused.value.messages[0] in text(response).replace("&quot;", '"')
    assert Relationship.objects.filter(type__key="supplier").count() == 1


@pytest.mark.parametrize(("child", "parent"), [("holding", "sued"), ("sued", "logistik")])
def test_a_cycle_or_a_second_parent_is_refused_at_the_other_party(client_for, group, child, parent):
    with pytest.raises(Conflict) as refused:
        do_create_relationship(
            actor=None, type="group", from_party=group[child], to_party=group[parent]
        )
    response = client_for("editor").post(
        reverse("relationship-add", args=[group[child].pk]),
        {"choice": "group:fwd", "other": group[parent].pk},
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {"other": refused.value.messages}


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


def test_relationship_types_are_read_by_everyone_and_managed_by_stewards_only(client_for):
    # Reading asks what the API's list asks (view_relationshiptype); no edit offered.
    gid = RelationshipType.objects.get(key="group").pk
    for role in ("viewer", "editor"):
        page = client_for(role).get(reverse("type-list"))
        assert page.status_code == 200
        assert reverse("type-edit", args=[gid]) not in page.content.decode()
        assert reverse("type-toggle", args=[gid]) not in page.content.decode()
    assert client_for("editor").get(reverse("type-edit", args=[gid])).status_code == 403
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


def test_a_head_with_many_subsidiaries_shows_the_first_ones_and_links_to_all(
    client_for, group, org
):
    from verbund.relationships import file as file_relationships

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


def test_a_relationships_note_shows_in_the_file_and_in_the_full_list(client_for, org):
    supplier, customer = org("Lieferant GmbH"), org("Kunde AG")
    rel = do_create_relationship(
        actor=None, type="supplier", from_party=supplier, to_party=customer,
        note="Rahmenvertrag 2026",
    )  # fmt: skip
    c = client_for("viewer")
    file = c.get(reverse("party-detail", args=[supplier.pk])).content.decode()
    assert 'data-testid="rel-note">Rahmenvertrag 2026<' in file
    full = c.get(reverse("party-relationships", args=[supplier.pk, rel.type.key])).content.decode()
    assert "Rahmenvertrag 2026" in full


@pytest.mark.parametrize(("language", "shown"), [("de", "51,5\u00a0%"), ("en", "51.5%")])
def test_a_share_on_the_file_reads_as_a_percentage_of_the_page_language(
    client_for, org, language, shown
):
    parent, child = org("Adler Holding AG"), org("Adler Werk GmbH")
    do_create_relationship(
        actor=None, type="group", from_party=child, to_party=parent, share=Decimal("51.5")
    )
    c = client_for("viewer")
    c.cookies["django_language"] = language
    page = c.get(f"/parties/{child.pk}/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'<td class="share">{shown}</td>' in page
