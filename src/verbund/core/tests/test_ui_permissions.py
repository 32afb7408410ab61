"""The UI asks for the permissions its API twin asks for (issue 21 point 2); the role walk in
test_api_roles.py checks every page, these check the pieces it is built from."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import Client, RequestFactory

from verbund.core.permissions import requires

pytestmark = pytest.mark.django_db


def test_a_required_permission_refuses_a_user_without_it_and_lets_a_holder_through(make_user):
    @requires("parties.view_party")
    def page(request):
        return HttpResponse("ok")

    request = RequestFactory().get("/")
    request.user = make_user(None, username="no-role")
    with pytest.raises(PermissionDenied):
        page(request)
    request.user = AnonymousUser()
    with pytest.raises(PermissionDenied):
        page(request)
    request.user = make_user("viewer")
    assert page(request).status_code == 200
    assert page.required_permissions == ("parties.view_party",)


def test_a_user_without_a_role_sees_the_start_page_but_no_party(org, make_user):
    party = org("Geheim GmbH")
    client = Client()
    client.force_login(make_user(None, username="no-role"))
    page = client.get("/", {"q": "Geheim"})
    assert page.status_code == 200
    assert party.name not in page.content.decode()
    assert client.get("/search/", {"q": "Geheim"}).status_code == 403
    assert client.get(f"/parties/{party.pk}/").status_code == 403
    assert client.get(f"/parties/{party.pk}/hierarchy/export.csv").status_code == 403


def test_a_viewer_finds_the_party_from_the_start_page(org, client_for):
    org("Offen GmbH")
    assert "Offen GmbH" in client_for("viewer").get("/", {"q": "Offen"}).content.decode()


def test_the_user_menu_links_the_two_factor_page(client_for):
    page = client_for("viewer").get("/parties/").content.decode()
    assert 'href="/accounts/two-factor/"' in page and 'data-testid="two-factor-link"' in page


def test_every_write_action_of_an_api_viewset_names_the_permission_it_asks_for():
    # A POST action of a viewset without a write permission of its own falls back to
    # add_<model> (RolePermission's map): archiving a party asked for add_party that way.
    from django.urls import URLResolver, get_resolver

    def walk(patterns):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns)
            else:
                yield p.callback

    standard = {"create", "update", "partial_update", "destroy"}
    unnamed = set()
    for view in walk(get_resolver().url_patterns):
        cls, actions = getattr(view, "cls", None), getattr(view, "actions", None) or {}
        for method, name in actions.items():
            if method in ("get", "head", "options") or name in standard:
                continue
            if not getattr(cls, "write_permission", None) and name not in getattr(
                cls, "action_permissions", {}
            ):
                unnamed.add(f"{cls.__module__}.{cls.__name__}.{name}")
    assert sorted(unnamed) == []
