"""Limits and guards against hostile input and brute force (issue 21).

- ``json_depth`` / ``MAX_JSON_DEPTH``: JSON nested deeper than a record ever is, refused by every
  JSON reader (import files, sanctions lists, API request bodies) before it exhausts a stack.
- ``BoundedJSONParser``: the API's JSON body parser, answering 400 to such bodies.
- ``client_ip``: the address a request came from, as the WSGI server saw it (behind a trusted
  proxy waitress has already put the proxy's X-Forwarded-For there; nothing else is trusted).
- ``lockout_response``: the login page with the lockout message, for django-axes.
- ``ApiAuthFailureMiddleware``: failed API authentication throttled per address.
- ``check_search``: search text bounded (``SEARCH_MAX_CHARS``, ``SEARCH_MAX_WORDS``) before it
  becomes a LIKE pattern per word (SQLite gives up on long patterns with a 500) or a fuzzy
  comparison with every candidate.
"""

from collections.abc import Callable
from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# Longer than any name, number or address anyone types into a search box.
SEARCH_MAX_CHARS = 200
SEARCH_MAX_WORDS = 12


def check_search(value: str) -> None:
    """Refuse search text no person types (too long, too many words) with a message saying the
    limit; the API answers 400 with it, the pages show it at the search box."""
    if len(value) > SEARCH_MAX_CHARS:
        raise ValidationError(
            _("The search text is too long: at most %(max)d characters.")
            % {"max": SEARCH_MAX_CHARS},
            code="search_too_long",
        )
    if len(value.split()) > SEARCH_MAX_WORDS:
        raise ValidationError(
            _("The search has too many words: at most %(max)d.") % {"max": SEARCH_MAX_WORDS},
            code="search_too_many_words",
        )


def search_problem(value: str) -> str:
    """The message of :func:`check_search` for ``value``, empty when the search is fine."""
    try:
        check_search(value)
    except ValidationError as exc:
        return str(exc.messages[0])
    return ""


# A JSON value nested deeper than this is not a record of ours (rows are flat; a value may
# hold a list or an object or two).
MAX_JSON_DEPTH = 32


def json_depth(value: Any, limit: int = MAX_JSON_DEPTH) -> int:
    """How deeply ``value`` nests lists and objects (a scalar is 0, ``{}`` is 1), counted
    without recursion and only up to ``limit`` + 1."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return deepest


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser, refusing bodies nested deeper than MAX_JSON_DEPTH with a 400 (the
    decoder itself would raise RecursionError, a 500, at about a thousand levels)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            data, depth = None, MAX_JSON_DEPTH + 1
        else:
            depth = json_depth(data)
        if depth > MAX_JSON_DEPTH:
            raise ParseError(
                _("The JSON is nested deeper than %(limit)s levels.") % {"limit": MAX_JSON_DEPTH}
            )
        return data


def client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "")


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check for logins over the network. Without a request (the test
    client's ``login``, code on the server) there is no address to lock and nothing to check."""

    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


# --- login lockout (django-axes) ---------------------------------------------------------------


def lockout_minutes() -> int:
    return max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))


def lockout_message() -> str:
    minutes = lockout_minutes()
    return ngettext(
        "Too many failed logins for this user name or from this address. Logging in is locked for %(minutes)s minute; please try again later.",
        "Too many failed logins for this user name or from this address. Logging in is locked for %(minutes)s minutes; please try again later.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """django-axes' answer to a locked-out login: the login page with the message (429)."""
    from django.contrib.auth.forms import AuthenticationForm
    from django.shortcuts import render

    if request.path.startswith("/api/"):
        return JsonResponse({"detail": lockout_message()}, status=429)
    return render(
        request,
        "registration/login.html",
        {
            "form": AuthenticationForm(request),
            "locked_out": lockout_message(),
            "next": request.POST.get("next", request.GET.get("next", "")),
        },
        status=429,
    )


# --- failed API authentication ---------------------------------------------------------------


def _api_key(address: str) -> str:
    return f"verbund:api-auth-failures:{address}"


class ApiAuthFailureMiddleware:
    """Counts API requests from one address that end unauthenticated with 401/403 (a wrong
    token, wrong or missing credentials) and answers 429 to every API request from that address
    once ``VERBUND_API_AUTH_FAILURE_LIMIT`` of them fell within ``VERBUND_API_AUTH_WINDOW``
    seconds, until the window has passed. Authenticated requests are never counted, so a team's
    normal use never meets the limit, however busy.

    The counts live in Django's cache (per process with the default local-memory cache).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        limit = int(settings.VERBUND_API_AUTH_FAILURE_LIMIT)
        window = int(settings.VERBUND_API_AUTH_WINDOW)
        key = _api_key(client_ip(request))
        if limit and (cache.get(key) or 0) >= limit:
            refused = JsonResponse(
                {
                    "detail": _(
                        "Too many failed authentications from this address; try again in %(seconds)s seconds."
                    )
                    % {"seconds": window}
                },
                status=429,
            )
            refused["Retry-After"] = str(window)
            return refused
        response = self.get_response(request)
        # The window starts at the first failure; add() only sets a missing key.
        if (
            limit
            and response.status_code in (401, 403)
            and not getattr(getattr(request, "user", None), "is_authenticated", False)
            and not cache.add(key, 1, window)
        ):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, window)
        return response
