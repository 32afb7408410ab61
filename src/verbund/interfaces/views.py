"""The import page: upload, dry run, confirm, progress (HTMX polling), report and history."""

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from verbund.interfaces import actions, selectors
from verbund.interfaces.filters import CHANNELS, RUN_ORDER, ImportRunFilterSet
from verbund.interfaces.forms import FORMAT_LABELS, MAPPING_LABELS, ImportForm
from verbund.interfaces.models import ImportRun, ImportStatus
from verbund.interfaces.parsers import ImportFileError, grouped

VIEW = "interfaces.view_importrun"
ADD = "interfaces.add_importrun"
PAGE_SIZE = 50


def _store(upload: object, suffix: str) -> Path:
    target = actions.upload_dir() / f"{uuid.uuid4().hex}{suffix}"
    with open(target, "wb") as fh:
        for chunk in upload.chunks():  # type: ignore[attr-defined]
            fh.write(chunk)
    return target


@permission_required(VIEW, raise_exception=True)
def import_page(request: HttpRequest) -> HttpResponse:
    form = ImportForm()
    if request.method == "POST":
        if not request.user.has_perm(ADD):
            return HttpResponse(status=403)
        # Refuse oversized uploads before Django reads the body.
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if length > settings.VERBUND_MAX_UPLOAD_BYTES + 1024 * 1024:
            return HttpResponseBadRequest(
                _("The upload is larger than the limit of %(limit)s bytes.")
                % {"limit": grouped(settings.VERBUND_MAX_UPLOAD_BYTES)}
            )
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            upload = data["file"]
            path = _store(upload, Path(upload.name).suffix.lower()[:8])
            mapping = data["mapping"]
            if data.get("mapping_file"):
                mapping = str(_store(data["mapping_file"], ".toml"))
            try:
                with transaction.atomic():
                    run = actions.do_create_run(
                        actor=request.user, kind=data["kind"], source=data["source"], path=path, file_name=upload.name,
                        mapping=mapping, fmt=data["format"], dry_run=data["dry_run"], full=data["full"],
                        skip_invalid=data["skip_invalid"], channel="ui",
                    )  # fmt: skip
                    actions.do_start_import(run)
            except ImportFileError as exc:
                form.add_error(None, str(exc))
            else:
                return redirect("import-run", run_id=run.pk)
    filterset = ImportRunFilterSet(request.GET, queryset=selectors.run_rows())
    rows = filterset.qs.order_by(*RUN_ORDER) if filterset.is_valid() else filterset.qs.none()
    runs = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "interfaces/import.html",
        {
            "form": form,
            "runs": runs,
            "filter": filterset,
            "active_filters": filterset.active(),
            "page_query": filterset.page_query(),
            "channels": dict(CHANNELS),
            "can_import": request.user.has_perm(ADD),
            "sources": selectors.known_sources() if request.user.has_perm(ADD) else [],
        },
    )


@permission_required(VIEW, raise_exception=True)
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    run = get_object_or_404(ImportRun, pk=run_id)
    return _run_page(request, run)


def _run_page(
    request: HttpRequest, run: ImportRun, *, confirm_error: str = "", status: int = 200
) -> HttpResponse:
    report = run.report or {}
    errors = report.get("errors", [])[:500]
    labels = selectors.party_field_labels()
    diffs = [{**d, "text": selectors.change_text(d, labels)} for d in report.get("diffs", [])]
    confirmed_as = actions.confirmation(run) if run.dry_run else None
    return render(
        request,
        "interfaces/run.html",
        {
            "run": run,
            "progress": actions.read_progress(run),
            "can_import": request.user.has_perm(ADD),
            "channels": dict(CHANNELS),
            # Once confirmed, the page links the run that writes it and offers no confirming.
            "confirm_refusal": actions.confirm_refusal(run)
            if run.dry_run and confirmed_as is None
            else None,
            "confirmed_as": confirmed_as,
            "confirm_error": confirm_error,
            # Errors of the whole file (row 0) are said once, above the table of row errors.
            "file_errors": [e for e in errors if not e.get("row")],
            "row_errors": [e for e in errors if e.get("row")],
            "created": report.get("created", []),
            "diffs": diffs,
            "field_labels": labels,
            "format_label": FORMAT_LABELS.get(run.format, run.format or "—"),
            "mapping_label": MAPPING_LABELS.get(run.mapping, Path(run.mapping).name),
        },
        status=status,
    )


@permission_required(VIEW, raise_exception=True)
def run_progress(request: HttpRequest, run_id: int) -> HttpResponse:
    """The HTMX-polled fragment; once the run has finished it asks for a full refresh."""
    run = get_object_or_404(ImportRun, pk=run_id)
    response = render(
        request, "interfaces/_progress.html", {"run": run, "progress": actions.read_progress(run)}
    )
    if run.status in (ImportStatus.DONE, ImportStatus.FAILED):
        response["HX-Refresh"] = "true"
    return response


@require_POST
@permission_required(ADD, raise_exception=True)
def run_confirm(request: HttpRequest, run_id: int) -> HttpResponse:
    """Write what a successful dry run showed: the action decides whether it may."""
    dry = get_object_or_404(ImportRun, pk=run_id)
    try:
        run = actions.do_confirm_dry_run(dry, actor=request.user, channel="ui")
    except ValidationError as exc:
        confirmed = actions.confirmation(dry)
        if confirmed is not None:
            # A second click (or a second tab) lands where the first one did.
            return redirect("import-run", run_id=confirmed.pk)
        return _run_page(request, dry, confirm_error=" ".join(exc.messages), status=400)
    return redirect("import-run", run_id=run.pk)
