"""The role matrix: every API route is declared by its domain (``<app>/tests/routes.py``), and
every declaration holds for every identity: the roles it names get their answer, every other
role and a user without a role get 403, anonymous callers 401/403 (see verbund.core.testing)."""

from typing import Any

import pytest
from django.contrib.auth.models import Group

from verbund.core import testing
from verbund.core.testing import ROLES, Declared

DECLARED = testing.declared_routes()


@pytest.mark.django_db
def test_every_api_route_is_declared_by_its_domain():
    missing = testing.undeclared_api_routes(DECLARED)
    assert not missing, "declare these in <app>/tests/routes.py: " + ", ".join(
        f"{method.upper()} {name}" for name, method in sorted(missing)
    )


def test_no_route_is_declared_twice():
    keys = [(d.route.ui, *d.route.key, d.route.variant) for d in DECLARED]
    assert sorted(k for k in keys if keys.count(k) > 1) == []


def test_every_declaration_names_a_route_and_a_method_it_offers():
    offered, pages = testing.api_routes(), testing.ui_routes()
    api = [d.route for d in DECLARED if d.route.is_api]
    assert [str(r) for r in api if r.key not in offered] == []
    assert [str(d.route) for d in DECLARED if d.route.ui and d.route.name not in pages] == []


@pytest.mark.django_db
def test_every_ui_route_is_declared_by_its_domain():
    assert sorted(testing.undeclared_ui_routes(DECLARED)) == []


@pytest.mark.parametrize("declared", testing.route_params(DECLARED))
def test_each_identity_may_use_exactly_what_its_role_is_granted(
    declared: Declared, make_user: Any
) -> None:
    world = declared.world()
    clients = testing.clients_by_identity(make_user, api=declared.route.is_api)
    assert testing.walk_route(declared.route, world, clients) == []


# Never offered to anyone: parties are archived and relationships ended, not deleted.
NOT_OFFERED = [("party-detail", "a"), ("relationship-detail", "r")]


@pytest.mark.parametrize(("name", "key"), NOT_OFFERED)
def test_deleting_parties_and_relationships_is_offered_to_no_role(api_for, name, key):
    from django.urls import reverse

    from verbund.relationships.tests.routes import world

    objects = world()
    for role in ROLES:
        url = reverse(name, args=[objects[key]], urlconf=testing.api_urlconf())
        response = api_for(role).delete(url)
        assert response.status_code in (403, 405), (name, role, response.status_code)


@pytest.mark.django_db
def test_the_roles_exist_as_groups_after_migrate():
    assert set(Group.objects.filter(name__in=ROLES).values_list("name", flat=True)) == set(ROLES)


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
