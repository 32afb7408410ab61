"""The party list's "Verantwortlich" filter ("Meine Kunden"), shared by the UI list and the API."""

from typing import Any

import pytest
from django.urls import reverse

from verbund.parties.actions import do_update_party

pytestmark = pytest.mark.django_db

URL = "/api/v1/parties/"


@pytest.fixture
def owned(org: Any, make_user: Any) -> dict[str, Any]:
    anna = make_user("editor", username="anna", first_name="Anna", last_name="Arndt")
    bert = make_user("editor", username="bert", first_name="Bert", last_name="Brandt")
    parties = {name: org(name) for name in ("Annas Kunde AG", "Berts Kunde GmbH", "Niemands KG")}
    do_update_party(parties["Annas Kunde AG"], actor=None, responsible=anna)
    do_update_party(parties["Berts Kunde GmbH"], actor=None, responsible=bert)
    return {"anna": anna, "bert": bert, **parties}


def names(response: Any) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["name"] for row in response.json()["results"]}


def test_the_api_lists_the_parties_a_user_is_responsible_for_or_nobody_is(api_for, owned):
    api = api_for("viewer")
    assert names(api.get(URL, {"responsible": owned["anna"].pk})) == {"Annas Kunde AG"}
    assert names(api.get(URL, {"responsible": "none"})) == {"Niemands KG"}
    assert len(names(api.get(URL))) == 3


@pytest.mark.parametrize(
    "value", ["anna", "999999", "-1", "99999999999999999999", "1.5", "²", "1" * 5000, "0"]
)
def test_a_responsible_that_is_no_user_is_a_400_naming_the_filter(api_for, owned, value):
    res = api_for("viewer").get(URL, {"responsible": value})
    assert res.status_code == 400
    assert "responsible" in res.json()


def test_the_schema_says_the_filter_takes_an_id_in_range_or_none():
    from verbund.core.serializers import ID_MAX
    from verbund.core.tests.openapi import parameter

    schema = parameter("/api/v1/parties/", "get", "responsible")
    assert {"type": "integer", "minimum": 1, "maximum": ID_MAX} in schema["oneOf"]
    assert {"type": "string", "enum": ["none"]} in schema["oneOf"]


def test_the_filter_in_use_keeps_its_query_count_as_rows_are_added(
    api_for, client_for, org, owned, django_assert_num_queries
):
    """Count, add rows, the count stays: the chosen user is read once to check it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = api_for("viewer")
    page = client_for("viewer")
    for params in ({"responsible": owned["anna"].pk}, {"responsible": "none"}):
        api.get(URL, params)
        page.get(reverse("party-list"), params)
        with CaptureQueriesContext(connection) as by_api:
            api.get(URL, params)
        with CaptureQueriesContext(connection) as by_page:
            page.get(reverse("party-list"), params)
        for i in range(4):
            do_update_party(org(f"Annas Kunde {i} AG"), actor=None, responsible=owned["anna"])
            org(f"Niemands Kunde {i} KG")
        with django_assert_num_queries(len(by_api)):
            api.get(URL, params)
        with django_assert_num_queries(len(by_page)):
            page.get(reverse("party-list"), params)


def test_the_list_offers_the_user_looking_first_and_filters_by_them(client_for, owned):
    from django.test import Client

    page = Client()
    page.force_login(owned["anna"])
    body = page.get(reverse("party-list")).content.decode()
    start = body.index('name="responsible"')
    select = body[start : body.index("</select>", start)]
    order = [select.index(text) for text in ("alle", "niemand", "Anna Arndt (ich)", "Bert Brandt")]
    assert order == sorted(order)
    mine = page.get(reverse("party-list"), {"responsible": owned["anna"].pk}).content.decode()
    assert "Annas Kunde AG" in mine and "Berts Kunde GmbH" not in mine
    nobody = page.get(reverse("party-list"), {"responsible": "none"}).content.decode()
    assert "Niemands KG" in nobody and "Annas Kunde AG" not in nobody


def test_a_deactivated_user_stays_choosable_and_is_marked(client_for, owned):
    owned["bert"].is_active = False
    owned["bert"].save()
    body = client_for("viewer").get(reverse("party-list")).content.decode()
    assert "Bert Brandt (deaktiviert)" in body


def test_a_saved_selection_names_the_responsible_user_not_their_id(owned):
    from verbund.selections.describe import filters

    described = dict(filters({"responsible": str(owned["anna"].pk), "kind": "organisation"}))
    assert "Anna Arndt" in described.values()
    assert str(owned["anna"].pk) not in described.values()
    assert "niemand" in dict(filters({"responsible": "none"})).values()


def test_the_users_are_offered_by_last_name_then_first_name_or_else_user_name(make_user):
    """The same order on SQLite and PostgreSQL: case and umlauts folded as a German list is
    read; the user looking first; a user without a name among the others by user name."""
    from django.test import Client

    me = make_user("editor", username="zz-me", first_name="Anna", last_name="Arndt")
    make_user("viewer", username="xaver", first_name="Xaver", last_name="Zander")
    make_user("viewer", username="oemer", first_name="Ömer", last_name="Özdemir")
    make_user("viewer", username="dora", first_name="Dora")
    make_user("viewer", username="bert", first_name="Bert", last_name="brandt")
    make_user("viewer", username="berta42")
    make_user("viewer", username="zoe", first_name="Zoe", last_name="Adler")
    page = Client()
    page.force_login(me)
    body = page.get(reverse("party-list")).content.decode()
    start = body.index('name="responsible"')
    select = body[start : body.index("</select>", start)]
    shown = [
        "Anna Arndt (ich)",
        "Zoe Adler",
        "berta42",
        "Bert brandt",
        "Dora",
        "Ömer Özdemir",
        "Xaver Zander",
    ]
    assert [select.index(f">{name}<") for name in shown] == sorted(
        select.index(f">{name}<") for name in shown
    )
