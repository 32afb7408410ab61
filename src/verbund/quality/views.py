"""Review queue UI: candidates, side-by-side comparison with field-by-field choice, merges,
undo, background runs, and the entry-time fragment the party form loads as the user types."""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from verbund.core.forms import id_param
from verbund.core.paging import newest
from verbund.parties.models import Party
from verbund.quality import actions
from verbund.quality.detection import current_model, model_overview
from verbund.quality.entry import find_similar
from verbund.quality.features import features
from verbund.quality.filters import CANDIDATE_ORDER, CandidateFilterSet, candidate_rows
from verbund.quality.forms import RunForm
from verbund.quality.groups import group_roots
from verbund.quality.matching import DEFAULT_THRESHOLD, score_pair
from verbund.quality.models import (
    CandidateCategory,
    CandidateStatus,
    DedupeRun,
    DuplicateCandidate,
    MergeRecord,
    NotDuplicate,
)
from verbund.quality.rules import MIN_RECORDS

PAGE_SIZE = 50
# The queue's last runs and merges (each says how many of how many it shows).
RUNS_SHOWN = 5
MERGES_SHOWN = 10
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
    open_by_category = dict(
        DuplicateCandidate.objects.filter(status=CandidateStatus.OPEN)
        .values_list("category")
        .annotate(n=Count("id"))
        .order_by()
    )
    runs, runs_count = newest(DedupeRun.objects.all(), RUNS_SHOWN)
    merges, merges_count = newest(
        MergeRecord.objects.select_related("source", "survivor"), MERGES_SHOWN
    )
    context = {
        "filter": filterset,
        "active_filters": filterset.active(),
        "page_query": filterset.page_query(),
        "page": page,
        "counts": {c: open_by_category.get(c, 0) for c, _l in CandidateCategory.choices},
        "runs": runs,
        "runs_count": runs_count,
        "run_form": RunForm(),
        "merges": merges,
        "merges_count": merges_count,
        "match_models": model_overview(),
        "min_records": MIN_RECORDS,
    }
    return render(request, "quality/queue.html", context)


@login_required
@permission_required("quality.add_deduperun", raise_exception=True)
@require_POST
def start_run(request: HttpRequest) -> HttpResponse:
    from verbund.quality.tasks import run_dedupe

    form = RunForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, "; ".join(str(m) for errors in form.errors.values() for m in errors)
        )
        return redirect("quality-queue")
    typed = form.cleaned_data["threshold"]
    try:
        run = actions.do_create_run(
            actor=request.user,
            kind=request.POST.get("kind", "organisation"),
            threshold=DEFAULT_THRESHOLD if typed is None else float(typed),
        )
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
        return redirect("quality-queue")
    run_dedupe.enqueue(run.pk)
    return redirect("quality-run", pk=run.pk)


