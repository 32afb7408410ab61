"""Request middleware: login required everywhere, and the user's chosen UI language."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

# Paths anyone may reach: the login page, static files and the JSON API (which answers 401/403
# itself, so machine clients get a status code rather than a redirect to a login form).
PUBLIC_PREFIXES = ("/accounts/login/", "/static/", "/api/", "/i18n/setlang/")


class LoginRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated and not request.path.startswith(PUBLIC_PREFIXES):
            return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.get_full_path()}")
        return self.get_response(request)


class UserLanguageMiddleware:
    """Activates the language stored in the user's profile (set on the profile page).

    Runs before LocaleMiddleware, which then honours the language cookie we set here.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request.session.get("verbund_language") if hasattr(request, "session") else None
        if language:
            request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = language
        return self.get_response(request)
