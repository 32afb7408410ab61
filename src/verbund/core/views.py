"""Small helpers for the views of every domain."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request as the views see it: django-htmx's middleware sets ``request.htmx``, which is
    truthy when HTMX sent the request."""

    htmx: HtmxDetails


def require_perm(request: HttpRequest, *perms: str) -> None:
    """Refuse with 403 unless the user holds every permission (viewers may only read)."""
    if not request.user.has_perms(perms):
        raise PermissionDenied


def finish(request: HtmxHttpRequest, url: str) -> HttpResponse:
    """After a successful write: HTMX follows ``HX-Redirect`` to ``url``, a plain form post is
    redirected there."""
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)
