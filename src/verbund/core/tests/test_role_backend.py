"""Permission look-ups from the role cache (core.roles.RoleBackend): one small query per
request, the same answers as Django's backend, and changes seen at once."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission, User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from verbund.core.roles import RoleBackend, clear_permission_cache

# Outside a transaction: inside one the backend is Django's unchanged (tests roll back).
pytestmark = pytest.mark.django_db(transaction=True)


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


def test_it_answers_like_djangos_backend_for_every_role_and_a_superuser():
    clear_permission_cache()
    users = []
    for role in ("viewer", "editor", "steward", "compliance", "admin"):
        u = User.objects.create_user(f"u-{role}")
        u.groups.add(Group.objects.get(name=role))
        users.append(u)
    own = User.objects.create_user("u-own")
    own.user_permissions.add(Permission.objects.get(codename="view_party"))
    users += [own, User.objects.create_superuser("u-super")]
    for u in users:
        assert RoleBackend().get_all_permissions(fresh(u)) == ModelBackend().get_all_permissions(
            fresh(u)
        ), u.username


def test_a_warm_look_up_costs_one_query_per_request():
    user = User.objects.create_user("counted")
    user.groups.add(Group.objects.get(name="viewer"))
    RoleBackend().get_all_permissions(fresh(user))  # warms the role cache
    user = fresh(user)
    with CaptureQueriesContext(connection) as queries:
        assert user.has_perm("parties.view_party")
        assert not user.has_perm("parties.delete_party")
        assert user.has_perm("relationships.view_relationship")
    assert len(queries) == 1


def test_taking_a_role_away_or_changing_its_permissions_counts_at_once():
    user = User.objects.create_user("mover")
    editor = Group.objects.get(name="editor")
    user.groups.add(editor)
    assert fresh(user).has_perm("parties.change_party")
    user.groups.remove(editor)
    assert not fresh(user).has_perm("parties.change_party")
    viewer = Group.objects.get(name="viewer")
    user.groups.add(viewer)
    delete = Permission.objects.get(codename="delete_party")
    assert not fresh(user).has_perm("parties.delete_party")
    viewer.permissions.add(delete)
    try:
        assert fresh(user).has_perm("parties.delete_party")
    finally:
        viewer.permissions.remove(delete)
    assert not fresh(user).has_perm("parties.delete_party")


def test_inactive_users_have_no_permissions():
    user = User.objects.create_user("gone", is_active=False)
    user.groups.add(Group.objects.get(name="admin"))
    assert not fresh(user).has_perm("parties.view_party")
