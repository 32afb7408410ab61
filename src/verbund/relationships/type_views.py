"""Relationship types: list (everyone who may read them, as in the API), create, edit,
deactivate (stewards and administrators)."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from verbund.core.forms import apply_errors
from verbund.core.views import require_perm
from verbund.relationships.actions import (
    TYPE_FIELDS,
    do_create_relationship_type,
    do_deactivate_relationship_type,
    do_update_relationship_type,
)
from verbund.relationships.forms import RelationshipTypeForm
from verbund.relationships.models import RelationshipType

TYPE_PERM = "relationships.change_relationshiptype"


def type_list(request: HttpRequest) -> HttpResponse:
    require_perm(request, "relationships.view_relationshiptype")
    return render(
        request, "relationships/type_list.html", {"types": RelationshipType.objects.all()}
    )


@require_http_methods(["GET", "POST"])
def type_create(request: HttpRequest) -> HttpResponse:
    require_perm(request, "relationships.add_relationshiptype")
    form = RelationshipTypeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            do_create_relationship_type(
                actor=request.user,
                **{k: v for k, v in form.cleaned_data.items() if k in TYPE_FIELDS},
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("type-list")
    return render(
        request,
        "relationships/type_form.html",
        {"form": form, "title": _("New relationship type")},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def type_edit(request: HttpRequest, type_id: int) -> HttpResponse:
    require_perm(request, TYPE_PERM)
    rtype = get_object_or_404(RelationshipType, pk=type_id)
    form = RelationshipTypeForm(request.POST or None, instance=rtype)
    if request.method == "POST" and form.is_valid():
        try:
            do_update_relationship_type(
                RelationshipType.objects.get(pk=rtype.pk),
                actor=request.user,
                **{k: v for k, v in form.cleaned_data.items() if k in TYPE_FIELDS},
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("type-list")
    return render(
        request,
        "relationships/type_form.html",
        {"form": form, "rtype": rtype, "title": _("Edit %(name)s") % {"name": rtype.name}},
        status=400 if form.errors else 200,
    )


@require_POST
def type_toggle(request: HttpRequest, type_id: int) -> HttpResponse:
    require_perm(request, TYPE_PERM)
    rtype = get_object_or_404(RelationshipType, pk=type_id)
    do_deactivate_relationship_type(rtype, actor=request.user, active=not rtype.active)
    return redirect("type-list")
