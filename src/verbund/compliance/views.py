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

from verbund.compliance import actions, reports, tasks
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
    ListVersion,
    OwnershipFlag,
    SanctionsList,
    ScreeningRun,
)
from verbund.compliance.parsers import PARSERS
from verbund.core.permissions import requires
from verbund.parties.models import Party

PAGE_SIZE = 50
RUN_HITS_SHOWN = 200
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
    return render(
        request,
        "compliance/queue.html",
        {
            "filter": filterset,
            "active_filters": filterset.active(),
            "page_query": filterset.page_query(),
            "page": page,
            "counts": [(value, label, counts.get(value, 0)) for value, label in HitStatus.choices],
            "total": sum(counts.values()),
        },
    )


@login_required
@view_hits
def hit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    hit = get_object_or_404(
        Hit.objects.select_related("party", "list", "entry", "reviewed_by", "first_reviewer"), pk=pk
    )
    return render(
        request,
        "compliance/hit.html",
        {"hit": hit, "can_review": request.user.has_perm("compliance.review_hit")},
    )


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
            version = actions.do_import_list(
                request.POST.get("format", ""), files, actor=request.user, list_key=list_key
            )
            messages.success(
                request,
                _(
                    "%(list)s version %(n)s: %(count)s entries, %(added)s added, %(changed)s changed, %(removed)s removed."
                )
                % {
                    "list": version.list.name,
                    "n": version.number,
                    "count": version.entry_count,
                    "added": version.added,
                    "changed": version.changed,
                    "removed": version.removed,
                },
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("compliance:lists")
    versions = ListVersion.objects.select_related("list").order_by("list__key", "-number")[:100]
    return render(
        request,
        "compliance/lists.html",
        {
            "lists": SanctionsList.objects.select_related("current"),
            "versions": versions,
            "formats": [(key, label) for key, label in ListFormat.choices if key in PARSERS],
        },
    )


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
            "total": ScreeningRun.objects.count(),
            "run_statuses": dict(RunStatus.choices),
        },
    )


@login_required
@permission_required("compliance.view_screeningrun", raise_exception=True)
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(ScreeningRun, pk=pk)
    context: dict[str, Any] = {"run": run, "run_statuses": dict(RunStatus.choices)}
    if request.headers.get("HX-Request"):
        return render(request, "compliance/_run_progress.html", context)
    hits = hit_rows().filter(run=run)
    context["hits"] = hits.order_by(*HIT_ORDER)[:RUN_HITS_SHOWN]
    context["hits_total"] = hits.count()
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
        response = HttpResponse(reports.run_csv(run), content_type="text/csv; charset=utf-8")
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
