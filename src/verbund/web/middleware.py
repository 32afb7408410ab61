"""HTMX fragments opened as pages: a URL that answers an HTMX request with a piece of a page
(the revenue section, a relationship panel, a tree branch) is also a link someone may open,
bookmark or reload. Opened directly, the piece is shown inside the page frame (top bar, menu,
styles) instead of as bare markup; HTMX requests keep getting the bare piece."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

FULL_PAGE_STARTS = (b"<!doctype", b"<html")


def is_fragment(response: HttpResponse) -> bool:
    """An HTML answer that is not a whole document."""
    if response.status_code != 200 or getattr(response, "streaming", False):
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    if response.has_header("Content-Disposition"):
        return False
    head = response.content.lstrip()[:200].lower()
    return bool(head) and not head.startswith(FULL_PAGE_STARTS)


class FragmentPageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.headers.get("HX-Request") == "true" or not is_fragment(response):
            return response
        charset = response.charset or "utf-8"
        fragment = response.content.decode(charset, errors="replace")
        response.content = render_to_string(
            "web/fragment_page.html",
            {"fragment": mark_safe(fragment)},  # noqa: S308 - our own rendered response
            request=request,
        ).encode(charset)
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        return response
