"""Roles are Django groups. Their permissions are declared in code, per app, and synced.

viewer reads everything; editor writes parties, relationships and activities; steward also
manages relationship types, imports and merges; compliance manages sanctions lists and
reviews hits; privacy (Datenschutz) answers data-protection requests (access, erasure, holds,
retention); admin may do everything. A role includes the roles before it where said so.
"""

import threading
import time
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connection, transaction

from verbund.core.prepared import Prepared

ROLES = ["viewer", "editor", "steward", "compliance", "privacy", "admin"]
# Each role also holds the permissions of the roles it inherits from.
INHERITS: dict[str, list[str]] = {
    "viewer": [],
    "editor": ["viewer"],
    "steward": ["viewer", "editor"],
    "compliance": ["viewer"],
    "privacy": ["viewer"],
    "admin": ["viewer", "editor", "steward", "compliance", "privacy"],
}


def declared_permissions() -> dict[str, set[tuple[str, str]]]:
    """Return role -> {(app_label, codename)} from every app's ``role_permissions``."""
    own: dict[str, set[tuple[str, str]]] = {role: set() for role in ROLES}
    for config in apps.get_app_configs():
        for role, codenames in getattr(config, "role_permissions", {}).items():
            own.setdefault(role, set()).update((config.label, c) for c in codenames)
    result: dict[str, set[tuple[str, str]]] = {}
    for role in ROLES:
        perms = set(own[role])
        for parent in INHERITS[role]:
            perms |= own[parent]
        result[role] = perms
    return result


def sync_roles(sender: Any = None, **kwargs: Any) -> None:
    """Create the role groups and give each exactly its declared permissions."""
    from django.contrib.auth.models import Group, Permission

    using = kwargs.get("using", "default")
    # Only after the last app with models has migrated, so that every permission exists.
    last = [c for c in apps.get_app_configs() if c.models_module is not None][-1]
    if sender is not None and sender.label != last.label:
        return
    with transaction.atomic(using=using):
        all_perms = {
            (p.content_type.app_label, p.codename): p
            for p in Permission.objects.using(using).select_related("content_type")
        }
        for role, wanted in declared_permissions().items():
            group, _ = Group.objects.using(using).get_or_create(name=role)
            if role == "admin":
                # Administrators may do everything, including managing users and roles.
                group.permissions.set(list(all_perms.values()))
            else:
                group.permissions.set([all_perms[key] for key in wanted if key in all_perms])


# --- permission look-ups ----------------------------------------------------------------------
# Which permissions each role holds changes only when roles are synced (migrate) or edited in the
# admin, and the names of permissions never change while running: both are kept per process for
# a minute (edits in this process clear them at once). Which roles a user holds is read on every
# request, so taking a role away takes effect at the next click.

CACHE_SECONDS = 60.0
_cache_lock = threading.Lock()
_cache: dict[str, Any] = {}


def clear_permission_cache(*args: Any, **kwargs: Any) -> None:
    with _cache_lock:
        _cache.clear()


def _cached_maps() -> tuple[dict[int, str], dict[int, frozenset[int]]]:
    """(permission id -> "app.codename", role group id -> its permission ids)."""
    from django.contrib.auth.models import Group, Permission

    with _cache_lock:
        if _cache and time.monotonic() - _cache["at"] < CACHE_SECONDS:
            return _cache["names"], _cache["groups"]
    names = {
        pk: f"{app}.{codename}"
        for pk, app, codename in Permission.objects.values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    groups: dict[int, set[int]] = {}
    for group_id, perm_id in Group.permissions.through.objects.values_list(
        "group_id", "permission_id"
    ):
        groups.setdefault(group_id, set()).add(perm_id)
    frozen = {g: frozenset(p) for g, p in groups.items()}
    with _cache_lock:
        _cache.update(at=time.monotonic(), names=names, groups=frozen)
    return names, frozen


class RoleBackend(ModelBackend):
    """Django's model backend, answering permission look-ups with one small query per request
    (the user's groups and own permissions) instead of two joins over the permission tables.

    Inside a transaction (tests roll back what they create) it is Django's backend unchanged.
    The signed-in user of each request is read by a prepared query (core/prepared.py)."""

    def get_user(self, user_id: Any) -> Any:
        if not isinstance(user_id, int):
            return super().get_user(user_id)
        rows = _USER_BY_ID(pk=user_id)
        return rows[0] if rows and self.user_can_authenticate(rows[0]) else None

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if connection.in_atomic_block:
            return super().get_all_permissions(user_obj, obj)
        if not hasattr(user_obj, "_perm_cache"):
            names, groups = _cached_maps()
            if user_obj.is_superuser:
                user_obj._perm_cache = set(names.values())
            else:
                ids: set[int] = set()
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT 1, group_id FROM auth_user_groups WHERE user_id = %s UNION ALL "
                        "SELECT 2, permission_id FROM auth_user_user_permissions WHERE user_id = %s",
                        [user_obj.pk, user_obj.pk],
                    )
                    for source, pk in cursor.fetchall():
                        ids |= groups.get(pk, frozenset()) if source == 1 else {pk}
                user_obj._perm_cache = {names[i] for i in ids if i in names}
        return user_obj._perm_cache  # type: ignore[no-any-return]


_USER_BY_ID: Prepared[Any] = Prepared(
    lambda pk: get_user_model()._default_manager.filter(pk=pk), pk=int
)


def connect_cache_signals() -> None:
    from django.contrib.auth.models import Group, Permission
    from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

    m2m_changed.connect(clear_permission_cache, sender=Group.permissions.through)
    for model in (Group, Permission):
        post_save.connect(clear_permission_cache, sender=model)
        post_delete.connect(clear_permission_cache, sender=model)
    post_migrate.connect(clear_permission_cache)
