"""Merged records (redirects to their survivor) and the ``merged`` filter, the same in the
party list, a selection and the API (decision 0040): the lists for people leave them out unless
``merged=true`` asks for exactly them, each then naming its survivor; the API lists what the
filters select, as its schema says."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from verbund.core.testing import assert_queries_stay, list_count_queries
from verbund.core.tests.openapi import api_schema
from verbund.parties.actions import do_mark_merged
from verbund.parties.filters import PartyFilterSet

pytestmark = pytest.mark.django_db


@pytest.fixture
def merged(org):
    survivor = org("Müller Bau GmbH", city="Köln")
    duplicate = org("Mueller Bau GmbH", city="Köln")
    do_mark_merged(duplicate, survivor, actor=None)
    other = org("Schulz KG", city="Köln")
    return {"survivor": survivor, "duplicate": duplicate, "other": other}


def names(body: str) -> list[str]:
    table = re.search(r'data-testid="party-table".*?</table>', body, re.S).group(0)
    return re.findall(r'<td><a href="/parties/\d+/">([^<]+)</a>', table)


def count(body: str) -> str:
    return re.search(r'data-testid="list-count">([^<]*)<', body).group(1)


def test_the_party_list_leaves_merged_records_out_unless_asked_for_them(client_for, merged):
    c = client_for("viewer")
    body = c.get(reverse("party-list"), {"city": "Köln"}).content.decode()
    assert names(body) == ["Müller Bau GmbH", "Schulz KG"] and count(body) == "2 von 2"
    body = c.get(reverse("party-list"), {"city": "Köln", "merged": "false"}).content.decode()
    assert names(body) == ["Müller Bau GmbH", "Schulz KG"]


def test_merged_records_asked_for_are_listed_each_with_its_survivor(client_for, merged):
    c = client_for("viewer")
    body = c.get(reverse("party-list"), {"merged": "true"}).content.decode()
    assert names(body) == ["Mueller Bau GmbH"] and count(body) == "1 von 1"
    note = re.search(r'data-testid="merged-into">(.*?)</span>', body, re.S).group(1)
    survivor = merged["survivor"]
    with translation.override("de"):
        expected = translation.gettext("merged into %(party)s") % {
            "party": f'<a href="/parties/{survivor.pk}/">{survivor.name}</a>'
        }
    assert note == expected
    english = c.get(reverse("party-list"), {"merged": "true"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "merged into <a" in english.content.decode()


def test_a_selection_of_merged_records_selects_what_the_list_shows(merged):
    from verbund.selections.selectors import parties

    assert set(parties({"merged": "true"})) == {merged["duplicate"]}
    assert set(parties({"city": "Köln"})) == {merged["survivor"], merged["other"]}


def test_the_api_lists_merged_records_as_its_schema_says(api_for, merged):
    api = api_for("viewer")

    def ids(params: dict[str, str]) -> set[int]:
        return {r["id"] for r in api.get("/api/v1/parties/", params).json()["results"]}

    everyone = {p.pk for p in merged.values()}
    assert ids({}) == everyone
    assert ids({"merged": "true"}) == {merged["duplicate"].pk}
    assert ids({"merged": "false"}) == everyone - {merged["duplicate"].pk}
    # The schema says it in the filter's own words: only these, only the others, both.
    parameter = next(
        p
        for p in api_schema()["paths"]["/api/v1/parties/"]["get"]["parameters"]
        if p["name"] == "merged"
    )
    with translation.override("en"):
        help_text = str(PartyFilterSet.base_filters["merged"].extra["help_text"])
    assert parameter["description"] == help_text
    assert parameter["schema"] == {"type": "boolean"}


def test_the_list_of_merged_records_does_not_grow_with_them(client_for, org, monkeypatch):
    from verbund.parties import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    numbers = iter(range(100))

    def grow() -> None:
        for _ in range(3):
            i = next(numbers)
            do_mark_merged(org(f"Dublette {i}"), org(f"Firma {i}"), actor=None)

    grow()
    # session, user, permissions (user + groups), the page's rows, the count
    # (list_count_queries), the survivors, the users of the "responsible" filter, the tags of
    # the "tag" filter
    queries = assert_queries_stay(
        client_for("viewer"), reverse("party-list"), grow, params={"merged": "true"}
    )
    assert queries == 8 + list_count_queries()
