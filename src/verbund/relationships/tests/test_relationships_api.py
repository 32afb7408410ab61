"""REST API for relationship types and relationships: writes through the actions, bad input
as 400s naming the field, filters, search, ordering, cursor paging, pinned query counts."""

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from verbund.core.errors import Conflict
from verbund.core.models import AuditRecord
from verbund.core.testing import assert_409_as_the_action_refuses
from verbund.core.tests.openapi import api_schema
from verbund.relationships.actions import (
    do_create_relationship,
    do_deactivate_relationship_type,
    do_delete_relationship_type,
    do_end_relationship,
    do_update_relationship,
    do_update_relationship_type,
)
from verbund.relationships.models import Relationship, RelationshipType

pytestmark = pytest.mark.django_db

URL = "/api/v1/relationships/"
TYPES_URL = "/api/v1/relationship-types/"


def post(client, data: dict[str, Any], url: str = URL):
    return client.post(url, data, format="json")


def assert_400(response, field: str, *words: str) -> str:
    """A 400 whose body names ``field``; returns the message for further checks."""
    assert response.status_code == 400, (response.status_code, response.content)
    body = response.json()
    assert field in body, body
    message = " ".join(str(m) for m in body[field])
    for word in words:
        assert word in message, message
    return message


# --- creating through the API ---------------------------------------------------------------


