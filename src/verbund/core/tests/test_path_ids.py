"""Ids in API paths: the schema states the bound the routes keep (core.api.ID_PATTERN), and an
id beyond it matches no route, a 404 on SQLite and PostgreSQL alike."""

import pytest
from django.urls import Resolver404, resolve

from verbund.core.api import ID_PATH_MAX
from verbund.core.tests.openapi import api_schema

pytestmark = pytest.mark.django_db


def _id_paths() -> list[tuple[str, str]]:
    """(path template, method) of every operation with an id in its path."""
    return [
        (path, next(m for m in ("get", "post", "put", "patch", "delete") if m in operations))
        for path, operations in api_schema()["paths"].items()
        if "{" in path
    ]


def _with(path: str, value: str) -> str:
    return path.replace("{id}", value).replace("{party_id}", value)


def test_every_id_in_a_path_is_stated_as_a_whole_number_from_1_to_the_largest_a_route_takes(
    admin_api,
):
    found = 0
    for operations in api_schema()["paths"].values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path":
                    found += 1
                    assert parameter["schema"] == {
                        "type": "integer", "minimum": 1, "maximum": ID_PATH_MAX,
                    }, parameter  # fmt: skip
    assert found >= 50 and ID_PATH_MAX == 10**18 - 1
    # The largest stated id reaches the view (no such object there).
    for path, method in _id_paths():
        url = _with(path, str(ID_PATH_MAX))
        resolve(url)
        if method == "get":
            assert admin_api.get(url).status_code == 404, url


@pytest.mark.parametrize("value", [str(ID_PATH_MAX + 1), str(2**63), str(10**22), "0", "01"])
def test_an_id_beyond_the_stated_bound_matches_no_route_and_answers_404(admin_api, value):
    for path, method in _id_paths():
        url = _with(path, value)
        with pytest.raises(Resolver404):
            resolve(url)
        response = getattr(admin_api, method)(url, {}, format="json")
        assert response.status_code == 404, (method, url, response.content[:200])
        assert response["Content-Type"].startswith("application/json")
