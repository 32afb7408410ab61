"""Small helpers shared by the views."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest


def is_htmx(request: HttpRequest) -> bool:
    """Whether HTMX sent the request (django-htmx sets ``request.htmx``)."""
    return bool(getattr(request, "htmx", False))


def require_perm(request: HttpRequest, *perms: str) -> None:
    """Refuse with 403 unless the user holds every permission (viewers may only read)."""
    if not request.user.has_perms(perms):
        raise PermissionDenied
