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
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from verbund.core.formatting import format_percent
from verbund.core.forms import show_month
from verbund.core.paging import ListCount
from verbund.parties.models import Party
from verbund.revenue import analysis, periods, rules, selectors
from verbund.revenue.charts import ranking_bars, treemap
from verbund.revenue.forms import PeriodForm
from verbund.revenue.periods import YEAR_MAX, YEAR_MIN, Period, period_label

# The period's choices, named as the form's select names them (and its refusal, decision 0053).
SPANS = {
    "year": gettext_lazy("Year"),
    "quarter": gettext_lazy("Quarter"),
    "months": gettext_lazy("Months"),
}
SHOWN = 100
CHART_ROWS = 20


def _span(form: PeriodForm) -> str:
    """Which period fields count: the year alone, the year and a quarter, or a month range
    (a link with months and no span means the months)."""
    return str(form.cleaned_data.get("span") or "") or ("months" if form.typed("from") else "year")


def analysis_params(form: PeriodForm) -> dict[str, str]:
    """The page's fields (typed well: ``form`` is valid) as the API's parameters: ``span``
    says which period fields count, so a field left filled from an earlier choice never
    overrides the one the user made. The API's rules check them (``analysis``)."""
    data = form.cleaned_data
    span = _span(form)
    if span not in SPANS:
        raise ValidationError({"span": [rules.choose(SPANS.values())]})
    params = {
        "kind": data["kind"] or "group",
        "mode": data["mode"] or "current",
        "compare": "previous_year",
    }
    year = data["year"] or str(dt.date.today().year)
    if span == "months":
        first, last = data.get("from"), data.get("to")
        if first is None:
            # January of the year chosen (the year's own check names the year).
            params["from"] = (
                f"{selectors.int_param({'year': year}, 'year', None, YEAR_MIN, YEAR_MAX)}-01"
            )
        else:
            params["from"] = f"{first:%Y-%m}"
        params["to"] = f"{last:%Y-%m}" if last else ""
    elif span == "quarter":
        params["year"], params["quarter"] = year, data["quarter"] or "1"
    else:
        params["year"] = year
    return params


def _read(get: QueryDict) -> tuple[PeriodForm, dict[str, str], Period]:
    """The page's form, its fields as the API's parameters and the period they ask for; a
    ``ValidationError`` (by the form's and the API's field names) where they are refused."""
    form = PeriodForm(get)
    if not form.is_valid():
        raise ValidationError(dict(form.errors))
    params = analysis_params(form)
    query = QueryDict(mutable=True)
    query.update(params)
    return form, params, analysis.period_param(query)


def _refused(get: QueryDict, exc: ValidationError, **context: Any) -> dict[str, Any]:
    """The page without figures: the form as typed, each refusal naming its field as the form
    labels it (``PeriodForm.messages``)."""
    form = PeriodForm(get)
    form.is_valid()
    if not form.errors:
        form.refuse(exc)
    messages = form.messages()
    return {
        **context,
        **_state(form, {}, None),
        # One line for an export's 400; the page lists them.
        "error": " ".join(messages),
        "errors": messages,
        "invalid": sorted(form.errors),
    }


def _state(form: PeriodForm, params: dict[str, str], period: Period | None) -> dict[str, Any]:
    """What the form shows, and the query that repeats the current choice. A refused month
    stays as it was typed, for the user to correct it (``form`` has been validated)."""
    span = _span(form)
    today = dt.date.today()
    first = period.first if period else dt.date(today.year, 1, 1)
    last = period.last if period else dt.date(today.year, 12, 1)
    query = {
        "kind": params.get("kind") or form.typed("kind") or "group",
        "mode": params.get("mode") or form.typed("mode") or "current",
        "span": span,
        "year": params.get("year") or form.typed("year") or str(first.year),
        "quarter": params.get("quarter") or form.typed("quarter"),
        "from": f"{first:%Y-%m}",
        "to": f"{last:%Y-%m}",
    }
    shown = {
        "from_shown": form.typed("from")
        if period is None and form.typed("from")
        else show_month(first),
        "to_shown": form.typed("to") if period is None and form.typed("to") else show_month(last),
    }
    return {
        "form": {**query, **shown},
        "query": urlencode(query),
        "years": list(range(today.year - 4, today.year + 1)),
        "quarters": [1, 2, 3, 4],
        "kinds": [(k, analysis.KIND_LABELS[k]) for k in analysis.KINDS],
        "spans": list(SPANS.items()),
        "modes": list(analysis.MODE_LABELS.items()),
    }