@login_required
@permission_required("quality.view_deduperun", raise_exception=True)
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One detection run; the page asks again every two seconds until the run is done."""
    run = get_object_or_404(DedupeRun, pk=pk)
    template = (
        "quality/_run_status.html" if request.headers.get("HX-Request") else "quality/run.html"
    )
    return render(request, template, {"run": run})


def _score_context(a: Party, b: Party) -> dict[str, Any]:
    """The pair's score as the run that proposed it computed it, and the pair's decision."""
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
        "name_shared": "y" if ("name", "chain") in levels else "",
    }
    fa = features({**_values(a), "group_root": roots.get(a.pk), **shared})
    fb = features({**_values(b), "group_root": roots.get(b.pk), **shared})
    stored = current_model(a.kind)
    return {
        "result": score_pair(fa, fb, stored.as_weights() if stored else None),
        "rejected": NotDuplicate.objects.filter(party_a_id=lo, party_b_id=hi)
        .select_related("decided_by")
        .first(),
    }


def _compare_context(parties: list[Party]) -> dict[str, Any]:
    """Side by side: one column per record, each differing field pre-selected from the record
    whose value the merge takes by default (``preferred_sources``: never an empty value)."""
    survivor = parties[0]
    picks = actions.preferred_sources(parties, survivor)
    rows = []
    for f in COMPARE_FIELDS:
        values = [getattr(p, f) or "" for p in parties]
        if not any(values):
            continue  # a field no record fills has nothing to choose
        rows.append(
            {
                "field": f,
                "label": actions.field_label(f),
                "cells": [
                    {
                        "party": p.pk,
                        "value": _shown(p, f, v),
                        "picked": picks.get(f, survivor.pk) == p.pk,
                    }
                    for p, v in zip(parties, values, strict=True)
                ],
                "differs": len(set(values)) > 1,
            }
        )
    contacts = dict(
        Party.objects.filter(organisation__in=parties)
        .values_list("organisation")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {
        "parties": [{"party": p, "contacts": contacts.get(p.pk, 0)} for p in parties],
        "survivor": survivor,
        "rows": rows,
        "merged": any(p.merged_into_id for p in parties),
    }


def _shown(party: Party, field: str, value: Any) -> str:
    """A value as the user reads it: a choice's label, a date in the language's format."""
    if not value:
        return ""
    display = getattr(party, f"get_{field}_display", None)
    if display is not None:
        return str(display())
    if isinstance(value, dt.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


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
    context = {**_compare_context([pa, pb]), **_score_context(pa, pb), "pair": (a, b)}
    return render(request, "quality/compare.html", context)


def _cluster_parties(request: HttpRequest) -> list[Party]:
    ids: list[int] = []
    for value in request.GET.getlist("party") + request.POST.getlist("party"):
        pk = id_param(value)
        if pk is None:
            raise Http404
        if pk not in ids:
            ids.append(pk)
    found = Party.objects.in_bulk(ids)
    if len(ids) < 2 or len(found) != len(ids):
        raise Http404
    return [found[i] for i in ids]


@login_required
@permission_required("quality.view_duplicatecandidate", raise_exception=True)
def compare_cluster(request: HttpRequest) -> HttpResponse:
    """Several records side by side (``?party=1&party=2&party=3``), merged in one step."""
    context = _compare_context(_cluster_parties(request))
    return render(request, "quality/compare.html", context)


@login_required
@permission_required("quality.view_duplicatecandidate", raise_exception=True)
def cluster(request: HttpRequest, number: int) -> HttpResponse:
    """The records of one cluster of the queue (its open candidates), side by side."""
    pairs = DuplicateCandidate.objects.filter(cluster=number, status=CandidateStatus.OPEN)
    ids = sorted({pk for pair in pairs.values_list("party_a_id", "party_b_id") for pk in pair})
    if len(ids) < 2:
        raise Http404
    return redirect(f"{reverse('quality-cluster-compare')}?{urlencode({'party': ids}, True)}")


def _merge_request(request: HttpRequest, parties: list[Party]) -> tuple[Party, dict[str, Any]]:
    """The survivor and the values it takes, as chosen in the form (a party id per field;
    the pair form's "a"/"b" still count)."""
    by_key = {str(p.pk): p for p in parties}
    if len(parties) == 2:
        by_key.update({"a": parties[0], "b": parties[1]})
    survivor = by_key.get(request.POST.get("survivor", ""), parties[0])
    values: dict[str, Any] = {}
    for f in COMPARE_FIELDS:
        chosen = by_key.get(request.POST.get(f"field_{f}", ""))
        if f in actions.MERGEABLE_FIELDS and chosen is not None and chosen.pk != survivor.pk:
            values[f] = getattr(chosen, f)
    return survivor, values


def _merge(request: HttpRequest, parties: list[Party], back: str) -> HttpResponse:
    """Show the plan of the chosen merge; merge once the user confirms it."""
    survivor, values = _merge_request(request, parties)
    sources = [p for p in parties if p.pk != survivor.pk]
    if request.POST.get("confirm") != "1":
        plan = actions.plan_merge(sources, survivor, actor=request.user, values=values)
        context = {
            "plan": plan,
            "survivor": survivor,
            "sources": sources,
            "posted": [(k, v) for k, v in request.POST.items() if k != "csrfmiddlewaretoken"],
            "parties": request.POST.getlist("party"),
            "action": request.path,
            "back": back,
            "values": [(actions.field_label(f), v) for f, v in plan["values"].items()],
            "many": len(sources) > 1,
        }
        return render(request, "quality/merge_confirm.html", context)
    try:
        records = actions.do_merge_cluster(
            sources, survivor, actor=request.user, values=values, note=request.POST.get("note", "")
        )
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
        return redirect(back)
    messages.success(
        request,
        _("Merged %(source)s into %(survivor)s.")
        % {"source": ", ".join(str(p) for p in sources), "survivor": survivor},
    )
    return redirect("quality-merge", merge_id=records[0].pk)


@login_required
@permission_required("quality.add_mergerecord", raise_exception=True)
@require_POST
def merge(request: HttpRequest, a: int, b: int) -> HttpResponse:
    """Merge a pair with the survivor and each field's surviving value as chosen in the form."""
    pa, pb = get_object_or_404(Party, pk=a), get_object_or_404(Party, pk=b)
    return _merge(request, [pa, pb], reverse("quality-compare", args=[a, b]))


@login_required
@permission_required("quality.add_mergerecord", raise_exception=True)
@require_POST
def merge_cluster(request: HttpRequest) -> HttpResponse:
    """Merge several records in one step (undone as one)."""
    parties = _cluster_parties(request)
    back = f"{reverse('quality-cluster-compare')}?{urlencode({'party': [p.pk for p in parties]}, True)}"
    return _merge(request, parties, back)


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
@permission_required("quality.delete_notduplicate", raise_exception=True)
@require_POST
def reopen_pair(request: HttpRequest, a: int, b: int) -> HttpResponse:
    """Withdraw "not a duplicate" (``actions.do_reopen_pair``); back to the comparison."""
    pa, pb = get_object_or_404(Party, pk=a), get_object_or_404(Party, pk=b)
    try:
        actions.do_reopen_pair(pa, pb, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(
            request, _("Decision withdrawn: the pair is a duplicate suggestion again.")
        )
    return redirect("quality-compare", a=a, b=b)


@login_required
@permission_required("quality.view_mergerecord", raise_exception=True)
def merge_detail(request: HttpRequest, merge_id: int) -> HttpResponse:
    record = get_object_or_404(
        MergeRecord.objects.select_related("source", "survivor", "actor", "cluster_head"),
        pk=merge_id,
    )
    head_id = record.cluster_head_id or record.pk
    cluster = MergeRecord.objects.filter(cluster_head_id=head_id).select_related("source")
    context = {
        "record": record,
        "moved": record.moved,
        "cluster": [record.cluster_head or record, *cluster] if cluster else [],
        "values": [
            (actions.field_label(f), v)
            for f, v in record.values.items()
            if f in actions.MERGEABLE_FIELDS
        ],
        # What moved, while it is still where the merge put it.
        "sections": [] if record.undone_at else actions.describe_merge([record]),
    }
    return render(request, "quality/merge.html", context)


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
            data["birth_date"] = dt.date.fromisoformat(data["birth_date"])
        except ValueError:
            data["birth_date"] = None
    exclude = request.GET.get("exclude") or request.GET.get("party_id") or ""
    found = (
        find_similar(data, limit=5, exclude_id=id_param(exclude))
        if (data["name"] or data["last_name"] or data["vat_id"] or data["email"])
        else []
    )
    return render(request, "quality/similar.html", {"found": found, "exclude": exclude})
