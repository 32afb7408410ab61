"""Moving a party with its subtree ("Umhängen") from the customer file and the hierarchy view.

One form in two steps: choose the new parent and the day, then confirm what the move does
(how many members move along, from which parent to which). The confirmation comes from
``actions.check_move``, which makes the move and rolls it back, so a refusal (a cycle, the
same parent, a link that only starts that day) shows before anything is confirmed. The "Set
parent company…" quick action of a party that has a parent leads here too: a company has one
parent at a time, so a new one means moving it.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from verbund.core.forms import apply_errors, id_param
from verbund.core.permissions import requires
from verbund.core.views import HtmxHttpRequest, finish
from verbund.hierarchies import browse, selectors
from verbund.hierarchies.actions import check_move, do_move_subtree
from verbund.hierarchies.forms import MoveForm
from verbund.parties.models import Party
from verbund.relationships.rules import RELINK_PERMISSIONS

# The API's, the action's and the form's names for the same inputs.
FIELD_MAP = {"to_party": "other", "on": "on", "valid_from": "on", "valid_to": "on"}
# Moving needs what setting a parent needs (the API's twin checks the same).
MOVE_PERMISSIONS = RELINK_PERMISSIONS


def _param(request: HtmxHttpRequest, name: str, default: str = "") -> str:
    return str(request.POST.get(name) or request.GET.get(name) or default)


@require_http_methods(["GET", "POST"])
@requires(*MOVE_PERMISSIONS)
def hierarchy_move(request: HtmxHttpRequest, party_id: int) -> HttpResponse:
    party = get_object_or_404(Party, pk=party_id)
    type_key = _param(request, "type", "group")
    try:
        rtype = selectors.hierarchy_type(type_key)
    except ValidationError as exc:
        raise Http404(str(exc)) from None
    mode = "parent" if _param(request, "mode") == "parent" else ""
    back = "tree" if _param(request, "back") == "tree" else "file"
    back_url = (
        f"{reverse('hierarchy', args=[party.pk])}?type={type_key}"
        if back == "tree"
        else reverse("party-detail", args=[party.pk])
    )
    parent_now = browse.current_parent(party.pk, type_key)
    if mode == "parent" and parent_now is None and request.method == "GET":
        # No parent yet: setting one is an ordinary new relationship.
        return redirect(f"{reverse('relationship-add', args=[party.pk])}?mode=parent")
    form = MoveForm(request.POST if request.method == "POST" else None)
    summary: dict[str, Any] | None = None
    new_parent: Party | None = None
    if request.method == "POST" and form.is_valid():
        new_parent = Party.objects.filter(pk=form.cleaned_data["other"]).first()
        if new_parent is None:
            form.add_error("other", _("Choose a party."))
        else:
            args = (party, new_parent, type_key)
            kwargs = {
                "actor": request.user,
                "on": form.cleaned_data["on"],
                "note": form.cleaned_data["note"],
            }
            try:
                if request.POST.get("confirm"):
                    do_move_subtree(*args, **kwargs)
                    target = reverse(
                        "hierarchy" if back == "tree" else "party-detail", args=[party.pk]
                    )
                    return finish(
                        request, f"{target}?type={type_key}" if back == "tree" else target
                    )
                if not request.POST.get("edit"):
                    summary = check_move(*args, **kwargs)
            except ValidationError as exc:
                apply_errors(form, exc, FIELD_MAP)
    elif request.method == "POST":
        chosen = id_param(form.data.get("other"))
        new_parent = Party.objects.filter(pk=chosen).first() if chosen is not None else None
    context = {
        "party": party,
        "rtype": rtype,
        "type_key": type_key,
        "form": form,
        "mode": mode,
        "back": back,
        "back_url": back_url,
        "parent_now": parent_now,
        "new_parent": new_parent,
        "summary": summary,
        "title": _("Set parent company…") if mode == "parent" else _("Move with subsidiaries…"),
    }
    template = "hierarchies/move_panel.html" if request.htmx else "hierarchies/move_page.html"
    status = 400 if form.errors and not request.htmx else 200
    return render(request, template, context, status=status)
