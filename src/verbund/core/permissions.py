"""Role enforcement: Django model permissions for the API (reading gated too), and the same
permissions for the pages of the UI (:func:`requires`)."""

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from rest_framework import permissions

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView

_View = TypeVar("_View", bound=Callable[..., Any])


class RolePermission(permissions.DjangoModelPermissions):
    """Login required; reading needs ``view_<model>``, writing needs add/change/delete.

    Views without a queryset (reports, hierarchy, revenue) declare ``required_permission``
    ("app.codename") for reading and ``write_permission`` for writing. An action that asks
    for another permission than its view's writes (withdrawing a decision, undoing a merge)
    names it in ``action_permissions`` (action name to "app.codename"), the one its page asks
    for. A write that is two writes (ending one link and starting another) names both, as a
    tuple: the user needs every one.
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
        per_action: dict[str, str] = getattr(view, "action_permissions", {})
        explicit = per_action.get(getattr(view, "action", None) or "", explicit)
        if explicit:
            needed = (explicit,) if isinstance(explicit, str) else tuple(explicit)
            return bool(request.user.has_perms(needed))
        if getattr(view, "queryset", None) is None and not hasattr(view, "get_queryset"):
            return False
        return super().has_permission(request, view)


def user_has(user: Any, perm: str) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(perm))


def requires(*perms: str) -> Callable[[_View], _View]:
    """A UI view's permission check: the permissions its API twin asks for (403 otherwise).

    The one place a page says who may use it; logging in is LoginRequiredMiddleware's job, so a
    user without a role reaches the check and is refused here rather than shown the data. The
    names are kept on the view (``required_permissions``) for the role walk's messages.
    """

    def decorate(view: _View) -> _View:
        @wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not request.user.has_perms(perms):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        checked.required_permissions = perms  # type: ignore[attr-defined]
        return cast("_View", checked)

    return decorate
