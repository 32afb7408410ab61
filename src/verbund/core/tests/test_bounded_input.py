"""Input no person sends is refused, never a 500 (issue 21 point 7): search text beyond a
bound (400 naming the parameter in the API, a message at the search box in the UI), ids that
are not ids (404 on every API route with an id), a hostile paging cursor (the first page), and
the API root lists what the caller may use."""

import base64
import json
import re
from typing import Any

import pytest
from django.urls import reverse

from verbund.core import testing
from verbund.core.security import SEARCH_MAX_CHARS, SEARCH_MAX_WORDS
from verbund.core.testing import OVERLONG, assert_refuses_bad_query

pytestmark = pytest.mark.django_db

TOO_LONG = "x" * (SEARCH_MAX_CHARS + 1)
TOO_MANY_WORDS = " ".join(["ab"] * (SEARCH_MAX_WORDS + 1))


def test_the_api_refuses_search_text_beyond_the_bounds_naming_the_parameter(api_for, org):
    org()
    viewer = api_for("viewer")
    assert_refuses_bad_query(
        viewer,
        "/api/v1/parties/",
        {"q": [OVERLONG, TOO_LONG, TOO_MANY_WORDS], "search": ["x" * 60_000, TOO_MANY_WORDS]},
    )
    assert_refuses_bad_query(viewer, "/api/v1/relationships/", {"search": [OVERLONG]})
    answer = viewer.get("/api/v1/parties/", {"q": TOO_LONG}).json()
    assert str(SEARCH_MAX_CHARS) in answer["q"][0]


def test_search_text_within_the_bounds_still_finds(api_for, org):
    org("Grenzfall GmbH")
    query = "grenzfall " + "gmbh " * (SEARCH_MAX_WORDS - 2)
    response = api_for("viewer").get("/api/v1/parties/", {"q": query.strip()})
    assert response.status_code == 200
    assert [r["name"] for r in response.json()["results"]] == ["Grenzfall GmbH"]


def shows_problem(page: Any, limit: int) -> bool:
    """The page shows the search's problem (in the reader's language) with its limit."""
    html = page.content.decode()
    for mark in ('role="alert"', 'class="errorlist'):
        if mark in html and re.search(rf"\b{limit}\b", html.split(mark, 1)[1][:200]):
            return True
    return False


@pytest.mark.parametrize(
    "url",
    ["/parties/?q={}", "/?q={}", "/search/?q={}", "/search/pick/?other_query={}"],
)
def test_the_pages_show_a_message_for_search_text_beyond_the_bounds(client_for, org, url):
    org()
    page = client_for("viewer").get(url.format(OVERLONG))
    assert page.status_code == 200
    assert shows_problem(page, SEARCH_MAX_CHARS)


def test_the_tree_search_shows_a_message_for_search_text_beyond_the_bounds(client_for, group):
    party = next(iter(group.values()))
    page = client_for("viewer").get(f"/parties/{party.pk}/hierarchy/", {"q": TOO_MANY_WORDS})
    assert page.status_code == 200
    assert shows_problem(page, SEARCH_MAX_WORDS)


def _id_routes() -> list[tuple[str, str]]:
    """(URL name, method) of every API route with an id in its path."""
    found = []
    for route, name, _pattern in testing.url_patterns():
        if route.startswith(testing.API_PREFIX) and "format" not in route and "<pk>" in route:
            found += [(name, m) for m in testing._methods(_pattern)]
    return sorted(set(found))


def test_every_api_route_with_an_id_is_found_by_the_walk():
    names = {name for name, _m in _id_routes()}
    assert {"party-detail", "quality-candidate-not-duplicate", "compliance-hit-confirm"} <= names


@pytest.mark.parametrize(("name", "method"), _id_routes())
def test_ids_that_are_not_ids_are_404_on_every_api_route(api_for, name, method):
    marker = 987654321
    url = reverse(name, kwargs={"pk": marker}, urlconf=testing.api_urlconf())
    problems = testing.not_id_problems(
        api_for("admin"),
        lambda bad: url.replace(str(marker), bad),
        method=method,
        body={},
        expect=(404,),
    )
    assert problems == []


def test_the_quality_candidate_named_in_the_issue_is_404(api_for):
    response = api_for("admin").post("/api/v1/quality/candidates/null%2Cnull/not-duplicate/")
    assert response.status_code == 404


def _cursor(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        _cursor([["a"]] * 1) + "=",
        base64.urlsafe_b64encode(b"[" * 100_000 + b"]" * 100_000).decode()[:999],
        base64.urlsafe_b64encode(b"[" * 50_000).decode(),
        _cursor(["A", 2**70]),
        _cursor([{"a": 1}, 1]),
        _cursor(["A", "1"]),
        _cursor(["A", True]),
        "nicht-base64!",
    ],
)
def test_a_hostile_paging_cursor_shows_the_first_page(client_for, org, cursor):
    org("Erste GmbH")
    page = client_for("viewer").get("/parties/", {"after": cursor})
    assert page.status_code == 200
    assert "Erste GmbH" in page.content.decode()


def test_a_deeply_nested_cursor_is_no_recursion_error():
    from verbund.core.paging import _decode

    deep = base64.urlsafe_b64encode(b"[" * 900 + b"]" * 900).decode()
    assert _decode(deep) is None


def test_the_api_root_lists_everything_to_an_admin_and_a_role_only_its_lists(api_for):
    everything = api_for("admin").get("/api/v1/")
    assert everything.status_code == 200
    viewer = api_for("viewer").get("/api/v1/")
    assert viewer.status_code == 200
    assert "parties" in viewer.json() and "parties" in everything.json()
    hidden = set(everything.json()) - set(viewer.json())
    assert {"compliance/hits", "compliance/lists"} <= hidden
    assert api_for(None).get("/api/v1/").json() == {}
    assert reverse("api-root") == "/api/v1/"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/parties/{}/hierarchy/",
        "/api/v1/parties/{}/hierarchy/changes/",
        "/api/v1/parties/{}/group/contacts/",
        "/api/v1/parties/{}/group/activities/",
        "/api/v1/parties/{}/ownership/",
        "/api/v1/parties/{}/revenue/?scope=group",
        "/api/v1/revenue/top-groups/",
    ],
)
def test_a_type_key_with_a_nul_is_a_400_naming_type(api_for, org, url):
    # PostgreSQL refuses a NUL in a query's text (a 500 there); no type has one in its key.
    party = org().pk
    joined = "&" if "?" in url else "?"
    response = api_for("admin").get(f"{url.format(party)}{joined}type=gr%00oup")
    assert response.status_code == 400, response.content
    assert "type" in response.json()
