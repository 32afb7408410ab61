"""The tags ("Schlagwörter") page: every tag with how many parties hold it, and a tag created,
renamed (a name another tag has merges the two) or deleted. Every write through
``parties.actions``; the API's twin is ``/api/v1/tags/``."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from verbund.core.formatting import format_number
from verbund.core.permissions import requires
from verbund.core.views import require_perm
from verbund.parties import rules
from verbund.parties.actions import do_create_tag, do_delete_tag, do_rename_tag
from verbund.parties.models import Tag
from verbund.parties.selectors import tags_with_counts


def _page(request: HttpRequest, errors: dict[int | str, list[str]], status: int) -> HttpResponse:
    tags = tags_with_counts().order_by("name")
    return render(
        request,
        "parties/tags.html",
        {"tags": tags, "errors": errors, "typed": request.POST, "limit": rules.TAG_LIMIT},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@requires("parties.view_tag")
def tag_list(request: HttpRequest) -> HttpResponse:
    """The tags; a POST creates one."""
    if request.method == "POST":
        require_perm(request, "parties.add_tag")
        try:
            tag = do_create_tag(request.POST.get("name", ""), actor=request.user)
        except ValidationError as exc:
            return _page(request, {"new": exc.messages}, 400)
        messages.success(request, _("Tag “%(tag)s” created.") % {"tag": tag.name})
        return redirect("tag-list")
    return _page(request, {}, 200)


@require_POST
@requires("parties.change_tag")
def tag_rename(request: HttpRequest, tag_id: int) -> HttpResponse:
    """Rename a tag; a name another tag has merges it into that one (which deletes it, so that
    needs the permission to delete tags too)."""
    tag = get_object_or_404(Tag, pk=tag_id)
    name = request.POST.get("name", "")
    require_perm(request, *rules.tag_rename_permissions(tag, name))
    old = tag.name
    try:
        kept = do_rename_tag(tag, name, actor=request.user)
    except ValidationError as exc:
        return _page(request, {tag.pk: exc.messages}, 400)
    if kept.pk != tag.pk:
        messages.success(
            request, _("Tag “%(old)s” merged into “%(new)s”.") % {"old": old, "new": kept.name}
        )
    else:
        messages.success(request, _("Tag renamed to “%(tag)s”.") % {"tag": kept.name})
    return redirect("tag-list")


@require_http_methods(["GET", "POST"])
@requires("parties.delete_tag")
def tag_delete(request: HttpRequest, tag_id: int) -> HttpResponse:
    """What deleting a tag takes off (how many parties hold it), then the deletion."""
    tag = get_object_or_404(tags_with_counts(), pk=tag_id)
    if request.method == "POST":
        held = do_delete_tag(tag, actor=request.user)
        text = ngettext(
            "Tag “%(tag)s” deleted; %(count)s party lost it.",
            "Tag “%(tag)s” deleted; %(count)s parties lost it.",
            held,
        )
        messages.success(request, text % {"tag": tag.name, "count": format_number(held)})
        return redirect("tag-list")
    return render(request, "parties/tag_delete.html", {"tag": tag})
