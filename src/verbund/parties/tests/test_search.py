"""The party search tolerates typos and ä/oe spellings: one definition (``text_search``) for the
list and the API, a ranked one for the start page, with a count and further pages."""

import re

import pytest
from django.urls import reverse

from verbund.core.paging import keyset_page
from verbund.parties.models import Party
from verbund.parties.selectors import ranked_search, search_parties, text_search

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


def found(query: str) -> set[str]:
    return {p.name for p in text_search(Party.objects.all(), query)}


@pytest.fixture
def short_words(org):
    org("Müller AG")
    org("Agrar Nord GmbH")
    org("Wagner GmbH")
    org("Müller Wagner GmbH")
    org("Saar Handel GmbH", city="Saarbrücken", postcode="66111")


def test_a_word_under_three_letters_begins_a_word_and_a_longer_one_may_sit_inside(short_words):
    # Decision 0045: the same rows on both databases, whichever form the condition takes.
    assert found("ag") == {"Müller AG", "Agrar Nord GmbH"}
    assert found("agn") == {"Wagner GmbH", "Müller Wagner GmbH"}
    assert found("Mueller AG") == {"Müller AG"}  # beside a longer word
    assert found("66") == {"Saar Handel GmbH"}  # not the postcode 50667 of the others
    # Three words, one may miss: Müller, AG, Köln; AG and Köln; Müller and Köln.
    assert found("Müller AG Köln") == {"Müller AG", "Agrar Nord GmbH", "Müller Wagner GmbH"}


def test_the_party_list_sorts_a_searchs_counted_matches_and_pages_on(client_for, org, monkeypatch):
    from verbund.parties import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for name in ("Firma Delta", "Firma Alpha", "Firma Echo", "Firma Charlie", "Firma Bravo"):
        org(name)
    c = client_for("viewer")

    def names(body: str) -> list[str]:
        return re.findall(r"Firma \w+", body)

    first = c.get(reverse("party-list"), {"q": "firma", "sort": "-name"}).content.decode()
    assert names(first)[:2] == ["Firma Echo", "Firma Delta"] and "2 von 5" in first
    after = re.search(r"after=([\w-]+)", first)
    assert after
    second = c.get(
        reverse("party-list"), {"q": "firma", "sort": "-name", "after": after[1], "seen": "2"}
    ).content.decode()
    assert names(second)[:2] == ["Firma Charlie", "Firma Bravo"] and "3\u20134 von 5" in second


def test_a_few_rows_page_as_the_sort_index_pages_them(org):
    for name in ("Beta", "Alpha", "Beta", "Gamma", "Alpha"):
        org(name)
    qs = Party.objects.all()
    for sort in ("name", "-name", "city", "-id"):
        cursor, paged = "", []
        while True:
            page = keyset_page(qs, sort, cursor, 2, few=True)
            paged.extend(p.pk for p in page.rows)
            if not page.next_cursor:
                break
            cursor = page.next_cursor
        by_index = [p.pk for p in qs.order_by(sort, "-id" if sort.startswith("-") else "id")]
        assert paged == by_index, sort


def test_a_walk_past_its_time_budget_reads_the_same_page_sorted(org, monkeypatch):
    from contextlib import contextmanager

    from django.db import OperationalError

    from verbund.core import paging

    @contextmanager
    def spent(seconds):
        raise OperationalError("canceling statement due to statement timeout")
        yield  # pragma: no cover

    for name in ("Beta", "Alpha", "Beta", "Gamma", "Alpha"):
        org(name)
    qs = Party.objects.all()
    walked = keyset_page(qs, "name", "", 3, walk_budget=0.1)
    monkeypatch.setattr(paging, "time_budget", spent)
    sorted_after = keyset_page(qs, "name", "", 3, walk_budget=0.1)
    assert [p.pk for p in sorted_after.rows] == [p.pk for p in walked.rows]
    assert sorted_after.next_cursor == walked.next_cursor


def test_a_query_of_two_letters_finds_no_name_by_its_sound_alone(org):
    # "xq" sounds "84", the beginning of "Sigma Handel"'s "846 0625": no reason to show it.
    org("Sigma Handel")
    assert not text_search(Party.objects.all(), "xq").exists()
    # From three letters on the sound of the query still begins a name.
    assert text_search(Party.objects.all(), "Zigma Hantel").exists()
