"""Pinned query counts: the hierarchy view does no per-row queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from verbund.relationships.actions import do_create_relationship

pytestmark = pytest.mark.django_db


def count(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_hierarchy_view_query_count_is_pinned(
    client_for, group, org, monkeypatch, django_assert_num_queries
):
    from verbund.core import extensions

    monkeypatch.setattr(extensions, "modules", lambda name: iter([]))
    do_create_relationship(
        actor=None, type="group", from_party=org("Enkel"), to_party=group["sued"]
    )
    c = client_for("viewer")
    url = reverse("hierarchy", args=[group["sued"].pk])
    c.get(url, {"type": "group"})
    first = count(c, url, {"type": "group"})
    for i in range(6):
        do_create_relationship(
            actor=None, type="group", from_party=org(f"Tochter {i}"), to_party=group["handel"]
        )
        do_create_relationship(
            actor=None, type="group", from_party=org(f"Enkel {i}"), to_party=group["sued"]
        )
    # session, user, party, the party's hierarchies (one per hierarchy type), the types,
    # the tree (path, first level, children of the path with their counts), the party's own
    # children (how many, and a batch with their counts), permissions for the menu, whether
    # the user follows the group's changes
    with django_assert_num_queries(24):
        c.get(url, {"type": "group"})
    assert first == 24


def test_lazy_children_take_a_fixed_number_of_queries(client_for, group, org, monkeypatch):
    from verbund.core import extensions

    monkeypatch.setattr(extensions, "modules", lambda name: iter([]))
    c = client_for("viewer")
    url = reverse("hierarchy-children", args=[group["handel"].pk])
    c.get(url, {"type": "group"})
    first = count(c, url, {"type": "group"})
    for i in range(6):
        do_create_relationship(
            actor=None, type="group", from_party=org(f"Tochter {i}"), to_party=group["handel"]
        )
    assert count(c, url, {"type": "group"}) == first
