"""Roles are Django groups. Their permissions are declared in code, per app, and synced.

viewer reads everything; editor writes parties, relationships and activities; steward also
manages relationship types, imports and merges; compliance manages sanctions lists and
reviews hits; admin may do everything. A role includes the roles before it where said so.
"""

from typing import Any

from django.apps import apps
from django.db import transaction

ROLES = ["viewer", "editor", "steward", "compliance", "admin"]
# Each role also holds the permissions of the roles it inherits from.
INHERITS: dict[str, list[str]] = {
    "viewer": [],
    "editor": ["viewer"],
    "steward": ["viewer", "editor"],
    "compliance": ["viewer"],
    "admin": ["viewer", "editor", "steward", "compliance"],
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
