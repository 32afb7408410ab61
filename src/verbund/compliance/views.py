"""Compliance UI: hits queue, hit review, lists with upload, runs with progress and reports."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from verbund.compliance import actions, explain, reports, rules, selectors, tasks, uploads
from verbund.compliance.filters import (
    HIT_ORDER,
    RUN_ORDER,
    HitFilterSet,
    RunFilterSet,
    RunStatus,
    hit_rows,
)
from verbund.compliance.models import (
    Hit,
    HitStatus,
    ListFormat,
    ListUpdate,
    ListUpload,
    ListVersion,
    OwnershipFlag,
    SanctionsList,
    ScreeningRun,
    ScreeningStatus,
)
from verbund.compliance.parsers import PARSERS
from verbund.core.forms import id_param
from verbund.core.paging import newest
from verbund.core.permissions import requires
from verbund.parties.models import Party, PartyKind

PAGE_SIZE = 50
VERSIONS_SHOWN = 100
UPLOADS_SHOWN = 5
view_hits = permission_required("compliance.view_hit", raise_exception=True)
review = permission_required("compliance.review_hit", raise_exception=True)


@login_required
@view_hits
def queue(request: HttpRequest) -> HttpResponse:
    """The hits queue: the hits the shared filters select (open by default), best first."""
    filterset = HitFilterSet(request.GET, queryset=hit_rows())
    rows = filterset.qs.order_by(*HIT_ORDER) if filterset.is_valid() else filterset.qs.none()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = dict(Hit.objects.values_list("status").annotate(n=Count("id")).order_by())
    statuses = rules.queue_statuses(counts.get(HitStatus.PENDING, 0))
    # Only the offer narrows: ``?status=pending`` still filters (the API's filter is the same).
    status_field = filterset.form.fields["status"]
    shown = {value for value, _label in statuses}
    status_field.widget.choices = [c for c in status_field.choices if not c[0] or c[0] in shown]
    return render(
        request,
        "compliance/queue.html",
        {
            "filter": filterset,
            "active_filters": filterset.active(),
            "page_query": filterset.page_query(),
            "page": page,
            "counts": [(value, label, counts.get(value, 0)) for value, label in statuses],
            "total": sum(counts.values()),
        },
    )


@login_required
@view_hits
def hit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    hit = get_object_or_404(
        Hit.objects.select_related("party", "list", "entry", "reviewed_by", "first_reviewer"), pk=pk
    )
    can_review = request.user.has_perm("compliance.review_hit")
    choices = rules.review_choices(hit, request.user) if can_review else []
    context = {
        "hit": hit,
        "choices": choices,
        "second_review_refusal": rules.second_review_refusal(hit, request.user)
        if can_review
        else None,
        "compared": explain.compared(hit.explanation, hit.party.kind == PartyKind.ORGANISATION),
        "qualifiers": explain.qualifiers(hit.explanation),
        "birth_dates": [explain.birth_date_text(d) for d in hit.entry.birth_dates]
        if hit.entry
        else [],
    }
    return render(request, "compliance/hit.html", context)


@login_required
@review
@require_POST
def hit_review(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    if decision not in ("confirm", "dismiss"):
        raise Http404
    hit = get_object_or_404(Hit, pk=pk)
    reason = request.POST.get("reason", "")
    try:
        if decision == "confirm":
            hit = actions.do_confirm_hit(hit, actor=request.user, reason=reason)
        else:
            hit = actions.do_dismiss_hit(hit, actor=request.user, reason=reason)
        messages.success(request, _("Saved: %(status)s") % {"status": hit.get_status_display()})
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    return redirect("compliance:hit", pk=pk)


@login_required
@permission_required("compliance.view_sanctionslist", raise_exception=True)
def lists(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if not request.user.has_perm("compliance.add_listversion"):
            raise PermissionDenied
        files = [(f.name or "upload", f.read()) for f in request.FILES.getlist("files")]
        list_key = request.POST.get("list", "").strip()
        try:
            if list_key:
                # The key's own rule (a slug of at most 64 characters), as the API applies it.
                SanctionsList._meta.get_field("key").run_validators(list_key)
            queued = uploads.do_queue_list_upload(
                request.POST.get("format", ""), files, actor=request.user, list_key=list_key
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("compliance:lists")
        return redirect("compliance:upload", pk=queued.pk)
    versions, versions_count = newest(
        ListVersion.objects.select_related("list").order_by("list__key", "-number"), VERSIONS_SHOWN
    )
    all_lists = list(SanctionsList.objects.select_related("current"))
    uploads_shown, uploads_count = newest(ListUpload.objects.select_related("actor"), UPLOADS_SHOWN)
    return render(
        request,
        "compliance/lists.html",
        {
            "lists": all_lists,
            "versions": versions,
            "versions_count": versions_count,
            "recent_uploads": uploads_shown,
            "uploads_count": uploads_count,
            "last_update": ListUpdate.objects.first(),
            "formats": [(key, label) for key, label in ListFormat.choices if key in PARSERS],
        },
    )


@login_required
@permission_required("compliance.view_sanctionslist", raise_exception=True)
def list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One list: its versions, and what the chosen one (``?version=N``, default the current)
    added, changed and removed against the version before it."""
    slist = get_object_or_404(SanctionsList.objects.select_related("current"), pk=pk)
    versions, versions_count = newest(
        ListVersion.objects.filter(list=slist).order_by("-number"), VERSIONS_SHOWN
    )
    wanted = id_param(request.GET.get("version"))
    chosen = next((v for v in versions if v.number == wanted), None)
    chosen = chosen or slist.current or (versions[0] if versions else None)
    # The entries a version added, changed or removed are list entries: their own right.
    sees_entries = request.user.has_perm("compliance.view_listentry")
    changes = selectors.version_changes(chosen) if chosen and sees_entries else {}
    labels = {"added": _("Added"), "changed": _("Changed"), "removed": _("Removed")}
    context = {
        "list": slist,
        "versions": versions,
        "versions_count": versions_count,
        "chosen": chosen,
        "changes": [(kind, labels[kind], part) for kind, part in changes.items()],
    }
    return render(request, "compliance/list.html", context)


