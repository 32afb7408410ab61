"""Review queue UI: candidates, side-by-side comparison with field-by-field choice, merges,
undo, background runs, and the entry-time fragment the party form loads as the user types."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from verbund.parties.models import Party
from verbund.quality import actions
from verbund.quality.entry import find_similar
from verbund.quality.filters import CANDIDATE_ORDER, CandidateFilterSet, candidate_rows
from verbund.quality.groups import group_roots
from verbund.quality.matching import DEFAULT_THRESHOLD, features, score_pair
from verbund.quality.models import (
    CandidateCategory,
    CandidateStatus,
    DedupeRun,
    DuplicateCandidate,
    MergeRecord,
    NotDuplicate,
)

PAGE_SIZE = 50
# Fields shown side by side; those in MERGEABLE_FIELDS can be chosen for the survivor.
COMPARE_FIELDS = [
    "name", "name2", "name3", "legal_form", "salutation", "title", "first_name", "last_name", "position",
    "birth_date", "street", "postcode", "city", "country", "vat_id", "lei", "register_number", "phone", "email",
    "website", "status",
]  # fmt: skip
ENTRY_FIELDS = [
    "kind",
    "name",
    "first_name",
    "last_name",
    "street",
    "postcode",
    "city",
    "country",
    "phone",
    "email",
    "vat_id",
    "lei",
    "birth_date",
]


@login_required
@permission_required("quality.view_duplicatecandidate", raise_exception=True)
def queue(request: HttpRequest) -> HttpResponse:
    """The review queue: the candidates the shared filters select, best first, 50 a page."""
    filterset = CandidateFilterSet(request.GET, queryset=candidate_rows())
    rows = filterset.qs.order_by(*CANDIDATE_ORDER) if filterset.is_valid() else filterset.qs.none()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    by_status = dict(
        DuplicateCandidate.objects.values_list("status").annotate(n=Count("id")).order_by()
    )
    open_by_category = dict(
        DuplicateCandidate.objects.filter(status=CandidateStatus.OPEN)
        .values_list("category")
        .annotate(n=Count("id"))
        .order_by()
    )
    context = {
        "filter": filterset,
        "active_filters": filterset.active(),
        "page_query": filterset.page_query(),
        "page": page,
        "total": sum(by_status.values()),
        "counts": {c: open_by_category.get(c, 0) for c, _l in CandidateCategory.choices},
        "runs": DedupeRun.objects.all()[:5],
        "default_threshold": DEFAULT_THRESHOLD,
        "merges": MergeRecord.objects.select_related("source", "survivor")[:10],
    }
    return render(request, "quality/queue.html", context)


@login_required
@permission_required("quality.add_deduperun", raise_exception=True)
@require_POST
def start_run(request: HttpRequest) -> HttpResponse:
    from verbund.quality.tasks import run_dedupe

    try:
        threshold = float(request.POST.get("threshold") or DEFAULT_THRESHOLD)
        run = actions.do_create_run(
            actor=request.user, kind=request.POST.get("kind", "organisation"), threshold=threshold
        )
    except (ValueError, ValidationError) as exc:
        messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("quality-queue")
    run_dedupe.enqueue(run.pk)
    messages.success(request, _("Duplicate detection started; the queue fills when it is done."))
    return redirect("quality-queue")


def _compare_context(a: Party, b: Party) -> dict[str, Any]:
    roots = group_roots([a.pk, b.pk])
    lo, hi = sorted((a.pk, b.pk))
    candidate = DuplicateCandidate.objects.filter(party_a_id=lo, party_b_id=hi).first()
    # Only the bulk run knows a switchboard number or a shared mailbox (one number or address at
    # many addresses); score the pair here as the run that proposed it did.
    levels = (
        {(e.get("field"), e.get("level")) for e in (candidate.evidence or [])}
        if candidate
        else set()
    )
    shared = {
        "phone_shared": "y" if ("phone", "switchboard") in levels else "",
        "email_shared": "y" if ("email", "shared") in levels else "",
    }
    fa = features({**_values(a), "group_root": roots.get(a.pk), **shared})
    fb = features({**_values(b), "group_root": roots.get(b.pk), **shared})
    result = score_pair(fa, fb)
    rows = []
    for f in COMPARE_FIELDS:
        va, vb = getattr(a, f), getattr(b, f)
        rows.append(
            {
                "field": f,
                "label": getattr(Party._meta.get_field(f), "verbose_name", f),
                "a": va or "",
                "b": vb or "",
                "differs": (va or "") != (vb or ""),
            }
        )
    return {
        "a": a,
        "b": b,
        "rows": rows,
        "result": result,
        "rejected": NotDuplicate.objects.filter(party_a_id=lo, party_b_id=hi).first(),
        "contacts": {"a": a.contacts.count(), "b": b.contacts.count()},
    }


def _values(p: Party) -> dict[str, Any]:
    return {f.attname: getattr(p, f.attname) for f in Party._meta.concrete_fields}


@login_required
@permission_required("quality.view_duplicatecandidate", raise_exception=True)
def candidate(request: HttpRequest, candidate_id: int) -> HttpResponse:
    cand = get_object_or_404(DuplicateCandidate, pk=candidate_id)
    return redirect("quality-compare", a=cand.party_a_id, b=cand.party_b_id)


@login_required
@permission_required("quality.view_duplicatecandidate", raise_exception=True)
def compare(request: HttpRequest, a: int, b: int) -> HttpResponse:
    pa, pb = get_object_or_404(Party, pk=a), get_object_or_404(Party, pk=b)
    return render(request, "quality/compare.html", _compare_context(pa, pb))


@login_required
@permission_required("quality.add_mergerecord", raise_exception=True)
@require_POST
def merge(request: HttpRequest, a: int, b: int) -> HttpResponse:
    """Merge with the survivor and each field's surviving value as chosen in the form."""
    pa, pb = get_object_or_404(Party, pk=a), get_object_or_404(Party, pk=b)
    keep = request.POST.get("survivor", "a")
    survivor, source = (pa, pb) if keep == "a" else (pb, pa)
    values: dict[str, Any] = {}
    for f in COMPARE_FIELDS:
        side = request.POST.get(f"field_{f}")
        if f in actions.MERGEABLE_FIELDS and side in ("a", "b") and side != keep:
            values[f] = getattr(pa if side == "a" else pb, f)
    try:
        record = actions.do_merge(
            source, survivor, actor=request.user, values=values, note=request.POST.get("note", "")
        )
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
        return redirect("quality-compare", a=a, b=b)
    messages.success(
        request,
        _("Merged %(source)s into %(survivor)s.") % {"source": source, "survivor": survivor},
    )
    return redirect("quality-merge", merge_id=record.pk)


