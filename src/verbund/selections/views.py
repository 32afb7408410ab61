"""Pages of selections: the list (each with its count, loaded after the page), saving the
party list's filters, a selection with its first parties, its exports, deleting it.

Opening a selection is the party list with its filters: the same FilterSet, the same page.
Every read goes through ``selections.selectors``, every write through ``selections.actions``.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from verbund.core.exports import XLSX_TYPE
from verbund.core.permissions import requires
from verbund.core.roles import ROLES
from verbund.hierarchies import selectors as hierarchy
from verbund.parties.models import Party
from verbund.parties.selectors import LIST_FIELDS
from verbund.selections import actions, describe, exports, rules, runs, selectors
from verbund.selections.models import Selection
from verbund.selections.sections import WHITE_SPACE_TYPES

FIRST_PAGE = 50
PERMISSION = "selections.view_selection"


def _visible(request: HttpRequest, selection_id: int) -> Selection:
    return get_object_or_404(selectors.visible(request.user), pk=selection_id)


def _by_field(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict if hasattr(exc, "error_dict") else {"filters": exc.messages}


@requires(PERMISSION)
def selection_list(request: HttpRequest) -> HttpResponse:
    rows = list(selectors.visible(request.user).order_by("name", "id"))
    for row in rows:
        row.role_label = describe.role_name(row.shared_with.name if row.shared_with else None)  # type: ignore[attr-defined]
    return render(request, "selections/list.html", {"selections": rows})


@requires(PERMISSION, "parties.view_party")
def selection_count(request: HttpRequest, selection_id: int) -> HttpResponse:
    """The number of parties the selection selects now (HTMX, after the list)."""
    selection = _visible(request, selection_id)
    try:
        count: int | None = selectors.count(selection.filters)
    except ValidationError:
        count = None
    return render(request, "selections/count.html", {"count": count})


@requires("parties.view_party")
def white_space_count(request: HttpRequest, party_id: int, type_key: str) -> HttpResponse:
    """How many members of the group, chain or association headed by ``party_id`` have no
    revenue in the last 12 months (HTMX, when the customer file's line is opened): the count
    of the party list the link opens, as ``/api/v1/party-counts/`` gives it."""
    if type_key not in WHITE_SPACE_TYPES or not Party.objects.filter(pk=party_id).exists():
        raise Http404
    filters = selectors.white_space_filters(party_id, type_key)
    link = {
        "type_name": hierarchy.hierarchy_type(type_key).name,
        "size": hierarchy.group_size(party_id, type_key),
        "count": selectors.white_space_count(party_id, type_key),
        "query": selectors.list_query(filters),
    }
    return render(request, "selections/white_space_count.html", {"link": link})


def _roles(request: HttpRequest) -> list[tuple[str, str]]:
    """The roles the user may share with (those they hold; every role for an administrator)."""
    user: Any = request.user
    held = set(user.groups.values_list("name", flat=True))
    names = dict(describe.role_names())
    allowed = ROLES if (user.is_superuser or "admin" in held) else [r for r in ROLES if r in held]
    return [(r, names[r]) for r in allowed]


@require_http_methods(["GET", "POST"])
@requires("selections.add_selection")
def selection_create(request: HttpRequest) -> HttpResponse:
    """Save the party list's filters (the query string ``filters``) under a name."""
    raw = request.POST.get("filters") if request.method == "POST" else request.GET.urlencode()
    query = QueryDict(raw or "")
    # The list's form sends every field, the empty ones too: those filter nothing.
    filters = {
        n: v if len(v) > 1 else v[0] for n in query if (v := [x for x in query.getlist(n) if x])
    }
    errors: dict[str, list[str]] = {}
    name = request.POST.get("name", "")
    shared_with = request.POST.get("shared_with", "")
    if request.method == "POST":
        try:
            saved = actions.do_save_selection(
                actor=request.user, name=name, filters=filters, shared_with=shared_with or None
            )
        except ValidationError as exc:
            errors = _by_field(exc)
        else:
            return redirect("selection-detail", selection_id=saved.pk)
    try:
        count: int | None = selectors.count(filters)
        described = describe.filters(filters)
    except ValidationError as exc:
        count, described = None, []
        for field, messages in _by_field(exc).items():
            errors.setdefault(field, []).extend(messages)
    field_errors = {k: v for k, v in errors.items() if k in ("name", "shared_with")}
    filter_errors = [m for k, v in errors.items() if k not in field_errors for m in v]
    return render(
        request,
        "selections/form.html",
        {
            "filters_query": selectors.list_query(filters),
            "described": described,
            "count": count,
            "name": name,
            "shared_with": shared_with,
            "roles": _roles(request),
            "errors": field_errors,
            "filter_errors": filter_errors,
        },
        status=400 if errors else 200,
    )


@requires(PERMISSION, "parties.view_party")
def selection_detail(request: HttpRequest, selection_id: int) -> HttpResponse:
    """The selection: its filters in words, its count and its first parties by name, and a
    link to its background change while one is open (the user may have left its page)."""
    selection = _visible(request, selection_id)
    try:
        parties = selectors.parties(selection.filters)
        count: int | None = parties.order_by().count()
        first = list(parties.only(*LIST_FIELDS).order_by("name", "id")[:FIRST_PAGE])
        problems: list[str] = []
    except ValidationError as exc:
        count, first = None, []
        problems = [m for messages in _by_field(exc).values() for m in messages]
    return render(
        request,
        "selections/detail.html",
        {
            "selection": selection,
            "described": describe.filters(selection.filters) if not problems else [],
            "problems": problems,
            "count": count,
            "parties": first,
            "list_query": selectors.list_query(selection.filters),
            "is_owner": selection.owner_id == request.user.pk,
            "running": runs.open_run(selection)
            if request.user.has_perm("parties.change_party")
            else None,
            "role_label": describe.role_name(
                selection.shared_with.name if selection.shared_with else None
            ),
        },
    )


@requires(PERMISSION, "parties.view_party")
def selection_export(request: HttpRequest, selection_id: int, fmt: str) -> HttpResponseBase:
    """The selection's parties as CSV or Excel, streamed."""
    if fmt not in ("csv", "xlsx"):
        raise Http404(_("Unknown export format."))
    selection = _visible(request, selection_id)
    try:
        parties = selectors.parties(selection.filters)
    except ValidationError as exc:
        raise Http404(str(exc)) from None
    stem = f"selektion-{selection.pk}-{dt.date.today().isoformat()}"
    response: HttpResponseBase
    if fmt == "csv":
        response = StreamingHttpResponse(
            exports.csv_pieces(parties), content_type="text/csv; charset=utf-8"
        )
    else:
        response = FileResponse(exports.xlsx_file(parties, selection.name), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


@require_http_methods(["GET", "POST"])
@requires("selections.delete_selection")
def selection_delete(request: HttpRequest, selection_id: int) -> HttpResponse:
    """What deleting removes (the selection, not its parties), then the deletion (owner)."""
    selection = _visible(request, selection_id)
    if request.method == "POST":
        actions.do_delete_selection(selection, actor=request.user)
        return redirect(reverse("selection-list"))
    rules.check_owner(selection, request.user)
    return render(request, "selections/delete.html", {"selection": selection})
