"""The party list's member filters (group, chain, association) are chosen by name: the filter
box shows the chosen party, the list says whose members it shows, an unknown id is refused."""

import re

import pytest
from django.urls import reverse

from verbund.relationships.actions import do_create_relationship

pytestmark = pytest.mark.django_db


def picker(body: str, name: str) -> str:
    """The filter's field in the filter box: its label, the picker and its errors."""
    found = re.search(
        rf'<label for="id_{name}_query".*?(?=<div class="field">|</details>)', body, re.S
    )
    assert found, f"no picker for {name}"
    return found.group(0)


def test_a_group_filter_shows_the_chosen_party_by_name_and_number_not_its_id(client_for, group):
    handel = group["handel"]
    body = client_for("viewer").get(reverse("party-list"), {"group": handel.pk}).content.decode()
    box = picker(body, "group")
    assert f"Müller Handel GmbH ({handel.number})" in box
    # The id travels in a hidden field under the same name (links and the API keep it) ...
    assert re.search(rf'<input type="hidden" name="group" value="{handel.pk}"', box)
    # ... and the box the user types into is not sent with the filters.
    query = re.search(r"<input[^>]*data-pick-query[^>]*>", box).group(0)
    assert "name=" not in query and 'hx-get="/search/pick/"' in query
    assert "data-pick-clear" in box
    assert not re.search(r'<input[^>]*type="number"[^>]*name="group"', body)
    # The label leads to the box the user types into.
    assert 'id="id_group_query"' in query


def test_the_list_says_whose_group_chain_or_association_it_shows_with_a_link(
    client_for, group, org
):
    head, branch = org("Kette Zentrale GmbH"), org("Kette Filiale Eins")
    verband, member = org("Einkaufsverband eG"), org("Mitglied Eins KG")
    do_create_relationship(actor=None, type="chain", from_party=branch, to_party=head)
    do_create_relationship(actor=None, type="settlement", from_party=member, to_party=verband)
    c = client_for("viewer")
    url = reverse("party-list")
    handel = group["handel"]

    def scope(params, language="de"):
        body = c.get(url, params, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        lines = re.findall(r'<p class="list-scope"[^>]*>(.*?)</p>', body, re.S)
        return body, [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", line)).strip() for line in lines]

    body, lines = scope({"group": handel.pk})
    assert lines == [f"Konzern von Müller Handel GmbH ({handel.number}) \u00d7"]
    assert f'<a href="/parties/{handel.pk}/">Müller Handel GmbH ({handel.number})</a>' in body
    # The whole group is listed, and nobody outside it.
    for key in ("holding", "handel", "sued", "nord", "logistik"):
        assert group[key].display_name in body
    assert "Kette Zentrale GmbH" not in body
    _body, lines = scope({"group": handel.pk}, "en")
    assert lines[0].startswith(f"Group of Müller Handel GmbH ({handel.number})")
    _body, lines = scope({"chain": branch.pk})
    assert lines[0].startswith(f"Kette von Kette Filiale Eins ({branch.number})")
    _body, lines = scope({"chain": branch.pk}, "en")
    assert lines[0].startswith(f"Chain of Kette Filiale Eins ({branch.number})")
    body, lines = scope({"association": verband.pk, "q": "Mitglied"})
    assert lines[0].startswith(f"Reguliert über Einkaufsverband eG ({verband.number})")
    assert "Mitglied Eins KG" in body
    _body, lines = scope({"association": verband.pk}, "en")
    assert lines[0].startswith(f"Settled through Einkaufsverband eG ({verband.number})")
    # Removing the filter keeps the others.
    body, _lines = scope({"group": handel.pk, "city": "Augsburg"})
    assert 'href="?city=Augsburg"' in body
    _body, lines = scope({"city": "Augsburg"})
    assert lines == []


def test_an_id_naming_no_party_is_refused_on_its_filter(client_for, group):
    c = client_for("viewer")
    response = c.get(reverse("party-list"), {"group": "999999"}, HTTP_ACCEPT_LANGUAGE="de")
    body = response.content.decode()
    assert response.status_code == 200
    box = picker(body, "group")
    assert "Diese Adresse gibt es nicht." in box
    # Not silently the whole list: no rows, no line above it.
    assert "Müller Holding AG" not in body
    assert 'class="list-scope"' not in body
    assert re.search(r'<details class="more-filters"[^>]*\sopen>', body)
    # The other member filters and a number that is no id at all are refused the same way.
    for params in ({"chain": "999999"}, {"association": "999999"}):
        name = next(iter(params))
        assert "Diese Adresse gibt es nicht." in picker(
            c.get(reverse("party-list"), params).content.decode(), name
        )
    assert 'class="errorlist"' in picker(
        c.get(reverse("party-list"), {"group": "abc"}).content.decode(), "group"
    )


def test_the_folded_filters_fetched_later_show_the_chosen_party_too(client_for, group):
    holding = group["holding"]
    fragment = (
        client_for("viewer")
        .get(reverse("party-more-filters"), {"group": holding.pk}, HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert f"Müller Holding AG ({holding.number})" in picker(fragment, "group")