@login_required
@permission_required("quality.add_notduplicate", raise_exception=True)
@require_POST
def not_duplicate(request: HttpRequest, a: int, b: int) -> HttpResponse:
    pa, pb = get_object_or_404(Party, pk=a), get_object_or_404(Party, pk=b)
    try:
        actions.do_mark_not_duplicate(pa, pb, actor=request.user, note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
        return redirect("quality-compare", a=a, b=b)
    messages.success(request, _("Remembered: these are different parties."))
    return redirect("quality-queue")


@login_required
@permission_required("quality.view_mergerecord", raise_exception=True)
def merge_detail(request: HttpRequest, merge_id: int) -> HttpResponse:
    record = get_object_or_404(
        MergeRecord.objects.select_related("source", "survivor", "actor"), pk=merge_id
    )
    return render(request, "quality/merge.html", {"record": record, "moved": record.moved})


@login_required
@permission_required("quality.change_mergerecord", raise_exception=True)
@require_POST
def undo(request: HttpRequest, merge_id: int) -> HttpResponse:
    record = get_object_or_404(MergeRecord, pk=merge_id)
    try:
        actions.do_undo_merge(record, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(request, _("The merge was undone."))
    return redirect("quality-merge", merge_id=merge_id)


@login_required
@permission_required("parties.view_party", raise_exception=True)
def similar(request: HttpRequest) -> HttpResponse:
    """HTML fragment: parties similar to the form's current values (HTMX, as the user types)."""
    data: dict[str, Any] = {f: request.GET.get(f, "").strip() for f in ENTRY_FIELDS}
    data["kind"] = data["kind"] or "organisation"
    if data.get("birth_date"):
        try:
            import datetime as dt

            data["birth_date"] = dt.date.fromisoformat(data["birth_date"])
        except ValueError:
            data["birth_date"] = None
    exclude = request.GET.get("exclude") or request.GET.get("party_id") or ""
    found = (
        find_similar(data, limit=5, exclude_id=int(exclude) if exclude.isdigit() else None)
        if (data["name"] or data["last_name"] or data["vat_id"] or data["email"])
        else []
    )
    return render(request, "quality/similar.html", {"found": found, "exclude": exclude})
