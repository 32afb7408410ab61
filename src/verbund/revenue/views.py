"""UI views for revenue: the section partial (period selector via HTMX) and exports."""

from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render

from verbund.core.forms import parse_month
from verbund.parties.models import Party
from verbund.revenue import exports
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
def revenue_export(request: HttpRequest, party_id: int, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    party = get_object_or_404(Party, pk=party_id)
    _months_as_iso(request)
    try:
        figures = figures_from_params(party, request.GET)
    except ValidationError as exc:
        return HttpResponseBadRequest(
            "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
        )
    name = f"umsatz-{party.number}-{figures.scope}-{figures.period.first:%Y%m}-{figures.period.last:%Y%m}"
    if fmt == "xlsx":
        response = HttpResponse(
            exports.to_xlsx(figures),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(exports.to_csv(figures), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
