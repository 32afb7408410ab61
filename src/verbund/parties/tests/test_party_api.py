"""REST API for parties: writes through the actions, bad input as 400s naming the field,
filters, search, ordering, cursor paging and a pinned query count."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from verbund.core.models import AuditRecord
from verbund.core.testing import assert_409_as_the_action_refuses
from verbund.core.tests.openapi import api_schema
from verbund.parties.actions import do_archive_party, do_create_party, do_update_party
from verbund.parties.models import Party

pytestmark = pytest.mark.django_db

URL = "/api/v1/parties/"
# A real LEI with valid check digits (ISO 17442).
GOOD_LEI = "529900T8BM49AURSDO55"


@pytest.fixture
def editor(api_for):
    return api_for("editor")


@pytest.fixture
def viewer(api_for):
    return api_for("viewer")


def post(client, data: dict[str, Any]):
    return client.post(URL, data, format="json")


def assert_400(response, field: str, *words: str) -> None:
    assert response.status_code == 400, (response.status_code, response.content)
    body = response.json()
    assert field in body, body
    message = " ".join(str(m) for m in body[field])
    for word in words:
        assert word in message, message


def test_an_editor_creates_an_organisation_with_a_generated_number(editor):
    response = post(
        editor,
        {
            "name": "Müller Holding AG",
            "city": "Köln",
            "country": "de",
            "lei": GOOD_LEI,
            "tag_names": ["A-Kunde"],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"] and body["kind"] == "organisation" and body["country"] == "DE"
    assert body["tags"] == ["A-Kunde"]
    party = Party.objects.get(pk=body["id"])
    record = AuditRecord.objects.get(action="party.create", party_id=party.pk)
    assert (
        record.actor is not None
        and record.actor.username == "api-editor"
        and record.after["name"] == "Müller Holding AG"
    )


def test_numbers_are_unique_and_a_given_number_is_kept(editor):
    first = post(editor, {"name": "A", "number": "K-1"}).json()
    assert first["number"] == "K-1"
    generated = {post(editor, {"name": f"N{i}"}).json()["number"] for i in range(3)}
    assert len(generated) == 3


def test_a_number_another_party_holds_is_a_409_on_create_and_update(editor, org):
    org("A", number="K-1")
    b = org("B", number="K-2")
    assert_409_as_the_action_refuses(
        post(editor, {"name": "C", "number": "K-1"}),
        lambda: do_create_party(actor=None, name="C", number="K-1"),
    )
    assert_409_as_the_action_refuses(
        editor.patch(f"{URL}{b.pk}/", {"number": "K-1"}, format="json"),
        lambda: do_update_party(b, actor=None, number="K-1"),
    )
    assert Party.objects.get(pk=b.pk).number == "K-2" and Party.objects.count() == 2
    # Beside a fault of the request itself it is bad input: a 400 naming both fields.
    response = post(editor, {"name": "C", "number": "K-1", "country": "QQ"})
    assert response.status_code == 400, response.content
    assert set(response.json()) == {"number", "country"}


def test_an_erp_key_another_party_holds_is_a_409_on_create_and_update(editor, org):
    org("A", erp_source="sap", erp_id="4711")
    b = org("B")
    key = {"erp_source": "sap", "erp_id": "4711"}
    assert_409_as_the_action_refuses(
        post(editor, {"name": "C", **key}), lambda: do_create_party(actor=None, name="C", **key)
    )
    assert_409_as_the_action_refuses(
        editor.patch(f"{URL}{b.pk}/", key, format="json"),
        lambda: do_update_party(b, actor=None, **key),
    )
    assert Party.objects.get(pk=b.pk).erp_id is None


def test_the_schema_documents_the_409s_of_a_taken_number_or_erp_key():
    paths = api_schema()["paths"]
    operations = [paths[URL]["post"], paths[URL + "{id}/"]["put"], paths[URL + "{id}/"]["patch"]]
    for operation in operations:
        response = operation["responses"]["409"]
        body = response["content"]["application/json"]["schema"]
        taken = body["oneOf"][0] if "oneOf" in body else body
        assert set(taken["properties"]) == {"number", "erp_id", "non_field_errors"}
        assert "`number` or `erp_id`" in response["description"]
    # Creating a party may meet similar ones too: their 409 lists the candidates.
    assert paths[URL]["post"]["responses"]["409"]["content"]["application/json"]["schema"]["oneOf"][
        1
    ]["required"] == ["detail", "candidates"]


def test_a_person_gets_a_name_from_first_and_last_name_and_belongs_to_an_organisation(editor, org):
    company = org("Muster GmbH")
    response = post(
        editor,
        {
            "kind": "person",
            "salutation": "Frau",
            "title": "Dr.",
            "first_name": "Erika",
            "last_name": "Mustermann",
            "position": "Einkauf",
            "organisation": company.pk,
        },
    )
    assert response.status_code == 201, response.content
    assert (
        response.json()["name"] == "Erika Mustermann"
        and response.json()["organisation"] == company.pk
    )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "X", "country": "XX"}, "country"),
        ({"name": "X", "country": "Deutschland"}, "country"),
        ({"name": "X", "lei": "529900T8BM49AURSDO56"}, "lei"),  # wrong check digits
        ({"name": "X", "lei": "TOO-SHORT"}, "lei"),
        ({"name": "X", "vat_id": "123"}, "vat_id"),
        ({"name": "X", "email": "not-an-address"}, "email"),
        ({"name": "X", "kind": "robot"}, "kind"),
        ({"name": "X", "status": "vip"}, "status"),
        ({"name": ""}, "name"),
        ({"kind": "person", "first_name": "Erika"}, "last_name"),
        ({"kind": "person", "last_name": "M", "birth_date": "31.02.1970"}, "birth_date"),
        ({"name": "X", "organisation": 999999}, "organisation"),
        ({"name": "X", "responsible": 999999}, "responsible"),
        ({"name": "X", "erp_source": "SAP"}, "erp_id"),
        ({"name": "X" * 201}, "name"),
        # A NUL in the ERP key: PostgreSQL cannot store it (it was a 500; SQLite stored it).
        ({"name": "X", "erp_source": "S\x00AP", "erp_id": "1"}, "erp_source"),
        ({"name": "X", "erp_source": "SAP", "erp_id": "47\x0011"}, "erp_id"),
    ],
)
def test_bad_party_input_gets_a_400_naming_the_field(editor, data, field):
    count = Party.objects.count()
    assert_400(post(editor, data), field)
    assert Party.objects.count() == count


def test_a_persons_organisation_must_be_an_organisation(editor, person):
    erika = person()
    assert_400(
        post(editor, {"kind": "person", "last_name": "M", "organisation": erika.pk}), "organisation"
    )
    assert_400(post(editor, {"name": "Firma", "organisation": erika.pk}), "organisation")


def test_empty_erp_keys_do_not_clash(editor):
    for name in ("A", "B"):
        assert post(editor, {"name": name, "erp_source": "", "erp_id": ""}).status_code == 201
    assert Party.objects.filter(erp_source__isnull=True).count() == 2


def test_patch_changes_fields_and_audits_before_and_after(editor, org):
    party = org("Alpha GmbH")
    response = editor.patch(
        f"{URL}{party.pk}/", {"city": "Bonn", "tag_names": ["Messe"]}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["city"] == "Bonn" and response.json()["tags"] == ["Messe"]
    record = AuditRecord.objects.get(action="party.update", party_id=party.pk)
    assert record.before["city"] == "Köln" and record.after["city"] == "Bonn"
    assert record.before["tags"] == [] and record.after["tags"] == ["Messe"]
    assert_400(editor.patch(f"{URL}{party.pk}/", {"country": "ZZ"}, format="json"), "country")
    assert_400(editor.patch(f"{URL}{party.pk}/", {"lei": "X"}, format="json"), "lei")


def test_archiving_and_restoring_through_the_api(editor, org):
    party = org()
    response = editor.post(f"{URL}{party.pk}/archive/", {"note": "insolvent"}, format="json")
    assert response.status_code == 200 and response.json()["archived"] is True
    assert (
        editor.post(f"{URL}{party.pk}/archive/", {"archived": False}, format="json").json()[
            "archived"
        ]
        is False
    )
    actions = list(
        AuditRecord.objects.filter(party_id=party.pk)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions[-2:] == ["party.archive", "party.restore"]


def test_parties_are_never_deleted_through_the_api(api_for, org):
    party = org()
    assert api_for("admin").delete(f"{URL}{party.pk}/").status_code == 405
    assert Party.objects.filter(pk=party.pk).exists()


def test_an_unknown_party_is_a_404(viewer):
    assert viewer.get(f"{URL}999999/").status_code == 404


# --- reading -----------------------------------------------------------------------------------


@pytest.fixture
def parties(org, person):
    made = {
        "koeln": org(
            "Müller Holding AG",
            city="Köln",
            postcode="50667",
            status="customer",
            tags=["A-Kunde"],
            vat_id="DE123456789",
        ),
        "bonn": org(
            "Schmidt Bau GmbH",
            city="Bonn",
            postcode="53111",
            status="prospect",
            erp_source="SAP",
            erp_id="10001",
        ),
        "wien": org(
            "Wiener Handel GmbH",
            city="Wien",
            postcode="1010",
            country="AT",
            status="supplier",
            lei=GOOD_LEI,
        ),
        "gone": org("Alte Firma KG", city="Köln", postcode="50668", status="former_customer"),
    }
    made["erika"] = person(organisation=made["koeln"])
    do_archive_party(made["gone"], actor=None)
    return made


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_parties_filter_by_the_shared_filterset(viewer, parties):
    p = parties
    assert ids(viewer.get(URL, {"city": "köln"})) == {p["koeln"].pk, p["gone"].pk}
    assert ids(viewer.get(URL, {"postcode": "506"})) == {p["koeln"].pk, p["gone"].pk}
    assert ids(viewer.get(URL, {"kind": "person"})) == {p["erika"].pk}
    assert ids(viewer.get(URL + "?status=customer&status=prospect")) == {
        p["koeln"].pk,
        p["bonn"].pk,
        p["erika"].pk,
    }
    assert ids(viewer.get(URL, {"country": "at"})) == {p["wien"].pk}
    assert ids(viewer.get(URL, {"archived": "true"})) == {p["gone"].pk}
    assert ids(viewer.get(URL, {"tag": "A-Kunde"})) == {p["koeln"].pk}
    assert ids(viewer.get(URL, {"erp_source": "SAP", "erp_id": "10001"})) == {p["bonn"].pk}
    assert ids(viewer.get(URL, {"organisation": p["koeln"].pk})) == {p["erika"].pk}
    assert ids(viewer.get(URL, {"lei": GOOD_LEI})) == {p["wien"].pk}
    assert ids(viewer.get(URL, {"vat_id": "DE123456789"})) == {p["koeln"].pk}


def test_parties_search_ignores_case_and_umlauts(viewer, parties):
    assert ids(viewer.get(URL, {"q": "mueller holding"})) == {parties["koeln"].pk}
    assert ids(viewer.get(URL, {"search": "schmidt"})) == {parties["bonn"].pk}
    assert ids(viewer.get(URL, {"search": parties["wien"].number})) == {parties["wien"].pk}
    # search= holds every word in the folded search text (decision 0045): umlauts as ae/oe/ue,
    # the postcode too; no sound-alike as with q ("muller" is no part of "mueller").
    assert ids(viewer.get(URL, {"search": "MÜLLER 506"})) == {parties["koeln"].pk}
    assert ids(viewer.get(URL, {"search": "mueller koeln"})) == {parties["koeln"].pk}
    assert ids(viewer.get(URL, {"search": "muller"})) == set()


def test_q_finds_a_party_by_the_sound_of_its_name_in_the_api_and_the_list(
    viewer, parties, client_for
):
    # "muller" is no part of the folded "mueller", but sounds alike (Kölner Phonetik): the one
    # party search (parties.selectors.text_search) serves the API, the list and the tree search.
    assert ids(viewer.get(URL, {"q": "Muller"})) == {parties["koeln"].pk}
    page = client_for("viewer").get("/parties/", {"q": "Muller"}).content.decode()
    assert "Müller Holding AG" in page and "Schmidt Bau GmbH" not in page


def test_bad_party_filters_get_a_400(viewer, parties):
    assert_400(viewer.get(URL, {"kind": "robot"}), "kind")
    assert_400(viewer.get(URL, {"status": "vip"}), "status")
    assert_400(viewer.get(URL, {"organisation": "abc"}), "organisation")
    assert_400(viewer.get(URL, {"organisation": str(10**20)}), "organisation")
    assert_400(viewer.get(URL, {"relationship_type": "no-such-type"}), "relationship_type")


def test_parties_order_by_name_and_city(viewer, parties):
    names = [
        r["name"]
        for r in viewer.get(URL, {"ordering": "name", "kind": "organisation"}).json()["results"]
    ]
    assert names == sorted(names)
    cities = [
        r["city"]
        for r in viewer.get(URL, {"ordering": "-city", "kind": "organisation"}).json()["results"]
    ]
    assert cities == ["Wien", "Köln", "Köln", "Bonn"]


def test_parties_page_by_cursor_in_any_order(viewer, org):
    for i in range(7):
        org(f"Firma {i % 3}")  # repeated names: the id tie-breaker keeps pages stable
    Party.objects.update(updated_at=Party.objects.first().updated_at)  # one bulk write's ties
    for ordering in ("name", "-name", "id", "-updated_at", "updated_at"):
        seen: list[int] = []
        url: str | None = f"{URL}?page_size=2&ordering={ordering}"
        while url:
            body = viewer.get(url).json()
            seen += [r["id"] for r in body["results"]]
            url = body["next"]
        assert sorted(seen) == sorted(Party.objects.values_list("id", flat=True)), ordering
        assert len(seen) == len(set(seen)) == 7


def test_the_party_list_uses_a_fixed_number_of_queries(viewer, org, django_assert_num_queries):
    def make(n: int) -> None:
        for i in range(n):
            org(f"Firma {i}", tags=["A", "B"])

    make(2)
    viewer.get(URL)  # warm the permission cache
    with CaptureQueriesContext(connection) as ctx:
        viewer.get(URL)
    # The page, and one query for all tags on it.
    assert len(ctx.captured_queries) == 2
    make(20)
    with django_assert_num_queries(2):
        assert len(viewer.get(URL).json()["results"]) == 22


def test_parties_filter_by_relationship_type_and_group(viewer, org):
    from verbund.relationships.actions import do_create_relationship

    holding, child, grandchild, alone = (
        org("Holding AG"),
        org("Tochter GmbH"),
        org("Enkel GmbH"),
        org("Solo KG"),
    )
    do_create_relationship(actor=None, type="group", from_party=child, to_party=holding)
    do_create_relationship(actor=None, type="group", from_party=grandchild, to_party=child)
    do_create_relationship(actor=None, type="supplier", from_party=alone, to_party=holding)
    assert ids(viewer.get(URL, {"relationship_type": "supplier"})) == {alone.pk, holding.pk}
    assert ids(viewer.get(URL, {"group": grandchild.pk})) == {holding.pk, child.pk, grandchild.pk}
    assert ids(viewer.get(URL, {"group": alone.pk})) == {alone.pk}


def test_merged_records_can_be_left_out(viewer, org):
    survivor, duplicate = org("Survivor GmbH"), org("Dublette GmbH")
    # Merging belongs to the quality app; here only the redirect is set.
    Party.objects.filter(pk=duplicate.pk).update(merged_into=survivor)
    assert ids(viewer.get(URL, {"merged": "false"})) == {survivor.pk}
    assert ids(viewer.get(URL, {"merged": "true"})) == {duplicate.pk}
    assert viewer.get(f"{URL}{duplicate.pk}/").json()["merged_into"] == survivor.pk


@pytest.mark.django_db
def test_creating_a_likely_duplicate_answers_409_with_candidates_until_confirmed(admin_api, org):
    existing = org(
        "Müller Maschinenbau GmbH", street="Hauptstraße 5", postcode="50667", city="Köln"
    )
    body = {
        "name": "Mueller Maschinenbau GmbH",
        "street": "Hauptstr. 5",
        "postcode": "50667",
        "city": "Köln",
    }
    refused = admin_api.post("/api/v1/parties/", body, format="json")
    assert refused.status_code == 409
    assert existing.pk in [c["id"] for c in refused.json()["candidates"]]
    confirmed = admin_api.post("/api/v1/parties/?confirm=1", body, format="json")
    assert confirmed.status_code == 201


def test_a_descending_order_breaks_ties_by_descending_id(viewer, org):
    for i in range(4):
        org(f"Firma {i}")
    Party.objects.update(updated_at=Party.objects.first().updated_at)
    ids = [r["id"] for r in viewer.get(URL, {"ordering": "-updated_at"}).json()["results"]]
    # The same direction on both keys: an index on (updated_at, id) reads it backwards.
    assert ids == sorted(ids, reverse=True)


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_the_newest_changes_are_read_from_an_index_without_a_sort(org):
    org("Firma")
    with connection.cursor() as cur:
        # A tiny table: ask whether an index can give the order, not what is cheapest here.
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            cur.execute(f"SET LOCAL {setting} = off")
        plan = Party.objects.order_by("-updated_at", "-id").values("id")[:51].explain()
    assert "party_updated_at_id" in plan and "Sort" not in plan
