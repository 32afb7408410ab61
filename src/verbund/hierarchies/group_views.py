"""Parts of the group section on the file (HTMX fragments): the members' contacts, the
group's change log and its owners."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from verbund.core.permissions import requires
from verbund.hierarchies import changes, group, ownership
from verbund.parties.models import Party

UI_PAGE = 20
# The latest changes the file lists; the API and the CLI give all of them.
CHANGES_SHOWN = 100
HOLDINGS_SHOWN = 50


def _member(request: HttpRequest) -> int | None:
    raw = request.GET.get("member") or ""
    return int(raw) if raw.isdigit() and 0 < int(raw) < 2**63 else None


@requires("parties.view_party")
def group_contacts(request: HttpRequest, party_id: int) -> HttpResponse:
    party = get_object_or_404(Party.objects.only("id"), pk=party_id)
    type_key = request.GET.get("type") or "group"
    context: dict[str, Any] = {"party": party, "group_type": type_key, "error": ""}
    try:
        page = group.contacts(
            party.pk,
            type_key,
            member=_member(request),
            cursor=request.GET.get("cursor") or "",
            size=UI_PAGE,
        )
    except ValidationError as exc:
        context["error"] = " ".join(exc.messages)
        return render(request, "hierarchies/group/contacts.html", context, status=400)
    context.update(contacts=page.rows, next_cursor=page.next_cursor, member=_member(request))
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
        first=log["from"].isoformat(),
        last=log["to"].isoformat(),
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
