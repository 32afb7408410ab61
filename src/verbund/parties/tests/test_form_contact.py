"""The party form for daily work: a new contact at a company starts with the company's address
and says whose contact it is; saving says so; the form shows a person's or a company's fields."""

import pytest

from verbund.parties.models import Party

pytestmark = pytest.mark.django_db


def test_a_new_contact_starts_with_the_companys_address_and_names_the_company(org, client_for):
    company = org("Aeon Holding GmbH", street="Hafenstraße 3", postcode="20457", city="Hamburg")
    c = client_for("editor")
    page = c.get(
        "/parties/new/", {"kind": "person", "organisation": company.pk}, HTTP_ACCEPT_LANGUAGE="de"
    ).content.decode()
    assert "Neuer Ansprechpartner bei Aeon Holding GmbH" in page
    assert 'value="Hafenstraße 3"' in page and 'value="20457"' in page and 'value="Hamburg"' in page
    # The company's own form starts empty.
    assert 'value="Hamburg"' not in c.get("/parties/new/").content.decode()


def test_saving_a_party_says_so(org, client_for):
    c = client_for("editor")
    answer = c.post(
        "/parties/new/",
        {"kind": "organisation", "name": "Neu Handel GmbH", "country": "DE", "status": "customer",
         "confirm_duplicate": "1"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="de",
    )  # fmt: skip
    assert "Neu Handel GmbH angelegt." in answer.content.decode()
    party = Party.objects.get(name="Neu Handel GmbH")
    edited = c.post(
        f"/parties/{party.pk}/edit/",
        {"kind": "organisation", "name": "Neu Handel GmbH", "country": "DE", "status": "customer",
         "phone": "0221 1"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="de",
    )  # fmt: skip
    assert "Änderungen gespeichert." in edited.content.decode()


def test_the_form_marks_a_persons_and_a_companys_own_fields(client_for):
    page = client_for("editor").get("/parties/new/").content.decode()
    assert "data-kind-form" in page
    assert '<fieldset data-kind-only="person">' in page
    assert page.count('data-kind-only="organisation"') == 2  # legal form, LEI