def test_creating_a_relationship_goes_through_the_actions_and_is_audited(editor, org):
    child, parent = org("Tochter GmbH"), org("Mutter AG")
    response = post(
        editor,
        {
            "type": "group",
            "from_party": child.pk,
            "to_party": parent.pk,
            "share": "75.5",
            "valid_from": "2020-01-01",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["type"] == "group" and body["share"] == "75.5000" and body["valid_to"] is None
    rel = Relationship.objects.get(pk=body["id"])
    record = AuditRecord.objects.filter(action="relationship.create", object_id=str(rel.pk)).first()
    assert record is not None and record.actor is not None and record.actor.username == "api-editor"


def test_it_refuses_a_party_kind_the_type_does_not_allow(editor, org):
    response = post(editor, {"type": "contact", "from_party": org("A").pk, "to_party": org("B").pk})
    assert_400(response, "from_party")


def test_it_refuses_a_party_related_to_itself(editor, org):
    a = org("A")
    assert_400(post(editor, {"type": "supplier", "from_party": a.pk, "to_party": a.pk}), "to_party")


# Stored links refuse these, not the request (decision 0038, revision 2): 409, the body a
# 400 has, the message the pages show.


def test_the_same_link_already_open_is_a_409_naming_to_party(editor, org):
    a, b = org("A"), org("B")
    data = {"type": "supplier", "from_party": a.pk, "to_party": b.pk}
    assert post(editor, data).status_code == 201
    assert_409_as_the_action_refuses(
        post(editor, data),
        lambda: do_create_relationship(actor=None, type="supplier", from_party=a, to_party=b),
    )
    assert Relationship.objects.count() == 1


def test_overlapping_validity_of_the_same_link_is_a_409_naming_valid_from(editor, org):
    a, b = org("A"), org("B")
    data = {"type": "supplier", "from_party": a.pk, "to_party": b.pk}
    year = {"valid_from": "2020-01-01", "valid_to": "2020-12-31"}
    assert post(editor, {**data, **year}).status_code == 201
    later = {"valid_from": "2020-06-01", "valid_to": "2021-12-31"}
    response = post(editor, {**data, **later})
    assert_409_as_the_action_refuses(
        response,
        lambda: do_create_relationship(
            actor=None, type="supplier", from_party=a, to_party=b, **later
        ),
    )
    assert (
        list(response.json()) == ["valid_from"] and "01.01.2020" in response.json()["valid_from"][0]
    )
    # Correcting the dates of a second link into the first's: the same 409.
    second = post(editor, {**data, "valid_from": "2022-01-01"}).json()
    assert_409_as_the_action_refuses(
        editor.patch(f"{URL}{second['id']}/", {"valid_from": "2020-12-01"}, format="json"),
        lambda: do_update_relationship(
            Relationship.objects.get(pk=second["id"]), actor=None, valid_from="2020-12-01"
        ),
    )
    assert Relationship.objects.get(pk=second["id"]).valid_from == dt.date(2022, 1, 1)


def test_a_symmetric_link_entered_twice_either_way_is_a_409(editor, org):
    a, b = org("A"), org("B")
    assert post(editor, {"type": "sister", "from_party": b.pk, "to_party": a.pk}).status_code == 201
    response = post(editor, {"type": "sister", "from_party": a.pk, "to_party": b.pk})
    assert response.status_code == 409 and list(response.json()) == ["to_party"]


def test_a_second_parent_is_a_409_naming_to_party(editor, group, org):
    other = org("Schmidt AG")
    data = {"type": "group", "from_party": group["sued"].pk, "to_party": other.pk}
    response = post(editor, data)
    assert_409_as_the_action_refuses(
        response,
        lambda: do_create_relationship(
            actor=None, type="group", from_party=group["sued"], to_party=other
        ),
    )
    assert "Müller Handel GmbH" in response.json()["to_party"][0]
    # A later parent is fine; moving its start into the first parent's days is not.
    old = Relationship.objects.get(from_party=group["sued"])
    do_end_relationship(old, actor=None, valid_to="2030-12-31")
    later = post(editor, {**data, "valid_from": "2031-01-01"}).json()
    assert_409_as_the_action_refuses(
        editor.patch(f"{URL}{later['id']}/", {"valid_from": "2030-06-01"}, format="json"),
        lambda: do_update_relationship(
            Relationship.objects.get(pk=later["id"]), actor=None, valid_from="2030-06-01"
        ),
    )


def test_a_cycle_is_a_409_naming_to_party_with_its_path(editor, group):
    data = {"type": "group", "from_party": group["holding"].pk, "to_party": group["sued"].pk}
    response = post(editor, data)
    assert_409_as_the_action_refuses(
        response,
        lambda: do_create_relationship(
            actor=None, type="group", from_party=group["holding"], to_party=group["sued"]
        ),
    )
    assert (
        "Müller Holding AG → Müller Handel GmbH → Müller Handel Süd GmbH"
        in (response.json()["to_party"][0])
    )
    assert not Relationship.objects.filter(from_party=group["holding"]).exists()


def test_a_conflict_beside_a_fault_of_the_request_is_a_400_naming_both(editor, group, org):
    a, b = org("A"), org("B")
    data = {"type": "supplier", "from_party": a.pk, "to_party": b.pk}
    assert post(editor, data).status_code == 201
    # The same link again, with a share its type does not carry: bad input first.
    response = post(editor, {**data, "share": "10"})
    assert response.status_code == 400, response.content
    assert set(response.json()) == {"to_party", "share"}
    assert "besteht bereits" in response.json()["to_party"][0]
    # A second parent and a cycle alike, beside a share out of range.
    for child, parent in (("sued", "logistik"), ("holding", "sued")):
        response = post(
            editor,
            {"type": "group", "from_party": group[child].pk, "to_party": group[parent].pk,
             "share": "150"},
        )  # fmt: skip
        assert response.status_code == 400, response.content
        assert set(response.json()) == {"to_party", "share"}
    # An end before the start leaves no days to compare: only that fault is named.
    response = post(editor, {**data, "valid_from": "2024-05-01", "valid_to": "2024-04-30"})
    assert response.status_code == 400 and list(response.json()) == ["valid_to"]
    assert Relationship.objects.filter(type__key="supplier").count() == 1


def test_the_schema_documents_the_409s_of_links_the_stored_ones_refuse():
    paths = api_schema()["paths"]
    operations = [paths[URL]["post"], paths[URL + "{id}/"]["put"], paths[URL + "{id}/"]["patch"]]
    for operation in operations:
        response = operation["responses"]["409"]
        body = response["content"]["application/json"]["schema"]
        assert set(body["properties"]) == {"to_party", "valid_from", "non_field_errors"}
        assert body["additionalProperties"] is False and body["minProperties"] == 1
        assert "second parent" in response["description"]
    # A correction answers the whole relationship, as it does.
    for method in ("put", "patch"):
        ok = paths[URL + "{id}/"][method]["responses"]["200"]["content"]["application/json"]
        assert ok["schema"]["$ref"].endswith("/Relationship")


def test_it_refuses_a_share_on_a_type_without_shares(editor, org):
    response = post(
        editor,
        {"type": "supplier", "from_party": org("A").pk, "to_party": org("B").pk, "share": "10"},
    )
    assert_400(response, "share")


@pytest.mark.parametrize("share", ["0", "-1", "100.5", "999"])
def test_it_refuses_a_share_out_of_range(editor, org, share):
    response = post(
        editor,
        {"type": "group", "from_party": org("A").pk, "to_party": org("B").pk, "share": share},
    )
    assert_400(response, "share")


def test_it_refuses_a_share_that_is_not_a_number(editor, org):
    response = post(
        editor,
        {"type": "group", "from_party": org("A").pk, "to_party": org("B").pk, "share": "half"},
    )
    assert_400(response, "share")


def test_it_refuses_valid_to_before_valid_from(editor, org):
    response = post(
        editor,
        {
            "type": "supplier",
            "from_party": org("A").pk,
            "to_party": org("B").pk,
            "valid_from": "2024-05-01",
            "valid_to": "2024-04-01",
        },
    )
    assert_400(response, "valid_to", "01.04.2024", "01.05.2024")


def test_it_refuses_an_inactive_type(editor, org):
    do_deactivate_relationship_type(RelationshipType.objects.get(key="consultant"), actor=None)
    response = post(
        editor, {"type": "consultant", "from_party": org("A").pk, "to_party": org("B").pk}
    )
    assert_400(response, "type")


@pytest.mark.parametrize("value", ["31.12.2024", "2024-02-30", "yesterday", "2024-13-01"])
def test_it_refuses_a_malformed_date(editor, org, value):
    response = post(
        editor,
        {
            "type": "supplier",
            "from_party": org("A").pk,
            "to_party": org("B").pk,
            "valid_from": value,
        },
    )
    assert_400(response, "valid_from")


def test_it_refuses_an_unknown_type_key(editor, org):
    response = post(
        editor, {"type": "no-such-type", "from_party": org("A").pk, "to_party": org("B").pk}
    )
    assert_400(response, "type", "no-such-type")


@pytest.mark.parametrize("field", ["from_party", "to_party"])
def test_it_refuses_an_unknown_party_id(editor, org, field):
    data = {"type": "supplier", "from_party": org("A").pk, "to_party": org("B").pk}
    assert_400(post(editor, {**data, field: 999999}), field, "999999")
    assert_400(post(editor, {**data, field: "abc"}), field)
    assert_400(post(editor, {**data, field: 10**20}), field)


def test_it_refuses_a_missing_type_and_parties(editor):
    response = post(editor, {})
    for field in ("type", "from_party", "to_party"):
        assert_400(response, field)


def test_it_refuses_an_unknown_source(editor, org):
    response = post(
        editor,
        {"type": "supplier", "from_party": org("A").pk, "to_party": org("B").pk, "source": "fax"},
    )
    assert_400(response, "source")


def test_a_refused_request_writes_nothing(editor, org):
    a = org("A")
    count = AuditRecord.objects.count()
    post(editor, {"type": "supplier", "from_party": a.pk, "to_party": a.pk})
    assert not Relationship.objects.exists() and AuditRecord.objects.count() == count


# --- updating and ending ----------------------------------------------------------------------


def test_patch_corrects_dates_and_refuses_a_bad_date_order(editor, org):
    rel = do_create_relationship(
        actor=None, type="supplier", from_party=org("A"), to_party=org("B"), valid_from="2020-01-01"
    )
    response = editor.patch(
        f"{URL}{rel.pk}/", {"note": "Rahmenvertrag", "valid_from": "2019-01-01"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert (
        response.json()["valid_from"] == "2019-01-01" and response.json()["note"] == "Rahmenvertrag"
    )
    assert_400(
        editor.patch(f"{URL}{rel.pk}/", {"valid_to": "2018-01-01"}, format="json"), "valid_to"
    )
    assert_400(editor.patch(f"{URL}{rel.pk}/", {"share": "20"}, format="json"), "share")
    assert_400(
        editor.patch(f"{URL}{rel.pk}/", {"valid_to": "not-a-date"}, format="json"), "valid_to"
    )


def test_relationships_are_never_deleted_through_the_api(admin_api, org):
    rel = do_create_relationship(
        actor=None, type="supplier", from_party=org("A"), to_party=org("B")
    )
    assert admin_api.delete(f"{URL}{rel.pk}/").status_code == 405
    assert Relationship.objects.filter(pk=rel.pk).exists()


# --- relationship types -------------------------------------------------------------------------

NEW_TYPE = {
    "key": "franchise",
    "name_de": "Franchise",
    "name_en": "Franchise",
    "label_forward_de": "ist Franchisenehmer von",
    "label_forward_en": "is a franchisee of",
    "label_inverse_de": "ist Franchisegeber von",
    "label_inverse_en": "is the franchisor of",
}


def test_a_steward_creates_edits_and_deletes_a_type(api_for):
    steward = api_for("steward")
    response = post(steward, NEW_TYPE, TYPES_URL)
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["builtin"] is False
    assert (
        steward.patch(f"{TYPES_URL}{pk}/", {"colour": "#123456"}, format="json").json()["colour"]
        == "#123456"
    )
    assert steward.delete(f"{TYPES_URL}{pk}/").status_code == 204
    assert (
        AuditRecord.objects.filter(
            object_type="relationships.relationshiptype", object_id=str(pk)
        ).count()
        == 3
    )


def test_a_type_in_use_cannot_be_deleted_through_the_api(api_for, org):
    # The stored relationships refuse it, not the request: 409 (decision 0038), with the
    # action's message on ``type``.
    do_create_relationship(actor=None, type="supplier", from_party=org("A"), to_party=org("B"))
    supplier = RelationshipType.objects.get(key="supplier")
    response = api_for("steward").delete(f"{TYPES_URL}{supplier.pk}/")
    assert response.status_code == 409, response.content
    with pytest.raises(Conflict) as refused:
        do_delete_relationship_type(supplier, actor=None)
    assert response.json() == refused.value.message_dict
    assert RelationshipType.objects.filter(pk=supplier.pk).exists()


def test_an_unused_built_in_type_cannot_be_deleted_through_the_api(api_for):
    # The imports and the settlement look the built-in types up by key (deleting "settlement"
    # made the sync API and main addresses answer 500).
    settlement = RelationshipType.objects.get(key="settlement")
    assert not settlement.relationships.exists()
    response = api_for("admin").delete(f"{TYPES_URL}{settlement.pk}/")
    assert response.status_code == 400, response.content
    with pytest.raises(ValidationError) as refused:
        do_delete_relationship_type(settlement, actor=None)
    assert response.json() == refused.value.message_dict
    assert RelationshipType.objects.filter(key="settlement").exists()


def test_the_schema_documents_the_409_of_deleting_a_type_in_use():
    responses = api_schema()["paths"]["/api/v1/relationship-types/{id}/"]["delete"]["responses"]
    body = responses["409"]["content"]["application/json"]["schema"]
    assert body["required"] == ["type"]
    assert "in use" in responses["409"]["description"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("symmetric", True),
        ("structure", "hierarchy"),
        ("to_kind", "person"),
        ("carries_share", True),
    ],
)
def test_changing_the_shape_of_a_type_in_use_is_a_409_with_the_actions_message(
    api_for, org, field, value
):
    # The stored relationships refuse it, not the request (decision 0038, revision): the same
    # change succeeds once the type is unused.
    do_create_relationship(actor=None, type="supplier", from_party=org("A"), to_party=org("B"))
    supplier = RelationshipType.objects.get(key="supplier")
    response = api_for("steward").patch(f"{TYPES_URL}{supplier.pk}/", {field: value}, format="json")
    assert response.status_code == 409, response.content
    with pytest.raises(Conflict) as refused:
        do_update_relationship_type(supplier, actor=None, **{field: value})
    assert response.json() == refused.value.message_dict
    supplier.refresh_from_db()
    assert getattr(supplier, field) != value


def test_a_shape_change_beside_a_bad_field_is_a_400_naming_both(api_for, org):
    do_create_relationship(actor=None, type="supplier", from_party=org("A"), to_party=org("B"))
    supplier = RelationshipType.objects.get(key="supplier")
    response = api_for("steward").patch(
        f"{TYPES_URL}{supplier.pk}/", {"structure": "hierarchy", "colour": "blau"}, format="json"
    )
    assert response.status_code == 400, response.content
    assert set(response.json()) == {"structure", "colour"}


def test_the_schema_documents_the_409_of_changing_the_shape_of_a_type_in_use():
    operations = api_schema()["paths"]["/api/v1/relationship-types/{id}/"]
    for method in ("put", "patch"):
        response = operations[method]["responses"]["409"]
        body = response["content"]["application/json"]["schema"]
        assert set(body["properties"]) == {
            "symmetric", "structure", "from_kind", "to_kind", "carries_share", "non_field_errors",
        }  # fmt: skip
        assert body["additionalProperties"] is False and body["minProperties"] == 1
        assert "in use" in response["description"]


def test_bad_types_get_a_400_naming_the_field(api_for):
    steward = api_for("steward")
    assert post(steward, NEW_TYPE, TYPES_URL).status_code == 201
    assert_400(post(steward, NEW_TYPE, TYPES_URL), "key")
    assert_400(post(steward, {**NEW_TYPE, "key": "x y"}, TYPES_URL), "key")
    assert_400(post(steward, {**NEW_TYPE, "key": "z", "colour": "blue"}, TYPES_URL), "colour")
    assert_400(post(steward, {**NEW_TYPE, "key": "z", "structure": "tree"}, TYPES_URL), "structure")
    group = RelationshipType.objects.get(key="group")
    assert_400(steward.patch(f"{TYPES_URL}{group.pk}/", {"key": "konzern"}, format="json"), "key")
    assert_400(
        steward.patch(
            f"{TYPES_URL}{group.pk}/", {"builtin": False, "active": "maybe"}, format="json"
        ),
        "active",
    )


def test_the_builtin_flag_cannot_be_set_through_the_api(api_for):
    response = post(api_for("steward"), {**NEW_TYPE, "builtin": True}, TYPES_URL)
    assert response.status_code == 201 and response.json()["builtin"] is False


def test_types_filter_and_order(viewer_api):
    response = viewer_api.get(TYPES_URL, {"structure": "hierarchy"})
    assert {t["key"] for t in response.json()["results"]} == {"group", "chain", "settlement"}
    keys = [t["key"] for t in viewer_api.get(TYPES_URL).json()["results"]]
    assert keys[:3] == ["group", "sister", "chain"]  # by order, then key
    assert [t["key"] for t in viewer_api.get(TYPES_URL, {"search": "Kette"}).json()["results"]] == [
        "chain"
    ]


@pytest.fixture
def viewer_api(api_for):
    return api_for("viewer")


# --- reading: filters, search, ordering, paging ---------------------------------------------------


@pytest.fixture
def network(org, person):
    """A small, fixed picture: a group, a supplier link that ended, a contact."""
    holding, child, other, supplier = (
        org("Holding AG"),
        org("Tochter GmbH"),
        org("Andere KG"),
        org("Lieferant GmbH"),
    )
    erika = person()
    rels = {
        "group": do_create_relationship(
            actor=None,
            type="group",
            from_party=child,
            to_party=holding,
            share=100,
            valid_from="2019-01-01",
        ),
        "ended": do_create_relationship(
            actor=None,
            type="supplier",
            from_party=supplier,
            to_party=child,
            valid_from="2018-01-01",
            valid_to="2020-12-31",
            external_ref="V-17",
        ),
        "supplier": do_create_relationship(
            actor=None,
            type="supplier",
            from_party=supplier,
            to_party=other,
            valid_from="2022-01-01",
            note="Rahmenvertrag",
        ),
        "contact": do_create_relationship(
            actor=None,
            type="contact",
            from_party=erika,
            to_party=child,
            source="erp",
            external_ref="C-1",
        ),
        "sister": do_create_relationship(
            actor=None, type="sister", from_party=other, to_party=child
        ),
    }
    return {
        "holding": holding,
        "child": child,
        "other": other,
        "supplier": supplier,
        "erika": erika,
        **{f"rel_{k}": v for k, v in rels.items()},
    }


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_relationships_filter_by_type_party_side_date_source_and_reference(viewer_api, network):
    n = network
    assert ids(viewer_api.get(URL, {"type": "group"})) == {n["rel_group"].pk}
    assert ids(viewer_api.get(URL + "?type=group&type=contact")) == {
        n["rel_group"].pk,
        n["rel_contact"].pk,
    }
    assert ids(viewer_api.get(URL, {"party": n["child"].pk})) == {
        n["rel_group"].pk,
        n["rel_ended"].pk,
        n["rel_contact"].pk,
        n["rel_sister"].pk,
    }
    assert ids(viewer_api.get(URL, {"from_party": n["supplier"].pk})) == {
        n["rel_ended"].pk,
        n["rel_supplier"].pk,
    }
    # The symmetric sister link is stored with the smaller id first: child, then other.
    assert ids(viewer_api.get(URL, {"to_party": n["other"].pk})) == {
        n["rel_supplier"].pk,
        n["rel_sister"].pk,
    }
    assert ids(viewer_api.get(URL, {"valid_on": "2019-06-01"})) == {
        n["rel_group"].pk,
        n["rel_ended"].pk,
        n["rel_contact"].pk,
        n["rel_sister"].pk,
    }
    assert ids(viewer_api.get(URL, {"current": "false"})) == {n["rel_ended"].pk}
    assert ids(viewer_api.get(URL, {"source": "erp"})) == {n["rel_contact"].pk}
    assert ids(viewer_api.get(URL, {"external_ref": "V-17"})) == {n["rel_ended"].pk}


def test_relationships_search_reference_and_note(viewer_api, network):
    assert ids(viewer_api.get(URL, {"search": "rahmen"})) == {network["rel_supplier"].pk}
    assert ids(viewer_api.get(URL, {"search": "C-1"})) == {network["rel_contact"].pk}


def test_bad_filter_values_get_a_400_naming_the_filter(viewer_api, network):
    assert_400(viewer_api.get(URL, {"type": "no-such-type"}), "type")
    assert_400(viewer_api.get(URL, {"valid_on": "2020-13-01"}), "valid_on")
    assert_400(viewer_api.get(URL, {"party": "abc"}), "party")
    assert_400(viewer_api.get(URL, {"from_party": str(10**20)}), "from_party")
    assert_400(viewer_api.get(URL, {"to_party": "1.5"}), "to_party")
    assert_400(viewer_api.get(URL, {"source": "fax"}), "source")


def test_relationships_order_by_valid_from_both_ways(viewer_api, network):
    rows = viewer_api.get(URL, {"ordering": "valid_from", "type": "supplier"}).json()["results"]
    assert [r["valid_from"] for r in rows] == ["2018-01-01", "2022-01-01"]
    rows = viewer_api.get(URL, {"ordering": "-valid_from", "type": "supplier"}).json()["results"]
    assert [r["valid_from"] for r in rows] == ["2022-01-01", "2018-01-01"]


def test_cursor_paging_walks_every_row_once(viewer_api, org):
    hub = org("Zentrale")
    made = {
        do_create_relationship(
            actor=None, type="supplier", from_party=org(f"L{i}"), to_party=hub
        ).pk
        for i in range(7)
    }
    seen: list[int] = []
    url: str | None = f"{URL}?page_size=3&ordering=-id"
    pages = 0
    while url:
        body = viewer_api.get(url).json()
        assert "count" not in body  # cursor paging never counts
        seen += [r["id"] for r in body["results"]]
        url = body["next"]
        pages += 1
    assert pages == 3 and seen == sorted(made, reverse=True)


# --- a party's relationships, seen from that party ---------------------------------------------


def party_rels(client, party, **params):
    response = client.get(f"/api/v1/parties/{party.pk}/relationships/", params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_a_partys_relationships_come_from_both_directions_labelled_from_its_side(
    viewer_api, network
):
    n = network
    rows = {r["id"]: r for r in party_rels(viewer_api, n["child"])}
    assert set(rows) == {
        n["rel_group"].pk,
        n["rel_ended"].pk,
        n["rel_contact"].pk,
        n["rel_sister"].pk,
    }
    group = rows[n["rel_group"].pk]
    assert group["label"] == "ist Tochtergesellschaft von" and group["direction"] == "forward"
    assert (group["other_party_id"], group["other_party_number"], group["other_party_name"]) == (
        n["holding"].pk,
        n["holding"].number,
        "Holding AG",
    )
    assert group["share"] == "100.0000"
    ended = rows[n["rel_ended"].pk]
    assert (
        ended["label"] == "ist Kunde von"
        and ended["direction"] == "inverse"
        and ended["other_party_id"] == n["supplier"].pk
    )
    assert ended["is_current"] is False and ended["valid_to"] == "2020-12-31"
    contact = rows[n["rel_contact"].pk]
    assert (
        contact["label"] == "hat Ansprechpartner"
        and contact["other_party_name"] == "Erika Mustermann"
    )
    sister = rows[n["rel_sister"].pk]
    assert sister["direction"] == "symmetric" and sister["label"] == "ist Schwestergesellschaft von"
    # From the other side the same rows read the other way.
    (from_holding,) = party_rels(viewer_api, n["holding"])
    assert (
        from_holding["label"] == "ist Muttergesellschaft von"
        and from_holding["other_party_id"] == n["child"].pk
    )
    (from_other_sister,) = party_rels(viewer_api, n["other"], type="sister")
    assert (
        from_other_sister["other_party_id"] == n["child"].pk
        and from_other_sister["direction"] == "symmetric"
    )


def test_a_partys_relationships_speak_english_when_asked(viewer_api, network):
    response = viewer_api.get(
        f"/api/v1/parties/{network['holding'].pk}/relationships/", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.json()["results"][0]["label"] == "is the parent company of"


def test_a_partys_relationships_filter_and_page(viewer_api, network, org):
    n = network
    assert [r["id"] for r in party_rels(viewer_api, n["child"], type="group")] == [
        n["rel_group"].pk
    ]
    assert {r["id"] for r in party_rels(viewer_api, n["child"], current="true")} == {
        n["rel_group"].pk,
        n["rel_contact"].pk,
        n["rel_sister"].pk,
    }
    assert {r["id"] for r in party_rels(viewer_api, n["child"], valid_on="2018-06-01")} == {
        n["rel_ended"].pk,
        n["rel_contact"].pk,
        n["rel_sister"].pk,
    }
    # The party list's ordering parameter does not break the sub-list.
    assert len(party_rels(viewer_api, n["child"], ordering="name")) == 4
    first = viewer_api.get(
        f"/api/v1/parties/{n['child'].pk}/relationships/", {"page_size": 3}
    ).json()
    second = viewer_api.get(first["next"]).json()
    assert len(first["results"]) == 3 and len(second["results"]) == 1 and second["next"] is None
    assert_400(
        viewer_api.get(f"/api/v1/parties/{n['child'].pk}/relationships/", {"valid_on": "gestern"}),
        "valid_on",
    )
    assert viewer_api.get("/api/v1/parties/999999/relationships/").status_code == 404


# --- query counts: no N+1 on list endpoints ------------------------------------------------------


def count_queries(client, url: str) -> int:
    client.get(url)  # warm the user's permission cache, as on any later request of a session
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


def make_links(org, person, hub, n: int) -> None:
    for i in range(n):
        do_create_relationship(
            actor=None, type="supplier", from_party=org(f"Lieferant {i}"), to_party=hub, share=None
        )
        do_create_relationship(
            actor=None, type="contact", from_party=person(last_name=f"P{i}"), to_party=hub
        )


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # One query for the page, types joined in.
        (URL, 1),
        # Plus one to look up the type keys given.
        (f"{URL}?type=supplier&current=true&ordering=-valid_from", 2),
        (TYPES_URL, 1),
        # The party, then the page with types and both parties joined.
        ("/api/v1/parties/{hub}/relationships/", 2),
    ],
)
def test_list_endpoints_use_a_fixed_number_of_queries(
    viewer_api, org, person, url, queries, django_assert_num_queries
):
    hub = org("Zentrale")
    url = url.format(hub=hub.pk)
    make_links(org, person, hub, 2)
    assert count_queries(viewer_api, url) == queries
    make_links(org, person, hub, 10)
    with django_assert_num_queries(queries):
        assert viewer_api.get(url).status_code == 200


def test_a_partys_open_ended_links_come_with_null_dates_as_the_schema_says(editor, org):
    import yaml

    a, b = org("Offen A GmbH"), org("Offen B GmbH")
    do_create_relationship(actor=None, type="supplier", from_party=a, to_party=b)
    row = editor.get(f"/api/v1/parties/{a.pk}/relationships/").json()["results"][0]
    assert row["valid_from"] is None and row["valid_to"] is None
    spec = yaml.safe_load(editor.get("/api/schema/").content)
    fields = spec["components"]["schemas"]["SeenRelationship"]["properties"]
    assert fields["valid_from"].get("nullable") is True
    assert fields["valid_to"].get("nullable") is True