def overview_context(get: QueryDict, *, limit: int | None = SHOWN) -> dict[str, Any]:
    """The overview's context; ``errors`` (each naming its field) instead of figures on bad
    input."""
    try:
        form, params, period = _read(get)
        kind, rtype = analysis.kind_type(params["kind"])
        mode = analysis.mode_param(params["mode"])
        ranking = analysis.top_ranking(rtype, period, mode=mode, limit=limit)
        ranking.kind = kind
    except ValidationError as exc:
        return _refused(get, exc)
    context = {**_state(form, params, period), "ranking": ranking}
    context.update(_labels(ranking, period))
    context["chart"] = ranking_bars(
        [(r.name, r.cents, r.previous_cents) for r in ranking.rows[:CHART_ROWS]],
        title=_("Top %(n)s by revenue") % {"n": min(CHART_ROWS, len(ranking.rows))},
    )
    return context


def drilldown_context(get: QueryDict, head: Party, *, limit: int | None = SHOWN) -> dict[str, Any]:
    try:
        form, params, period = _read(get)
        kind, rtype = analysis.kind_type(params["kind"])
        mode = analysis.mode_param(params["mode"])
        ranking = analysis.members_ranking(rtype, head.pk, period, mode=mode, limit=limit)
        ranking.kind = kind
    except ValidationError as exc:
        return _refused(get, exc, head=head)
    context = {**_state(form, params, period), "ranking": ranking, "head": head}
    context.update(_labels(ranking, period))
    full = ranking.rows
    context["treemap"] = treemap(
        [(r.name, r.cents, _share(r.share)) for r in full],
        title=_("Shares of %(name)s") % {"name": head.display_name},
    )
    return context


def _share(value: Any) -> str:
    return format_percent(value, 1)


def _compared(ranking: analysis.Ranking, asked: Period) -> dict[str, Any]:
    """The names of the two periods compared (the months compared, ``periods.comparable``)
    and whether those end before the period asked for."""
    return {
        "period_label": period_label(ranking.period),
        "previous_label": period_label(ranking.previous),
        "cut_short": ranking.period != asked,
        "running": periods.running(ranking.period),
    }


def _labels(ranking: analysis.Ranking, asked: Period) -> dict[str, Any]:
    shown, total = len(ranking.rows), ranking.count
    return {
        **_compared(ranking, asked),
        # "Konzerne: 10 von 57" (the one wording of every list, core.formatting.format_count)
        "count_label": _counted(str(analysis.KIND_LABELS[ranking.kind]), shown, total),
        "members_label": _counted(_("Members"), shown, total),
    }


# --- central settlement view (#18.2) -------------------------------------------------------

# The sort orders, named as the table's headings name them (the period's own names aside).
SETTLEMENT_SORTS = {
    "name": gettext_lazy("Delivery address"),
    "number": gettext_lazy("Number"),
    "revenue": gettext_lazy("Revenue"),
    "previous": gettext_lazy("Previous year"),
    "change": pgettext_lazy("difference", "Change"),
    "member": gettext_lazy("Member / sub-association"),
}
# Delivery addresses on a page, and the rows each subtotal list shows.
SETTLEMENT_PAGE = 50
SUBTOTALS_SHOWN = 50


def settlement_context(get: QueryDict, party: Party) -> dict[str, Any]:
    """Every delivery address settled through ``party`` with this and the previous period,
    share of the total, subtotals per member and per sub-association, and the addresses
    without revenue in the period."""
    from verbund.revenue import settlement

    try:
        form, params, period = _read(get)
        params["kind"] = "association"
        mode = analysis.mode_param(params["mode"])
        sort = get.get("sort") or "-revenue"
        if sort.lstrip("-") not in SETTLEMENT_SORTS:
            raise ValidationError({"sort": [rules.choose(SETTLEMENT_SORTS.values())]})
        view = settlement.settlement_view(party, period, mode=mode, sort=sort)
    except ValidationError as exc:
        return _refused(get, exc, party=party)
    state = _state(form, params, period)
    state["form"]["kind"] = "association"
    without = view.without_revenue
    # The figures need every address (totals, shares, subtotals); the page shows a page of
    # them (23,186 rows were 10.7 MB of HTML at the 1M bench), the export all.
    page = Paginator(view.addresses, SETTLEMENT_PAGE).get_page(get.get("page"))
    labels = _compared(view.ranking, period)
    return {
        **state,
        "party": party,
        "view": view,
        "sort": sort,
        "period_label": labels["period_label"],
        "previous_label": labels["previous_label"],
        "cut_short": labels["cut_short"],
        "running": labels["running"],
        "sort_columns": [
            ("name", _("Delivery address")),
            ("member", _("Member / sub-association")),
            ("revenue", labels["period_label"]),
            ("previous", labels["previous_label"]),
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
