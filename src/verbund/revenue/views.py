"""UI views for revenue: the section partial (period selector via HTMX) and exports."""

from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render

from verbund.parties.models import Party
from verbund.revenue import exports
from verbund.revenue.sections import PERMISSION, section_context
from verbund.revenue.selectors import figures_from_params


@permission_required(PERMISSION, raise_exception=True)
def revenue_section(request: HttpRequest, party_id: int) -> HttpResponse:
    party = get_object_or_404(Party, pk=party_id)
    return render(request, "revenue/section.html", section_context(request, party))


@permission_required(PERMISSION, raise_exception=True)
def revenue_export(request: HttpRequest, party_id: int, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    party = get_object_or_404(Party, pk=party_id)
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
