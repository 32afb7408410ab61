"""The revenue overview page (``/revenue/``), its drill-down into one head's members, and the
central settlement view: reading the page's parameters and building the templates' context
from ``revenue.analysis`` (#18.1, #18.2). No figures are computed here."""

import datetime as dt
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from verbund.core.formatting import format_number
from verbund.core.forms import parse_month, show_month
from verbund.core.paging import ListCount
from verbund.parties.models import Party
from verbund.revenue import analysis
from verbund.revenue.charts import ranking_bars, treemap
from verbund.revenue.periods import Period, add_months

SPANS = ("year", "quarter", "months")
SHOWN = 100
CHART_ROWS = 20


def analysis_params(get: QueryDict) -> dict[str, str]:
    """The page's fields as the API's parameters: ``span`` says which period fields count
    (the year alone, the year and a quarter, or a month range), so a field left filled from
    an earlier choice never overrides the one the user made."""
    span = get.get("span") or ("months" if get.get("from") else "year")
    if span not in SPANS:
        raise ValidationError(
            {"span": [_("Choose one of %(choices)s.") % {"choices": ", ".join(SPANS)}]}
        )
    params = {
        "kind": get.get("kind") or "group",
        "mode": get.get("mode") or "current",
        "compare": "previous_year",
    }
    year = get.get("year") or str(dt.date.today().year)
    if span == "months":
        params["from"] = _iso_month(get.get("from")) or f"{year}-01"
        params["to"] = _iso_month(get.get("to"))
    elif span == "quarter":
        params["year"], params["quarter"] = year, get.get("quarter") or "1"
    else:
        params["year"] = year
    return params


def _iso_month(text: str | None) -> str:
    """A typed month ("12.2026" or "2026-12") as the API's ``YYYY-MM``; text that is no month
    is handed on as it is, for the period's own error naming the field."""
    month = parse_month(text or "")
    return f"{month:%Y-%m}" if month else (text or "")


def _state(get: QueryDict, params: dict[str, str], period: Period | None) -> dict[str, Any]:
    """What the form shows, and the query that repeats the current choice."""
    span = get.get("span") or ("months" if get.get("from") else "year")
    today = dt.date.today()
    first = period.first if period else dt.date(today.year, 1, 1)
    last = period.last if period else dt.date(today.year, 12, 1)
    query = {
        "kind": params.get("kind", "group"),
        "mode": params.get("mode", "current"),
        "span": span,
        "year": params.get("year") or str(first.year),
        "quarter": params.get("quarter", ""),
        "from": f"{first:%Y-%m}",
        "to": f"{last:%Y-%m}",
    }
    shown = {"from_shown": show_month(first), "to_shown": show_month(last)}
    return {
        "form": {**query, **shown},
        "query": urlencode(query),
        "years": list(range(today.year - 4, today.year + 1)),
        "quarters": [1, 2, 3, 4],
        "kinds": [(k, analysis.KIND_LABELS[k]) for k in analysis.KINDS],
        "spans": [
            ("year", _("Year")),
            ("quarter", _("Quarter")),
            ("months", _("Months")),
        ],
        "modes": [
            ("current", _("today's structure")),
            ("historic", _("structure of each month")),
        ],
    }


def period_label(period: Period) -> str:
    if period.whole_years and len(period.whole_years) == 1:
        return str(period.first.year)
    if period.first.month % 3 == 1 and period.last == add_months(period.first, 2):
        return _("Q%(q)s %(year)s") % {
            "q": (period.first.month - 1) // 3 + 1,
            "year": period.first.year,
        }
    return f"{period.first:%m/%Y} \u2013 {period.last:%m/%Y}"


def overview_context(get: QueryDict, *, limit: int | None = SHOWN) -> dict[str, Any]:
    """The overview's context; ``error`` (a field's message) instead of figures on bad input."""
    params: dict[str, str] = {}
    try:
        params = analysis_params(get)
        kind, rtype = analysis.kind_type(params["kind"])
        mode = analysis.mode_param(params["mode"])
        query = QueryDict(mutable=True)
        query.update(params)
        ranking = analysis.top_ranking(rtype, analysis.period_param(query), mode=mode, limit=limit)
        ranking.kind = kind
    except ValidationError as exc:
        return {"error": _field_errors(exc), **_state(get, params, None)}
    context = {**_state(get, params, ranking.period), "ranking": ranking}
    context.update(_labels(ranking))
    context["chart"] = ranking_bars(
        [(r.name, r.cents, r.previous_cents) for r in ranking.rows[:CHART_ROWS]],
        title=_("Top %(n)s by revenue") % {"n": min(CHART_ROWS, len(ranking.rows))},
    )
    return context


