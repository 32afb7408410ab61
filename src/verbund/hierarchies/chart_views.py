"""The org chart of a group (#17.2): the page beside the tree list, and the SVG download.

Same permission as the tree list. "+N" boxes are links to the same page with the node added
to ``open`` (its children drawn) or ``wide`` (all its children drawn); the page re-renders the
chart on the server, no script needed.
"""

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from verbund.core.forms import id_param
from verbund.core.permissions import requires
from verbund.hierarchies import browse, chart, engine, selectors, subscriptions
from verbund.hierarchies.facts import node_annotations
from verbund.hierarchies.views import _as_of, _default_type, as_of_typed
from verbund.parties.models import Party
from verbund.parties.selectors import LIST_FIELDS

# The apps whose node annotations a box shows (revenue, blocked); the others' (contact and
# activity counts) have no place in a box and cost a third of a 500-box chart.
CHART_FACTS = ("revenue", "compliance")
MAX_OPEN = 200
LEVEL_CHOICES = range(1, 11)


def _ids(request: HttpRequest, name: str) -> list[int]:
    raw = request.GET.get(name, "")
    found = [i for x in raw.split(",") if (i := id_param(x))]
    return list(dict.fromkeys(found))[:MAX_OPEN]


def _levels(request: HttpRequest) -> int:
    raw = request.GET.get("levels", "").strip()
    levels = id_param(raw)
    return min(levels, engine.MAX_WALK) if levels is not None else chart.DEFAULT_LEVELS


class _Params:
    """The chart's query (type, date, levels, opened nodes) and the links it makes."""

    def __init__(self, request: HttpRequest, type_key: str, as_of: dt.date | None) -> None:
        self.type_key = type_key
        self.as_of = as_of
        self.levels = _levels(request)
        self.open = _ids(request, "open")
        self.wide = _ids(request, "wide")

    def query(self, **changes: Any) -> str:
        q: dict[str, Any] = {"type": self.type_key}
        if self.as_of:
            q["as_of"] = self.as_of.isoformat()
        if self.levels != chart.DEFAULT_LEVELS:
            q["levels"] = self.levels
        opened = changes.get("open", self.open)
        wide = changes.get("wide", self.wide)
        if opened:
            q["open"] = ",".join(map(str, opened))
        if wide:
            q["wide"] = ",".join(map(str, wide))
        return urlencode(q)


def _build(
    request: HttpRequest, party: Party, params: _Params, *, absolute: bool = False
) -> tuple[chart.Chart, str]:
    def facts(ids: list[int]) -> dict[int, dict[str, Any]]:
        # This year's figures whatever the date shown ("Umsatz 2026"): today's closure.
        return node_annotations(ids, params.type_key, None, request.user, apps=CHART_FACTS)

    drawn = chart.build(
        party.pk,
        params.type_key,
        params.as_of,
        levels=params.levels,
        open_ids=params.open,
        wide_ids=params.wide,
        annotations=facts,
    )
    detail = reverse("party-detail", args=[987654321])
    page = reverse("hierarchy-chart", args=[party.pk])

    def full(url: str) -> str:
        return request.build_absolute_uri(url) if absolute else url

    def party_url(pid: int) -> str:
        return full(detail.replace("987654321", str(pid)))

    def open_url(node: chart.ChartNode) -> str:
        if node.kind == "open":
            q = params.query(open=[*params.open, node.id])
        else:
            q = params.query(wide=[*params.wide, node.id])
        return full(f"{page}?{q}#chart-node-{node.id}")

    title = _("Organisation chart · %(name)s") % {"name": party.display_name}
    svg = chart.render_svg(
        drawn,
        party_url=party_url,
        open_url=open_url,
        title=title,
        revenue_year=engine.today().year,
    )
    return drawn, svg


def _type_key(request: HttpRequest, party: Party, memberships: list[dict[str, Any]]) -> str:
    type_key = request.GET.get("type") or _default_type(party.pk, memberships)
    if type_key not in {t["key"] for t in selectors.hierarchy_types()}:
        raise Http404(_("No such hierarchy type."))
    return type_key


@requires("parties.view_party")
def hierarchy_chart(request: HttpRequest, party_id: int) -> HttpResponse:
    """The group as an org chart, top-down from the ultimate parent."""
    party = get_object_or_404(Party.objects.only(*LIST_FIELDS), pk=party_id)
    as_of, as_of_problem = as_of_typed(request)
    memberships = browse.party_hierarchies_on(party.pk, as_of)
    type_key = _type_key(request, party, memberships)
    params = _Params(request, type_key, as_of)
    member = next((m for m in memberships if m["type_key"] == type_key), None)
    drawn, svg = (None, "")
    if member is not None:
        try:
            drawn, svg = _build(request, party, params)
        except ValidationError:
            drawn = None
    context = {
        "party": party,
        "types": selectors.hierarchy_types(),
        "memberships": memberships,
        "type_key": type_key,
        "as_of": as_of,
        "as_of_problem": as_of_problem,
        "chart": drawn,
        "svg": mark_safe(svg),  # noqa: S308 - every value in it is escaped by render_svg
        "levels": params.levels,
        "level_choices": LEVEL_CHOICES,
        "query": params.query(),
        "reset_query": params.query(open=[], wide=[]),
        "opened": bool(params.open or params.wide),
        "group_type": type_key,
        "subscribed": type_key in subscriptions.subscribed_types(request.user, party.pk),
    }
    return render(request, "hierarchies/chart.html", context)


@requires("parties.view_party")
def hierarchy_chart_svg(request: HttpRequest, party_id: int) -> HttpResponse:
    """The chart as drawn on the page, as an SVG file (links absolute, to open from disk)."""
    party = get_object_or_404(Party.objects.only(*LIST_FIELDS), pk=party_id)
    as_of = _as_of(request)
    memberships = browse.party_hierarchies_on(party.pk, as_of)
    type_key = _type_key(request, party, memberships)
    params = _Params(request, type_key, as_of)
    try:
        _drawn, svg = _build(request, party, params, absolute=True)
    except ValidationError as exc:
        raise Http404(" ".join(exc.messages)) from None
    body = '<?xml version="1.0" encoding="UTF-8"?>\n' + svg
    response = HttpResponse(body, content_type="image/svg+xml; charset=utf-8")
    stem = f"organigramm-{type_key}-{party.number}-{(as_of or engine.today()).isoformat()}"
    response["Content-Disposition"] = f'attachment; filename="{stem}.svg"'
    return response
