"""Follow-up pages: create, change, complete, reopen and delete on the customer file (HTMX,
answered with the re-rendered section, or a redirect), the list of follow-ups and, on it, the
user's choice of the daily reminder mail."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from verbund.core.actions import do_set_reminder_mail
from verbund.core.forms import apply_errors
from verbund.core.permissions import requires
from verbund.core.views import HtmxHttpRequest
from verbund.followups import actions, selectors
from verbund.followups.filters import ME, ORDER, FollowUpFilterSet
from verbund.followups.forms import CompleteForm, FollowUpForm
from verbund.followups.models import FollowUp
from verbund.followups.sections import file_context
from verbund.parties.models import Party

PAGE_SIZE = 50
LOG_PERMISSION = "activities.add_activity"


def _section(
    request: HttpRequest, party: Party, form: FollowUpForm | None = None, status: int = 200
) -> HttpResponse:
    return render(
        request, "followups/section.html", file_context(request, party, form), status=status
    )


def _back(request: HtmxHttpRequest, follow_up: FollowUp) -> HttpResponse:
    """The file's section again (HTMX), else back where the user came from: the list or the
    file."""
    if request.htmx:
        return _section(request, follow_up.party)
    if target := _list_page(request):
        return redirect(target)
    return redirect("party-detail", party_id=follow_up.party_id)


def _list_page(request: HttpRequest) -> str:
    """The ``next`` the form carries when it is the follow-ups list (with its filters), else
    "": a path of this site's list only, never another host."""
    target = request.POST.get("next", "")
    return target if target.startswith("/follow-ups/") else ""


def _follow_up(follow_up_id: int) -> FollowUp:
    return get_object_or_404(
        FollowUp.objects.select_related("party", "assigned_to"), pk=follow_up_id
    )


@require_http_methods(["POST"])
@requires("followups.add_followup")
def follow_up_create(request: HtmxHttpRequest, party_id: int) -> HttpResponse:
    party = get_object_or_404(Party, pk=party_id)
    form = FollowUpForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            actions.do_create_follow_up(actor=request.user, party=party, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if not request.htmx:
                return redirect("party-detail", party_id=party.pk)
            return _section(request, party)
    return _section(request, party, form, status=200 if request.htmx else 400)


def _edit_ids(follow_up: FollowUp) -> str:
    # The edit form opens beside the file's create form: ids of its own.
    return f"edit-{follow_up.pk}-%s"


@require_http_methods(["GET", "POST"])
@requires("followups.change_followup")
def follow_up_edit(request: HtmxHttpRequest, follow_up_id: int) -> HttpResponse:
    follow_up = _follow_up(follow_up_id)
    if request.method == "POST":
        form = FollowUpForm(request.POST, instance=follow_up, auto_id=_edit_ids(follow_up))
        if form.is_valid():
            try:
                actions.do_change_follow_up(follow_up, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                return _back(request, follow_up)
    else:
        form = FollowUpForm(instance=follow_up, auto_id=_edit_ids(follow_up))
    return render(
        request,
        "followups/edit.html",
        {
            "follow_up": follow_up,
            "form": form,
            "party": follow_up.party,
            "can_delete_follow_up": request.user.has_perm("followups.delete_followup"),
        },
        status=400 if form.errors and not request.htmx else 200,
    )


@require_http_methods(["POST"])
@requires("followups.change_followup")
def follow_up_complete(request: HtmxHttpRequest, follow_up_id: int) -> HttpResponse:
    """Done; a text of what happened logs an activity (which needs the right to log one, as
    the API's ``log_activity``)."""
    follow_up = _follow_up(follow_up_id)
    form = CompleteForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return _back(request, follow_up)
    text = form.cleaned_data["activity_text"].strip()
    if text and not request.user.has_perm(LOG_PERMISSION):
        raise PermissionDenied
    try:
        actions.do_complete_follow_up(
            follow_up,
            actor=request.user,
            log_activity=bool(text),
            activity_kind=form.cleaned_data["activity_kind"],
            activity_text=text,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return _back(request, follow_up)


@require_http_methods(["POST"])
@requires("followups.change_followup")
def follow_up_reopen(request: HtmxHttpRequest, follow_up_id: int) -> HttpResponse:
    follow_up = _follow_up(follow_up_id)
    actions.do_reopen_follow_up(follow_up, actor=request.user)
    return _back(request, follow_up)


@require_http_methods(["GET", "POST"])
@requires("followups.delete_followup")
def follow_up_delete(request: HttpRequest, follow_up_id: int) -> HttpResponse:
    """What deleting removes, then the deletion (the API's DELETE twin); back to the file."""
    follow_up = _follow_up(follow_up_id)
    if request.method == "POST":
        actions.do_delete_follow_up(follow_up, actor=request.user)
        messages.success(
            request, _("Follow-up “%(subject)s” deleted.") % {"subject": follow_up.subject}
        )
        return redirect("party-detail", party_id=follow_up.party_id)
    return render(
        request, "followups/delete.html", {"follow_up": follow_up, "party": follow_up.party}
    )


@requires("followups.view_followup")
def follow_up_list(request: HttpRequest) -> HttpResponse:
    """The follow-ups the shared filters select (the user's open ones by default), soonest
    first."""
    rows = FollowUp.objects.select_related("party", "assigned_to", "done_by")
    filterset = FollowUpFilterSet(request.GET, queryset=rows, request=request)
    found = filterset.qs.order_by(*ORDER) if filterset.is_valid() else rows.none()
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    form = filterset.form
    assignee = form.fields["assigned_to"]
    # On the field too: the active filters name the choice ("Zuständig: ich").
    assignee.choices = assignee.widget.choices = [  # type: ignore[attr-defined]
        (ME, _("me")),
        ("", _("everyone")),
        *selectors.user_choices(),
    ]
    return render(
        request,
        "followups/list.html",
        {
            "filter": filterset,
            "active_filters": filterset.active(),
            "page_query": filterset.page_query(),
            "page": page,
            "today": timezone.localdate(),
            "next": request.get_full_path(),
            "can_change_follow_up": request.user.has_perm("followups.change_followup"),
            "can_log_activity": request.user.has_perm(LOG_PERMISSION),
            "reminder_mail": selectors.reminder_mail_on(request.user),
        },
    )


@require_http_methods(["POST"])
@requires("followups.view_followup")
def reminder_mail(request: HttpRequest) -> HttpResponse:
    """Switch one's own daily reminder mail on or off (the list's checkbox); back to the list."""
    enabled = request.POST.get("reminder_mail") == "on"
    do_set_reminder_mail(request.user, enabled)
    if enabled:
        messages.success(request, _("The daily reminder by e-mail is switched on."))
    else:
        messages.success(request, _("The daily reminder by e-mail is switched off."))
    return redirect(_list_page(request) or "follow-up-page")
