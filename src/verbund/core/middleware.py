"""Request middleware: login required everywhere, two-factor login completed before anything
else, and the user's chosen UI language."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from verbund.core import twofactor

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


class TwoFactorMiddleware:
    """A session that still owes its second factor (``twofactor.VERIFY``) or its setup
    (``twofactor.SETUP``) reaches only those pages, logout, the language switch and static
    files; other pages redirect there and the API answers 403."""

    OPEN_PREFIXES = ("/static/", "/i18n/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        pending = twofactor.state(request) if request.user.is_authenticated else ""
        if not pending:
            return self.get_response(request)
        target = reverse("two-factor-verify" if pending == twofactor.VERIFY else "two-factor")
        allowed = (target, reverse("logout"), reverse("set-language"))
        if request.path in allowed or request.path.startswith(self.OPEN_PREFIXES):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": _("Complete the two-factor login first.")}, status=403)
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")


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
