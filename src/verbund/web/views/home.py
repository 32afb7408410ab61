"""Start page: search with live results, recently opened files; the language switch."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from verbund.core.actions import do_set_language
from verbund.core.extensions import hooks
from verbund.core.forms import id_param
from verbund.core.models import UserProfile
from verbund.core.permissions import requires, user_has
from verbund.core.security import search_problem
from verbund.parties.models import Party
from verbund.parties.selectors import LIST_FIELDS, forwarded, ranked_search, search_parties

SEARCH_PAGE = 20


def _search_context(request: HttpRequest, *, readable: bool = True) -> dict[str, Any]:
    """The query, one page of ranked results, their count and the next page's number; no
    results for a query out of bounds (``problem`` says why) or a reader without the right."""
    query = request.GET.get("q", "").strip()
    problem = search_problem(query)
    page = max(1, min(id_param(request.GET.get("page")) or 1, 50))
    start = (page - 1) * SEARCH_PAGE
    wanted = query and readable and not problem
    ranked = ranked_search(query, want=start + SEARCH_PAGE) if wanted else None
    results = ranked.page(start, start + SEARCH_PAGE) if ranked else []
    count = len(ranked) if ranked else 0
    return {
        "query": query,
        "problem": problem,
        "results": results,
        # Nothing found under a merged record's number: where that record went.
        "forwarded": forwarded(query) if wanted and not results and start == 0 else None,
        "count": count,
        "count_capped": bool(ranked and ranked.capped),
        "first_shown": start + 1,
        "last_shown": start + len(results),
        "next_page": page + 1 if count > start + SEARCH_PAGE else None,
        "previous_page": page - 1 if page > 1 else None,
    }


def home(request: HttpRequest) -> HttpResponse:
    readable = user_has(request.user, "parties.view_party")
    # A user without a role sees the page (and whom to ask for a role), not the parties.
    context = _search_context(request, readable=readable)
    profile = UserProfile.objects.filter(user_id=request.user.pk or 0).first()
    recent_ids = list(profile.recent_party_ids) if profile and readable else []
    by_id = Party.objects.only(*LIST_FIELDS).in_bulk(recent_ids)
    recent = [by_id[i] for i in recent_ids if i in by_id]
    # Each app's blocks for the start page (core.extensions: ``sections.home_sections``).
    blocks = sorted(
        (s for hook in hooks("sections", "home_sections") for s in hook(request)),
        key=lambda s: s.order,
    )
    return render(request, "web/home.html", {**context, "recent": recent, "home_sections": blocks})


@requires("parties.view_party")
def search_results(request: HttpRequest) -> HttpResponse:
    """The live result list under the search box (HTMX); opened as a page, the start page with
    the same search and its results."""
    if request.headers.get("HX-Request") != "true":
        return home(request)
    return render(request, "web/search_results.html", _search_context(request))


@requires("parties.view_party")
def party_picker(request: HttpRequest) -> HttpResponse:
    """Type-ahead for choosing a party (HTMX): the other party of a relationship, a new parent,
    the party of a list's member filter (``web/static/web/verbund.js`` puts the choice in)."""
    query = request.GET.get("other_query", "").strip()
    exclude = [i for i in map(id_param, request.GET.getlist("exclude")) if i is not None]
    problem = search_problem(query)
    results = search_parties(query, limit=10, exclude=exclude) if query and not problem else []
    context = {"query": query, "results": results, "problem": problem}
    return render(request, "web/party_picker.html", context)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Store the chosen language in the profile and the session, and set Django's cookie."""
    language = request.POST.get("language", "")
    nxt = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        nxt = "/"
    response = HttpResponseRedirect(nxt)
    if language in dict(settings.LANGUAGES):
        do_set_language(request.user, language)
        request.session["verbund_language"] = language
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
        )
    return response
