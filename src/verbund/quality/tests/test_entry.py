import pytest

from verbund.quality.actions import do_mark_not_duplicate
from verbund.quality.entry import DuplicatesFound, check_duplicates_or_raise, find_similar
from verbund.relationships.actions import do_create_relationship


def test_it_finds_a_party_spelled_with_umlauts_and_another_legal_form(org):
    target = org("Müller Bau GmbH", street="Hauptstraße 5")
    org("Schulz Optik KG", street="Ring 3")
    found = find_similar(
        {
            "kind": "organisation",
            "name": "Mueller Bau Gesellschaft mit beschränkter Haftung",
            "postcode": "50667",
            "city": "Köln",
        }
    )
    assert [s.party["id"] for s in found] == [target.pk]
    assert found[0].result.evidence


def test_it_finds_a_party_by_vat_id_in_another_city(org):
    target = org("Alpha Handel GmbH", vat_id="DE123456789")
    found = find_similar(
        {
            "kind": "organisation",
            "name": "Alpha Handelsgesellschaft",
            "city": "Bonn",
            "postcode": "53111",
            "vat_id": "de 123456789",
        }
    )
    assert found and found[0].party["id"] == target.pk


def test_it_finds_persons_by_e_mail(person):
    target = person("Jürgen", "Weiß", email="j.weiss@firma.de")
    found = find_similar(
        {
            "kind": "person",
            "first_name": "Juergen",
            "last_name": "Weiss",
            "email": "j.weiss@firma.de",
        }
    )
    assert [s.party["id"] for s in found] == [target.pk]


def test_merged_parties_and_rejected_pairs_are_not_proposed(org):
    a = org("Müller Bau GmbH")
    b = org("Mueller Bau GmbH")
    do_mark_not_duplicate(a, b, actor=None)
    assert [
        s.party["id"]
        for s in find_similar(
            {"kind": "organisation", "name": "Müller Bau GmbH", "postcode": "50667"},
            exclude_id=a.pk,
        )
    ] == []


def test_a_branch_of_the_same_chain_at_another_address_is_not_proposed(org):
    head = org("Bäckerei Schmidt GmbH", street="Markt 1")
    branch = org("Bäckerei Schmidt GmbH", street="Ring 9")
    do_create_relationship(actor=None, type="chain", from_party=branch, to_party=head)
    found = find_similar(
        {
            "kind": "organisation",
            "name": "Bäckerei Schmidt GmbH",
            "street": "Markt 1",
            "postcode": "50667",
        },
        exclude_id=head.pk,
    )
    assert found == []


def test_the_check_raises_409_with_the_candidates_unless_confirmed(org):
    org("Müller Bau GmbH", street="Hauptstraße 5")
    data = {
        "kind": "organisation",
        "name": "Müller Bau GmbH",
        "street": "Hauptstr. 5",
        "postcode": "50667",
    }
    with pytest.raises(DuplicatesFound) as exc:
        check_duplicates_or_raise(data)
    assert exc.value.status_code == 409
    assert exc.value.detail["candidates"][0]["name"] == "Müller Bau GmbH"
    check_duplicates_or_raise(data, confirmed=True)


def test_nothing_similar_passes(org):
    org("Müller Bau GmbH")
    check_duplicates_or_raise(
        {"kind": "organisation", "name": "Zeta Software AG", "postcode": "10115"}
    )


def test_callers_confirm_with_a_query_parameter_or_a_body_field():
    from rest_framework.parsers import JSONParser
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from verbund.quality.entry import is_confirmed

    factory = APIRequestFactory()

    def req(url: str, body: dict) -> Request:
        return Request(factory.post(url, body, format="json"), parsers=[JSONParser()])

    assert is_confirmed(req("/api/v1/parties/?confirm=1", {}))
    assert is_confirmed(req("/api/v1/parties/", {"confirm_duplicate": True}))
    assert not is_confirmed(req("/api/v1/parties/", {"name": "x"}))


def test_the_check_accepts_serializer_data_with_an_organisation_object(org, person):
    company = org("Müller Bau GmbH")
    person("Erika", "Muster", organisation=company, email="e.muster@mueller-bau.de")
    with pytest.raises(DuplicatesFound):
        check_duplicates_or_raise(
            {
                "kind": "person",
                "first_name": "Erika",
                "last_name": "Muster",
                "organisation": company,
            }
        )
