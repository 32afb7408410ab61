"""Role enforcement for the API: Django model permissions, with reading gated too."""

from typing import TYPE_CHECKING, Any

from rest_framework import permissions

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView


class RolePermission(permissions.DjangoModelPermissions):
    """Login required; reading needs ``view_<model>``, writing needs add/change/delete.

    Views without a queryset (reports, hierarchy, revenue) declare ``required_permission``
    ("app.codename") for reading and ``write_permission`` for writing.
    """

    perms_map = {
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "POST": ["%(app_label)s.add_%(model_name)s"],
        "PUT": ["%(app_label)s.change_%(model_name)s"],
        "PATCH": ["%(app_label)s.change_%(model_name)s"],
        "DELETE": ["%(app_label)s.delete_%(model_name)s"],
    }

    def has_permission(self, request: "Request", view: "APIView") -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        read_perm: Any = getattr(view, "required_permission", None)
        write_perm: Any = getattr(view, "write_permission", None)
        is_read = request.method in permissions.SAFE_METHODS
        explicit = read_perm if is_read else (write_perm or None)
        if explicit:
            return bool(request.user.has_perm(explicit))
        if getattr(view, "queryset", None) is None and not hasattr(view, "get_queryset"):
            return False
        return super().has_permission(request, view)


def user_has(user: Any, perm: str) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(perm))
