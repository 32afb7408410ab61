"""Activity create, edit and delete, answered with the re-rendered timeline (HTMX) or a
redirect."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from verbund.activities import actions, selectors
from verbund.activities.forms import ActivityForm
from verbund.activities.models import Activity
from verbund.activities.sections import timeline_context
from verbund.core.forms import apply_errors, id_param
from verbund.core.permissions import requires
from verbund.core.security import search_problem
from verbund.core.views import HtmxHttpRequest
from verbund.parties.models import Party

# The search under the contact field shows this many matches, and says when there are more.
CONTACT_RESULTS = 10


def _section(
    request: HttpRequest, party: Party, form: ActivityForm | None = None, status: int = 200
) -> HttpResponse:
    return render(
        request, "activities/section.html", timeline_context(request, party, form), status=status
    )


@require_http_methods(["POST"])
def activity_create(request: HtmxHttpRequest, party_id: int) -> HttpResponse:
    if not request.user.has_perm("activities.add_activity"):
        raise PermissionDenied
    party = get_object_or_404(Party, pk=party_id)
    form = ActivityForm(request.POST, party=party)
    if form.is_valid():
        try:
            actions.do_create_activity(actor=request.user, party=party, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if not request.htmx:
                return redirect("party-detail", party_id=party.pk)
            return _section(request, party)
    return _section(request, party, form, status=200 if request.htmx else 400)


@require_http_methods(["GET", "POST"])
def activity_edit(request: HtmxHttpRequest, activity_id: int) -> HttpResponse:
    if not request.user.has_perm("activities.change_activity"):
        raise PermissionDenied
    activity = get_object_or_404(
        Activity.objects.select_related("party", "user", "contact"), pk=activity_id
    )
    if request.method == "POST":
        form = ActivityForm(request.POST, instance=activity)
        if form.is_valid():
            try:
                actions.do_update_activity(activity, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                if not request.htmx:
                    return redirect("party-detail", party_id=activity.party_id)
                return _section(request, activity.party)
    else:
        form = ActivityForm(instance=activity)
    return render(
        request,
        "activities/edit.html",
        {
            "activity": activity,
            "form": form,
            "party": activity.party,
            "can_delete_activity": request.user.has_perm("activities.delete_activity"),
        },
    )


@require_http_methods(["GET", "POST"])
@requires("activities.delete_activity")
def activity_delete(request: HttpRequest, activity_id: int) -> HttpResponse:
    """What deleting removes, then the deletion (the API's DELETE twin); back to the file."""
    activity = get_object_or_404(
        Activity.objects.select_related("party", "user", "contact"), pk=activity_id
    )
    if request.method == "POST":
        actions.do_delete_activity(activity, actor=request.user)
        messages.success(
            request, _("Activity “%(subject)s” deleted.") % {"subject": activity.subject}
        )
        return redirect("party-detail", party_id=activity.party_id)
    return render(
        request, "activities/delete.html", {"activity": activity, "party": activity.party}
    )


@require_http_methods(["GET"])
def contact_pick(request: HttpRequest, party_id: int) -> HttpResponse:
    """The activity form's search among an organisation's contacts, when they are too many
    for a select (HTMX): the contacts matching ``contact_query``, or with ``chosen`` the
    picker again holding that contact (nobody when it is none of the organisation's)."""
    # Listing an organisation's contacts asks what the group contacts API asks as well.
    if not request.user.has_perm("parties.view_party") or not (
        request.user.has_perm("activities.add_activity")
        or request.user.has_perm("activities.change_activity")
    ):
        raise PermissionDenied
    party = get_object_or_404(Party, pk=party_id)
    field_id = request.GET.get("f", "id_contact")[:40]
    if "chosen" in request.GET:
        pk = id_param(request.GET["chosen"])
        person = Party.objects.filter(pk=pk).first() if pk is not None else None
        chosen = None
        if person is not None and selectors.is_contact(party, person.pk):
            chosen = (person.pk, selectors.contact_label(person.display_name, person.position))
        context = {"party": party, "chosen": chosen, "field_id": field_id}
        return render(request, "activities/_contact_picker.html", context)
    query = request.GET.get("contact_query", "").strip()
    # The party search's limits (length, words), said as it says them.
    results: list[tuple[int, str]] = []
    more = False
    if not (problem := search_problem(query)):
        results, more = selectors.find_contacts(party, query, limit=CONTACT_RESULTS)
    return render(
        request,
        "activities/_contact_results.html",
        {
            "party": party,
            "query": query[:200],
            "results": results,
            "more": more,
            "field_id": field_id,
            "problem": problem,
        },
    )
