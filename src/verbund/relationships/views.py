"""Relationship pages: add (with quick actions), correct, end and reopen on the customer file
and the list of all of a party's relationships of one type. Writes go to
``verbund.relationships.actions``; its refusals are shown inline in the user's language."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from verbund.core.forms import apply_errors, id_param
from verbund.core.permissions import requires
from verbund.core.views import HtmxHttpRequest, finish, require_perm
from verbund.parties.actions import do_create_party
from verbund.parties.models import Party, PartyKind
from verbund.parties.selectors import LIST_FIELDS
from verbund.relationships import file, rules
from verbund.relationships.actions import (
    do_create_relationship,
    do_end_relationship,
    do_reopen_relationship,
    do_update_relationship,
)
from verbund.relationships.forms import (
    CorrectRelationshipForm,
    EndRelationshipForm,
    RelationshipForm,
)
from verbund.relationships.models import Relationship, RelationshipType

# Quick actions preset the type and direction; the labels are the ones users asked for.
QUICK_ACTIONS = {
    "subsidiary": "group:inv",  # Tochtergesellschaft hinzufügen…
    "parent_of": "group:inv",  # Als Muttergesellschaft markieren von…
    "parent": "group:fwd",  # Muttergesellschaft festlegen…
    "contact_at": "contact:fwd",  # Ansprechpartner bei… (a person's file)
}
FIELD_MAP = {"from_party": "other", "to_party": "other", "type": "choice"}


def quick_action_titles() -> dict[str, str]:
    return {
        "subsidiary": _("Add subsidiary…"),
        "parent_of": _("Mark as parent company of…"),
        "parent": _("Set parent company…"),
        "contact_at": _("Contact at…"),
        "": _("Add relationship"),
    }


@require_http_methods(["GET", "POST"])
def relationship_add(request: HtmxHttpRequest, party_id: int) -> HttpResponse:
    # Refused before the lookup: no answer says to whom an id belongs without the right.
    require_perm(request, "relationships.add_relationship")
    party = get_object_or_404(Party, pk=party_id)
    mode = request.POST.get("mode", request.GET.get("mode", ""))
    if mode not in QUICK_ACTIONS:
        mode = ""
    types = list(RelationshipType.objects.filter(active=True))
    # A link entered today starts today unless the user says otherwise.
    initial = {"choice": QUICK_ACTIONS.get(mode, ""), "valid_from": dt.date.today()}
    data = request.POST.copy() if request.method == "POST" else None
    new_name = request.POST.get("new_name", "").strip()
    if data is not None and mode == "subsidiary" and new_name and not data.get("other"):
        data["other"] = "0"  # 0: the new party named in the form
    form = RelationshipForm(data, types=types, kind=party.kind, initial=initial)
    other: Party | None = None
    if request.method == "POST":
        if form.is_valid():
            try:
                with transaction.atomic():
                    if form.cleaned_data["other"] == 0:
                        # A new subsidiary is a new party: what creating one asks for.
                        require_perm(request, "parties.add_party")
                        other = do_create_party(
                            actor=request.user,
                            kind=PartyKind.ORGANISATION,
                            name=new_name,
                            city=request.POST.get("new_city", "").strip(),
                        )
                    else:
                        other = Party.objects.filter(pk=form.cleaned_data["other"]).first()
                        if other is None:
                            raise ValidationError({"other": [_("Choose a party.")]})
                    rtype, forward = form.type_and_direction()
                    from_party, to_party = (party, other) if forward else (other, party)
                    do_create_relationship(
                        actor=request.user,
                        type=rtype,
                        from_party=from_party,
                        to_party=to_party,
                        valid_from=form.cleaned_data["valid_from"],
                        valid_to=form.cleaned_data["valid_to"],
                        share=form.cleaned_data["share"],
                        note=form.cleaned_data["note"],
                    )
            except ValidationError as exc:
                apply_errors(form, exc, FIELD_MAP)
            else:
                return finish(request, reverse("party-detail", args=[party.pk]))
        chosen = id_param(form.data.get("other"))
        other = Party.objects.filter(pk=chosen).first() if chosen else None
    context: dict[str, Any] = {
        "party": party,
        "form": form,
        "mode": mode,
        "title": quick_action_titles()[mode],
        "other": other,
        "new_name": new_name,
        "new_city": request.POST.get("new_city", ""),
    }
    template = "relationships/add_panel.html" if request.htmx else "relationships/add_page.html"
    status = 400 if form.errors and not request.htmx else 200
    return render(request, template, context, status=status)


def _stored_link(relationship_id: int) -> Relationship:
    return get_object_or_404(
        Relationship.objects.select_related("type", "from_party", "to_party"), pk=relationship_id
    )


def _origin(request: HttpRequest, rel: Relationship) -> dict[str, Any]:
    """Where the user came from and goes back to: the file of ``party`` (one of the link's
    two parties; else its from-party), or with ``back=list`` that party's full list of the
    type."""
    asked = id_param(request.POST.get("party") or request.GET.get("party"))
    party_id = asked if asked in (rel.from_party_id, rel.to_party_id) else rel.from_party_id
    to_list = (request.POST.get("back") or request.GET.get("back")) == "list"
    url = (
        reverse("party-relationships", args=[party_id, rel.type.key])
        if to_list
        else reverse("party-detail", args=[party_id])
    )
    return {"party_id": party_id, "back": "list" if to_list else "", "back_url": url}


def _render_step(
    request: HtmxHttpRequest, name: str, context: dict[str, Any], failed: bool
) -> HttpResponse:
    """A step's form: inline in the row (HTMX) or as a page of its own."""
    template = (
        f"relationships/{name}_form.html" if request.htmx else f"relationships/{name}_page.html"
    )
    return render(request, template, context, status=400 if failed and not request.htmx else 200)


