"""Parts of the group section on the file (HTMX fragments): the members' contacts."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from verbund.core.permissions import requires
from verbund.hierarchies import group
from verbund.parties.models import Party

UI_PAGE = 20


def _member(request: HttpRequest) -> int | None:
    raw = request.GET.get("member") or ""
    return int(raw) if raw.isdigit() and 0 < int(raw) < 2**63 else None


@requires("parties.view_party")
def group_contacts(request: HttpRequest, party_id: int) -> HttpResponse:
    party = get_object_or_404(Party.objects.only("id"), pk=party_id)
    type_key = request.GET.get("type") or "group"
    context = {"party": party, "group_type": type_key, "error": ""}
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