def drilldown_context(get: QueryDict, head: Party, *, limit: int | None = SHOWN) -> dict[str, Any]:
    params: dict[str, str] = {}
    try:
        params = analysis_params(get)
        kind, rtype = analysis.kind_type(params["kind"])
        query = QueryDict(mutable=True)
        query.update(params)
        period = analysis.period_param(query)
        mode = analysis.mode_param(params["mode"])
        ranking = analysis.members_ranking(rtype, head.pk, period, mode=mode, limit=limit)
        ranking.kind = kind
    except ValidationError as exc:
        return {"error": _field_errors(exc), "head": head, **_state(get, params, None)}
    context = {**_state(get, params, ranking.period), "ranking": ranking, "head": head}
    context.update(_labels(ranking))
    full = ranking.rows
    context["treemap"] = treemap(
        [(r.name, r.cents, _share(r.share)) for r in full],
        title=_("Shares of %(name)s") % {"name": head.display_name},
    )
    return context


def _share(value: Any) -> str:
    return "" if value is None else f"{format_number(value, 1)} %"


def _labels(ranking: analysis.Ranking) -> dict[str, Any]:
    shown, total = len(ranking.rows), ranking.count
    return {
        "period_label": period_label(ranking.period),
        "previous_label": period_label(ranking.previous),
        # "Konzerne: 10 von 57" (the one wording of every list, core.formatting.format_count)
        "count_label": _counted(str(analysis.KIND_LABELS[ranking.kind]), shown, total),
        "members_label": _counted(_("Members"), shown, total),
    }


def _field_errors(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return " ".join(exc.messages)


# --- central settlement view (#18.2) -------------------------------------------------------

SETTLEMENT_SORTS = ("name", "number", "revenue", "previous", "change", "member")
# Delivery addresses on a page, and the rows each subtotal list shows.
SETTLEMENT_PAGE = 50
SUBTOTALS_SHOWN = 50


def settlement_context(get: QueryDict, party: Party) -> dict[str, Any]:
    """Every delivery address settled through ``party`` with this and the previous period,
    share of the total, subtotals per member and per sub-association, and the addresses
    without revenue in the period."""
    from verbund.revenue import settlement

    params: dict[str, str] = {}
    try:
        params = analysis_params(get)
        params["kind"] = "association"
        query = QueryDict(mutable=True)
        query.update(params)
        period = analysis.period_param(query)
        mode = analysis.mode_param(params["mode"])
        sort = get.get("sort") or "-revenue"
        if sort.lstrip("-") not in SETTLEMENT_SORTS:
            raise ValidationError(
                {
                    "sort": [
                        _("Choose one of %(choices)s.") % {"choices": ", ".join(SETTLEMENT_SORTS)}
                    ]
                }
            )
        view = settlement.settlement_view(party, period, mode=mode, sort=sort)
    except ValidationError as exc:
        return {"error": _field_errors(exc), "party": party, **_state(get, params, None)}
    state = _state(get, params, period)
    state["form"]["kind"] = "association"
    without = view.without_revenue
    # The figures need every address (totals, shares, subtotals); the page shows a page of
    # them (23,186 rows were 10.7 MB of HTML at the 1M bench), the export all.
    page = Paginator(view.addresses, SETTLEMENT_PAGE).get_page(get.get("page"))
    return {
        **state,
        "party": party,
        "view": view,
        "sort": sort,
        "period_label": period_label(period),
        "previous_label": period_label(view.ranking.previous),
        "sort_columns": [
            ("name", _("Delivery address")),
            ("member", _("Member / sub-association")),
            ("revenue", period_label(period)),
            ("previous", period_label(view.ranking.previous)),
            ("change", pgettext("difference", "Change")),
        ],
        "page": page,
        "page_query": f"{state['query']}&{urlencode({'sort': sort})}",
        # "Lieferadressen: 51-100 von 23.186" (format_count, as every list counts).
        "addresses_label": _caption(_("Delivery addresses"), ListCount.of_page(page)),
        # The largest subtotals; the export holds them all.
        "subtotal_tables": [
            (
                _caption(_("Per member"), _first_count(view.members)),
                view.members[:SUBTOTALS_SHOWN],
                "settlement-members",
                _("No members."),
            ),
            (
                _caption(_("Per sub-association"), _first_count(view.sub_associations)),
                view.sub_associations[:SUBTOTALS_SHOWN],
                "settlement-subs",
                _("No sub-associations."),
            ),
        ],
        "without_revenue": without[:SUBTOTALS_SHOWN],
        "without_revenue_count": _first_count(without),
    }


def _first_count(rows: Sequence[object]) -> ListCount:
    """The count of a list showing its first ``SUBTOTALS_SHOWN`` rows."""
    return ListCount(min(len(rows), SUBTOTALS_SHOWN), len(rows))


def _caption(what: str, count: ListCount) -> str:
    """A table's caption with its count ("Je Mitglied: 4 von 4")."""
    return _("%(what)s: %(count)s") % {"what": what, "count": count}


def _counted(what: str, rows: int, total: int | None = None) -> str:
    """A table's caption with its count ("Mitglieder: 4 von 4"; of ``total``, else of the
    rows shown)."""
    return _caption(what, ListCount(rows, rows if total is None else total))
