"""Every role against every endpoint and method of parties, relationship types and
relationships: allowed requests succeed, all others get 403 (401/403 when anonymous)."""

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from verbund.parties.actions import do_create_party
from verbund.relationships.actions import do_create_relationship, do_create_relationship_type

ROLES = ["viewer", "editor", "steward", "compliance", "admin"]
EVERYONE = set(ROLES)
WRITERS = {"editor", "steward", "admin"}
STEWARDS = {"steward", "admin"}

Objects = dict[str, Any]


def _type_data(key: str) -> dict[str, Any]:
    return {
        "key": key,
        "name_de": "Franchise",
        "name_en": "Franchise",
        "label_forward_de": "ist Franchisenehmer von",
        "label_forward_en": "is a franchisee of",
        "label_inverse_de": "ist Franchisegeber von",
        "label_inverse_en": "is the franchisor of",
    }


# (name, method, url template, body builder, roles allowed, status on success)
ENDPOINTS: list[tuple[str, str, str, Callable[[Objects], dict[str, Any]] | None, set[str], int]] = [
    ("party list", "get", "/api/v1/parties/", None, EVERYONE, 200),
    ("party create", "post", "/api/v1/parties/", lambda o: {"name": "Neu GmbH"}, WRITERS, 201),
    ("party read", "get", "/api/v1/parties/{a}/", None, EVERYONE, 200),
    ("party patch", "patch", "/api/v1/parties/{a}/", lambda o: {"city": "Bonn"}, WRITERS, 200),
    (
        "party put",
        "put",
        "/api/v1/parties/{a}/",
        lambda o: {"name": "A GmbH", "city": "Bonn"},
        WRITERS,
        200,
    ),
    ("party archive", "post", "/api/v1/parties/{a}/archive/", lambda o: {}, WRITERS, 200),
    ("party relationships", "get", "/api/v1/parties/{a}/relationships/", None, EVERYONE, 200),
    ("type list", "get", "/api/v1/relationship-types/", None, EVERYONE, 200),
    (
        "type create",
        "post",
        "/api/v1/relationship-types/",
        lambda o: _type_data("neu"),
        STEWARDS,
        201,
    ),
    ("type read", "get", "/api/v1/relationship-types/{t}/", None, EVERYONE, 200),
    (
        "type patch",
        "patch",
        "/api/v1/relationship-types/{t}/",
        lambda o: {"colour": "#000000"},
        STEWARDS,
        200,
    ),
    (
        "type put",
        "put",
        "/api/v1/relationship-types/{t}/",
        lambda o: {**_type_data("unused"), "colour": "#111111"},
        STEWARDS,
        200,
    ),
    ("type delete", "delete", "/api/v1/relationship-types/{t}/", None, STEWARDS, 204),
    ("relationship list", "get", "/api/v1/relationships/", None, EVERYONE, 200),
    (
        "relationship create",
        "post",
        "/api/v1/relationships/",
        lambda o: {"type": "consultant", "from_party": o["a"], "to_party": o["b"]},
        WRITERS,
        201,
    ),
    ("relationship read", "get", "/api/v1/relationships/{r}/", None, EVERYONE, 200),
    (
        "relationship patch",
        "patch",
        "/api/v1/relationships/{r}/",
        lambda o: {"note": "geprüft"},
        WRITERS,
        200,
    ),
    (
        "relationship put",
        "put",
        "/api/v1/relationships/{r}/",
        lambda o: {"note": "geprüft", "valid_from": "2020-01-01"},
        WRITERS,
        200,
    ),
    (
        "relationship end",
        "post",
        "/api/v1/relationships/{r}/end/",
        lambda o: {"valid_to": "2030-12-31"},
        WRITERS,
        200,
    ),
]

# Never offered to anyone: parties are archived and relationships ended, not deleted.
NOT_OFFERED = [
    ("party delete", "delete", "/api/v1/parties/{a}/"),
    ("relationship delete", "delete", "/api/v1/relationships/{r}/"),
]


@pytest.fixture
def objects(db: Any) -> Objects:
    a = do_create_party(actor=None, name="A GmbH")
    b = do_create_party(actor=None, name="B GmbH")
    rel = do_create_relationship(actor=None, type="supplier", from_party=a, to_party=b)
    unused = do_create_relationship_type(actor=None, **_type_data("unused"))
    return {"a": a.pk, "b": b.pk, "r": rel.pk, "t": unused.pk}


def call(client: APIClient, method: str, url: str, body: dict[str, Any] | None) -> Any:
    return (
        getattr(client, method)(url, body, format="json")
        if body is not None
        else getattr(client, method)(url)
    )


@pytest.mark.parametrize(
    ("role", "endpoint"),
    [
        pytest.param(role, ep, id=f"{role or 'no-role'}-{ep[0].replace(' ', '-')}")
        for role, ep in itertools.product([*ROLES, None], ENDPOINTS)
    ],
)
def test_each_role_may_do_exactly_what_it_is_granted(api_for, objects, role, endpoint):
    name, method, template, body, allowed, success = endpoint
    client = api_for(role)
    response = call(client, method, template.format(**objects), body(objects) if body else None)
    if role in allowed:
        assert response.status_code == success, (name, role, response.status_code, response.content)
    else:
        assert response.status_code == 403, (name, role, response.status_code, response.content)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[ep[0].replace(" ", "-") for ep in ENDPOINTS])
def test_anonymous_requests_are_refused(objects, endpoint):
    name, method, template, body, _, _ = endpoint
    response = call(
        APIClient(), method, template.format(**objects), body(objects) if body else None
    )
    assert response.status_code in (401, 403), (name, response.status_code)


@pytest.mark.parametrize(
    ("name", "method", "template"), NOT_OFFERED, ids=[n for n, _, _ in NOT_OFFERED]
)
def test_deleting_parties_and_relationships_is_offered_to_no_role(
    api_for, objects, name, method, template
):
    for role in ROLES:
        response = call(api_for(role), method, template.format(**objects), None)
        assert response.status_code in (403, 405), (name, role, response.status_code)


@pytest.mark.django_db
def test_the_roles_exist_as_groups_after_migrate():
    assert set(Group.objects.filter(name__in=ROLES).values_list("name", flat=True)) == EVERYONE


@pytest.mark.django_db
def test_role_permissions_follow_the_declarations():
    perms = {
        g.name: {
            f"{p.content_type.app_label}.{p.codename}"
            for p in g.permissions.select_related("content_type")
        }
        for g in Group.objects.filter(name__in=ROLES)
    }
    assert "parties.view_party" in perms["viewer"] and "parties.add_party" not in perms["viewer"]
    assert {"parties.add_party", "relationships.add_relationship"} <= perms["editor"]
    assert "relationships.add_relationshiptype" not in perms["editor"]
    assert (
        "relationships.add_relationshiptype" in perms["steward"]
        and perms["editor"] <= perms["steward"]
    )
    assert "parties.add_party" not in perms["compliance"] and perms["viewer"] <= perms["compliance"]
    assert all(perms[role] <= perms["admin"] for role in ROLES)