@require_http_methods(["GET", "POST"])
def relationship_end(request: HtmxHttpRequest, relationship_id: int) -> HttpResponse:
    require_perm(request, "relationships.change_relationship")
    rel = _stored_link(relationship_id)
    origin = _origin(request, rel)
    form = EndRelationshipForm(request.POST or None, initial={"valid_to": dt.date.today()})
    if request.method == "POST" and form.is_valid():
        try:
            do_end_relationship(rel, actor=request.user, valid_to=form.cleaned_data["valid_to"])
        except ValidationError as exc:
            messages = (
                exc.message_dict.get("valid_to", exc.messages)
                if hasattr(exc, "error_dict")
                else exc.messages
            )
            form.add_error("valid_to", messages)
        else:
            return finish(request, origin["back_url"])
    return _render_step(request, "end", {"rel": rel, "form": form, **origin}, bool(form.errors))


@require_http_methods(["GET", "POST"])
def relationship_correct(request: HtmxHttpRequest, relationship_id: int) -> HttpResponse:
    """Correct a link's dates, share and note: what the API's PATCH changes, with its rules."""
    require_perm(request, "relationships.change_relationship")
    rel = _stored_link(relationship_id)
    origin = _origin(request, rel)
    form = CorrectRelationshipForm(request.POST if request.method == "POST" else None, rel=rel)
    if request.method == "POST" and form.is_valid():
        try:
            do_update_relationship(rel, actor=request.user, **form.changes())
        except ValidationError as exc:
            # The link's conflicts name its other party (a cycle, a second parent, the same
            # link): the form has no such field, they stand above it.
            apply_errors(form, exc)
        else:
            return finish(request, origin["back_url"])
    return _render_step(request, "correct", {"rel": rel, "form": form, **origin}, bool(form.errors))


@require_http_methods(["GET", "POST"])
def relationship_reopen(request: HtmxHttpRequest, relationship_id: int) -> HttpResponse:
    """Take a link's end back, after a confirmation (the GET shows what will change)."""
    require_perm(request, "relationships.change_relationship")
    rel = _stored_link(relationship_id)
    origin = _origin(request, rel)
    # A link without an end has nothing to take back: said before the user confirms.
    refusals = [rules.not_ended()] if rel.valid_to is None else []
    if request.method == "POST":
        try:
            do_reopen_relationship(rel, actor=request.user)
        except ValidationError as exc:
            refusals = exc.messages
        else:
            return finish(request, origin["back_url"])
    return _render_step(
        request, "reopen", {"rel": rel, "refusals": refusals, **origin}, bool(refusals)
    )


@requires("relationships.view_relationship")
def party_relationship_list(request: HttpRequest, party_id: int, type_key: str) -> HttpResponse:
    """All relationships of one type of a party, 100 per page (the file shows the first few)."""
    party = get_object_or_404(Party.objects.only(*LIST_FIELDS), pk=party_id)
    try:
        page = max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        page = 1
    try:
        rtype, entries, more, count = file.full_list(party.pk, type_key, page)
    except RelationshipType.DoesNotExist:
        raise Http404(_("No such relationship type.")) from None
    context = {
        "party": party,
        "rtype": rtype,
        "entries": entries,
        "page": page,
        "more": more,
        "count": count,
        "can_change": request.user.has_perm("relationships.change_relationship"),
    }
    return render(request, "relationships/party_relationships.html", context)
