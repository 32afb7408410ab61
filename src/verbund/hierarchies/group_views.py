"""Parts of the group section on the file (HTMX fragments): the members' contacts, the
group's change log and its owners."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from verbund.core.forms import id_param, show_day
from verbund.core.paging import first_row
from verbund.core.permissions import requires
from verbund.hierarchies import changes, group, ownership
from verbund.hierarchies.actions import do_subscribe_group, do_unsubscribe_group
from verbund.parties.models import Party

UI_PAGE = 20
# The latest changes the file lists; the API and the CLI give all of them.
CHANGES_SHOWN = 100
HOLDINGS_SHOWN = 50


def _member(request: HttpRequest) -> int | None:
    raw = request.GET.get("member") or ""
    value = id_param(raw)
    return value if value is not None and 0 < value < 2**63 else None


@requires("parties.view_party")
def group_contacts(request: HttpRequest, party_id: int) -> HttpResponse:
    party = get_object_or_404(Party.objects.only("id"), pk=party_id)
    type_key = request.GET.get("type") or "group"
    context: dict[str, Any] = {"party": party, "group_type": type_key, "error": ""}
    cursor = request.GET.get("cursor") or ""
    try:
        page = group.contacts(
            party.pk,
            type_key,
            member=_member(request),
            cursor=cursor,
            size=UI_PAGE,
            counted=True,
            first=first_row(cursor, request.GET.get("seen") or ""),
        )
    except ValidationError as exc:
        context["error"] = " ".join(exc.messages)
        return render(request, "hierarchies/group/contacts.html", context, status=400)
    context.update(
        contacts=page.rows,
        next_cursor=page.next_cursor,
        member=_member(request),
        count=page.count,
    )
    return render(request, "hierarchies/group/contacts.html", context)


@requires("parties.view_party")
def group_changes(request: HttpRequest, party_id: int) -> HttpResponse:
    """The group's change log ("Änderungen seit …") between two dates."""
    party = get_object_or_404(Party.objects.only("id"), pk=party_id)
    q = request.GET
    type_key = q.get("type") or "group"
    context: dict[str, Any] = {"party": party, "group_type": type_key, "error": ""}
    try:
        log = changes.changes(party.pk, type_key, q.get("from"), q.get("to"))
    except ValidationError as exc:
        context["error"] = " ".join(exc.messages)
        context.update(first=q.get("from") or "", last=q.get("to") or "")
        return render(request, "hierarchies/group/changes.html", context, status=400)
    rows = log["changes"]
    for row in rows:
        row["kind_label"] = changes.KINDS[row["kind"]]
    context.update(
        first=show_day(log["from"]),
        last=show_day(log["to"]),
        first_day=log["from"],
        changes=rows[-CHANGES_SHOWN:][::-1],
        total=len(rows),
        shown=min(len(rows), CHANGES_SHOWN),
    )
    return render(request, "hierarchies/group/changes.html", context)


@requires("parties.view_party")
def group_ownership(request: HttpRequest, party_id: int) -> HttpResponse:
    """Who owns the party (direct, effective, beneficial) and what it holds."""
    party = get_object_or_404(Party.objects.only("id"), pk=party_id)
    context: dict[str, Any] = {"party": party, "error": ""}
    try:
        data = ownership.ownership(party.pk, None, None, request.GET.get("threshold"))
    except ValidationError as exc:
        context["error"] = " ".join(exc.messages)
        return render(request, "hierarchies/group/ownership.html", context, status=400)
    names = {o["owner"]["id"]: o["owner"]["name"] for o in data["owners"]}
    names[data["party"]["id"]] = data["party"]["name"]
    for o in data["owners"]:
        o["path_labels"] = [
            " → ".join(names.get(p, str(p)) for p in path["parties"]) for path in o["paths"][:3]
        ]
    context.update(
        data=data,
        holdings=data["holdings"][:HOLDINGS_SHOWN],
        holdings_total=len(data["holdings"]),
        holdings_shown=min(len(data["holdings"]), HOLDINGS_SHOWN),
    )
    return render(request, "hierarchies/group/ownership.html", context)


@require_POST
@requires("parties.view_party")
def group_subscription(request: HttpRequest, party_id: int) -> HttpResponse:
    """Follow or stop following the changes of the party's group ("Änderungen abonnieren",
    "Abo beenden"); back to the page the button was on."""
    party = get_object_or_404(Party, pk=party_id)
    type_key = request.POST.get("type") or "group"
    try:
        if request.POST.get("action") == "unsubscribe":
            do_unsubscribe_group(request.user, party, type_key)
            messages.success(request, _("You no longer follow this group's changes."))
        else:
            do_subscribe_group(request.user, party, type_key)
            messages.success(
                request, _("You follow this group's changes: they appear on your start page.")
            )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("party-detail", args=[party.pk])
    return HttpResponseRedirect(target)
