"""Parts of the group section on the file (HTMX fragments): the group's activities as one
timeline, filtered by member, kind and period, and the members with their last activity."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from verbund.activities import group
from verbund.activities.models import ActivityKind
from verbund.core.forms import id_param
from verbund.core.paging import first_row
from verbund.core.permissions import requires
from verbund.hierarchies import group as hgroup
from verbund.parties.models import Party

UI_PAGE = 20


def _member(request: HttpRequest) -> int | None:
    raw = request.GET.get("member") or ""
    value = id_param(raw)
    return value if value is not None and 0 < value < 2**63 else None


@requires("parties.view_party", "activities.view_activity")
def group_activities(request: HttpRequest, party_id: int) -> HttpResponse:
    party = get_object_or_404(Party.objects.only("id"), pk=party_id)
    q = request.GET
    type_key = q.get("type") or "group"
    context: dict[str, Any] = {
        "party": party,
        "group_type": type_key,
        "kinds": ActivityKind.choices,
        "kind": q.get("kind") or "",
        "since": q.get("since") or "",
        "until": q.get("until") or "",
        "member": _member(request),
        "error": "",
    }
    cursor = q.get("cursor") or ""
    try:
        page = group.timeline(
            party.pk,
            type_key,
            member=context["member"],
            kind=context["kind"] or None,
            since=context["since"],
            until=context["until"],
            cursor=cursor,
            size=UI_PAGE,
            counted=True,
            first=first_row(cursor, q.get("seen") or ""),
        )
    except ValidationError as exc:
        context["error"] = " ".join(exc.messages)
        return render(request, "activities/group/timeline.html", context, status=400)
    context.update(activities=page.rows, next_cursor=page.next_cursor, count=page.count)
    return render(request, "activities/group/timeline.html", context)


@requires("parties.view_party", "activities.view_activity")
def group_members(request: HttpRequest, party_id: int) -> HttpResponse:
    party = get_object_or_404(Party.objects.only("id"), pk=party_id)
    type_key = request.GET.get("type") or "group"
    context: dict[str, Any] = {"party": party, "group_type": type_key, "error": ""}
    try:
        cursor = request.GET.get("cursor") or ""
        page = hgroup.member_page(
            party.pk,
            type_key,
            cursor=cursor,
            size=UI_PAGE,
            counted=True,
            first=first_row(cursor, request.GET.get("seen") or ""),
        )
    except ValidationError as exc:
        context["error"] = " ".join(exc.messages)
        return render(request, "activities/group/members.html", context, status=400)
    rows = page.rows
    ids = [r["id"] for r in rows]
    last = group.last_activities(ids)
    contacts = hgroup.contact_counts(ids)
    for r in rows:
        r["last_activity"] = last.get(r["id"], {}).get("last")
        r["activities"] = last.get(r["id"], {}).get("count", 0)
        r["contacts"] = contacts.get(r["id"], 0)
    context.update(members=rows, next_cursor=page.next_cursor, count=page.count)
    return render(request, "activities/group/members.html", context)