@login_required
@permission_required("compliance.view_sanctionslist", raise_exception=True)
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    """An uploaded list being imported in the background: progress until done, then the result."""
    item = get_object_or_404(
        ListUpload.objects.select_related("version__list", "run", "actor"), pk=pk
    )
    context = {"upload": item, "progress": uploads.upload_progress(item)}
    if request.headers.get("HX-Request"):
        return render(request, "compliance/_upload_progress.html", context)
    return render(request, "compliance/upload.html", context)


@login_required
@permission_required("compliance.view_screeningrun", raise_exception=True)
def runs(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if not request.user.has_perm("compliance.run_screening"):
            raise PermissionDenied
        run = tasks.start_screen_all(request.user)
        return redirect("compliance:run", pk=run.pk)
    filterset = RunFilterSet(request.GET, queryset=ScreeningRun.objects.all())
    rows = filterset.qs.order_by(*RUN_ORDER) if filterset.is_valid() else filterset.qs.none()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "compliance/runs.html",
        {
            "filter": filterset,
            "active_filters": filterset.active(),
            "page_query": filterset.page_query(),
            "page": page,
            "run_statuses": dict(RunStatus.choices),
        },
    )


@login_required
@permission_required("compliance.view_screeningrun", raise_exception=True)
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A run: its progress and, once it has ended, what it found, a page at a time. While it
    runs, the page asks for ``_run_progress.html`` every two seconds; the answer after the end
    holds the findings, so the counts and the table always speak of the same moment."""
    run = get_object_or_404(ScreeningRun, pk=pk)
    running = run.status in (ScreeningStatus.QUEUED, ScreeningStatus.RUNNING)
    context: dict[str, Any] = {
        "run": run,
        "run_statuses": dict(RunStatus.choices),
        "running": running,
    }
    if not running:
        # The run's snapshot, new and known hits alike: an old run shows what it found then,
        # not the hits as they are now.
        findings = reports.run_findings(run)
        context["page"] = Paginator(findings, PAGE_SIZE).get_page(request.GET.get("page"))
        # The snapshot keeps the list's key; the page names the list.
        context["list_names"] = reports.list_names()
    if request.headers.get("HX-Request"):
        return render(request, "compliance/_run_progress.html", context)
    return render(request, "compliance/run.html", context)


@login_required
@permission_required("compliance.view_screeningrun", raise_exception=True)
def run_report(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "pdf"):
        raise Http404
    run = get_object_or_404(ScreeningRun, pk=pk)
    if fmt == "pdf":
        response = HttpResponse(reports.run_pdf(run), content_type="application/pdf")
    else:
        # The report people file; the API's CSV (reports.run_csv) is for programs.
        response = HttpResponse(reports.report_csv(run), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="screening-{run.pk}.{fmt}"'
    return response


@login_required
@requires("compliance.view_ownershipflag")
def party(request: HttpRequest, pk: int) -> HttpResponse:
    party_obj = get_object_or_404(Party, pk=pk)
    ctx: dict[str, Any] = {
        "party": party_obj,
        "flags": OwnershipFlag.objects.filter(party=party_obj),
    }
    if request.user.has_perm("compliance.view_hit"):
        ctx["hits"] = (
            Hit.objects.filter(party=party_obj)
            .select_related("list")
            .exclude(status=HitStatus.OBSOLETE)
        )
    return render(request, "compliance/party.html", ctx)
