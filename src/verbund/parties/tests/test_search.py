"""The party search tolerates typos and ä/oe spellings: one definition (``text_search``) for the
list and the API, a ranked one for the start page, with a count and further pages."""

import pytest
from django.urls import reverse

from verbund.parties.selectors import ranked_search, search_parties

pytestmark = pytest.mark.django_db


@pytest.fixture
def taunus(org):
    target = org("Taunus Software Köln GmbH & Co. KG", city="Köln", postcode="50667")
    org("Taunus Spielwaren GmbH", city="Wiesbaden")
    org("Rhein Software Köln GmbH", city="Köln")
    return target


def test_the_party_api_finds_a_name_with_a_typo_in_every_word(admin_api, taunus):
    response = admin_api.get("/api/v1/parties/", {"q": "Tanus Sofware Koeln"})
    assert response.status_code == 200
    names = [row["name"] for row in response.json()["results"]]
    assert "Taunus Software Köln GmbH & Co. KG" in names


def test_the_party_list_page_finds_a_name_with_a_typo_in_every_word(client_for, taunus):
    body = client_for("viewer").get(reverse("party-list"), {"q": "Tanus Sofware Koeln"})
    assert "Taunus Software Köln GmbH &amp; Co. KG" in body.content.decode()


def test_the_live_search_ranks_the_misspelt_name_first(taunus):
    assert search_parties("Tanus Sofware Koeln")[0] == taunus


def test_the_ranked_search_counts_its_hits_and_pages_them(org):
    for i in range(25):
        org(f"Taunus Software {i:02d} GmbH")
    ranked = ranked_search("Taunus Software")
    assert len(ranked) == 25
    assert len(ranked.page(0, 20)) == 20
    assert len(ranked.page(20, 40)) == 5


def test_the_search_page_shows_the_count_and_a_link_to_more(client_for, org):
    for i in range(25):
        org(f"Taunus Software {i:02d} GmbH")
    c = client_for("viewer")
    first = c.get(reverse("search-results"), {"q": "Taunus Software"}).content.decode()
    assert "1\u201320 von 25 Treffern" in first
    assert "page=2" in first
    second = c.get(reverse("home"), {"q": "Taunus Software", "page": "2"}).content.decode()
    assert "21\u201325 von 25 Treffern" in second
