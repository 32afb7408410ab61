"""UI views for revenue: the section partial (period selector via HTMX) and exports, the
revenue overview with its drill-down (#18.1) and the central settlement view (#18.2)."""

from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
)
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from verbund.core.exports import XLSX_TYPE, xlsx_file
from verbund.core.forms import parse_month
from verbund.core.permissions import requires
from verbund.parties.models import Party
from verbund.revenue import exports, overview
from verbund.revenue.sections import PERMISSION, section_context
from verbund.revenue.selectors import figures_from_params


def _months_as_iso(request: HttpRequest) -> None:
    """The section's month inputs show "12.2026" in German and "2026-12" in English; either is
    read, and handed on as ``YYYY-MM`` (text that is no month is left for the period's own
    error)."""
    params = request.GET.copy()
    for key in ("rev_from", "rev_to"):
        month = parse_month(params.get(key, ""))
        if month is not None:
            params[key] = f"{month:%Y-%m}"
    request.GET = params  # type: ignore[assignment]


@permission_required(PERMISSION, raise_exception=True)
def revenue_section(request: HttpRequest, party_id: int) -> HttpResponse:
    party = get_object_or_404(Party, pk=party_id)
    _months_as_iso(request)
    return render(request, "revenue/section.html", section_context(request, party))


@permission_required(PERMISSION, raise_exception=True)
def revenue_export(request: HttpRequest, party_id: int, fmt: str) -> HttpResponseBase:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    party = get_object_or_404(Party, pk=party_id)
    _months_as_iso(request)
    try:
        figures = figures_from_params(party, request.GET)
    except ValidationError as exc:
        return _bad_request("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()))
    name = f"umsatz-{party.number}-{figures.scope}-{figures.period.first:%Y%m}-{figures.period.last:%Y%m}"
    return _download(exports.rows(figures), fmt, name, _("Revenue"))


def _bad_request(message: str) -> HttpResponse:
    """An export refused: its reason as plain text (it repeats what was typed; as HTML a typed
    "<script>" would run)."""
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


def _page(request: HttpRequest, template: str, context: dict[str, object]) -> HttpResponse:
    return render(request, template, context, status=400 if context.get("error") else 200)


def _download(table: exports.Table, fmt: str, name: str, title: str) -> HttpResponseBase:
    response: HttpResponseBase
    if fmt == "xlsx":
        response = FileResponse(xlsx_file(title, *table), content_type=XLSX_TYPE)
    elif fmt == "csv":
        response = HttpResponse(exports.to_csv(table), content_type="text/csv; charset=utf-8")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@requires(PERMISSION)
def revenue_overview(request: HttpRequest) -> HttpResponse:
    return _page(request, "revenue/overview.html", overview.overview_context(request.GET))


@requires(PERMISSION)
def revenue_overview_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    context = overview.overview_context(request.GET, limit=None)
    if context.get("error"):
        return _bad_request(str(context["error"]))
    ranking = context["ranking"]
    name = f"umsatz-top-{ranking.kind}-{ranking.period.first:%Y%m}-{ranking.period.last:%Y%m}"
    return _download(exports.ranking_rows(ranking), fmt, name, _("Revenue"))


@requires(PERMISSION)
def revenue_drilldown(request: HttpRequest, party_id: int) -> HttpResponse:
    head = get_object_or_404(Party, pk=party_id)
    return _page(request, "revenue/drilldown.html", overview.drilldown_context(request.GET, head))


@requires(PERMISSION)
def revenue_drilldown_export(request: HttpRequest, party_id: int, fmt: str) -> HttpResponseBase:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    head = get_object_or_404(Party, pk=party_id)
    context = overview.drilldown_context(request.GET, head, limit=None)
    if context.get("error"):
        return _bad_request(str(context["error"]))
    ranking = context["ranking"]
    name = f"umsatz-{head.number}-{ranking.kind}-{ranking.period.first:%Y%m}-{ranking.period.last:%Y%m}"
    return _download(exports.ranking_rows(ranking, members=True), fmt, name, _("Revenue"))


@requires(PERMISSION)
def revenue_settlement(request: HttpRequest, party_id: int) -> HttpResponse:
    party = get_object_or_404(Party, pk=party_id)
    return _page(
        request, "revenue/settlement.html", overview.settlement_context(request.GET, party)
    )


@requires(PERMISSION)
def revenue_settlement_export(request: HttpRequest, party_id: int, fmt: str) -> HttpResponseBase:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    party = get_object_or_404(Party, pk=party_id)
    context = overview.settlement_context(request.GET, party)
    if context.get("error"):
        return _bad_request(str(context["error"]))
    view = context["view"]
    name = f"zentralregulierung-{party.number}-{view.ranking.period.first:%Y%m}-{view.ranking.period.last:%Y%m}"
    return _download(exports.settlement_rows(view), fmt, name, _("Central settlement"))
