"""The revenue section of the customer file: own, group and association figures."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _

from verbund.core.extensions import Badge, Section
from verbund.core.formatting import format_count
from verbund.core.prepared import Prepared
from verbund.hierarchies import ownership
from verbund.parties.models import Party, PartyKind
from verbund.parties.selectors import listed_party
from verbund.relationships.models import Relationship, valid_on_q
from verbund.revenue import periods, rules, selectors
from verbund.revenue.actions import main_address_relationship
from verbund.revenue.analysis import percent
from verbund.revenue.charts import month_bars
from verbund.revenue.forms import PeriodMonthField
from verbund.revenue.models import RevenueMonth
from verbund.revenue.periods import (
    YEAR_MAX,
    YEAR_MIN,
    Period,
    add_months,
    comparable,
    period_label,
    previous_year,
)

PERMISSION = rules.READ_PERMISSION
MEMBERS_SHOWN = 20
# Members per page once the user asked to see all of a block's members.
MEMBERS_PAGE = 100
WEIGHTS = ("full", "share")

# Compiled once (core/prepared.py): asked on every customer file opened.
_LINKED_TYPES = Prepared(
    lambda party, today: (
        Relationship.objects.filter(valid_on_q(today))
        .filter(Q(from_party_id=party) | Q(to_party_id=party))
        .order_by()
        .values_list("type_id", flat=True)
        .distinct()
    ),
    party=int,
    today=dt.date,
)
_SETTLES_EVER = Prepared(
    lambda party: Relationship.objects.filter(
        type__key=selectors.SETTLEMENT, to_party_id=party
    ).values_list("pk", flat=True)[:1],
    party=int,
)
_SETTLES = Prepared(
    lambda party, today: Relationship.objects.filter(
        valid_on_q(today), type__key=selectors.SETTLEMENT, to_party_id=party
    ).values_list("pk", flat=True)[:1],
    party=int,
    today=dt.date,
)


def weighted_revenue(
    figures: selectors.Figures, type_key: str, day: dt.date | None = None
) -> dict[str, Any]:
    """A group's revenue weighted by the ultimate parent's effective share in each member
    (#17.4): the sum over the members of revenue x effective share, where the effective share
    is the product of the shares along the group type's links from the top down to the
    member, summed over paths (``hierarchies.ownership``; the top itself counts whole).

    ``figures`` must list every member (``breakdown=None``). Exact: cents times exact decimal
    fractions, summed without rounding, then rounded once to the cent, half up (kaufmännisch).
    The members' weighted figures are rounded the same way one by one, for display; their sum
    can differ from the total by a cent or so. A member reached by no path of links with a
    share counts 0 and is counted in ``without_share``. Shares as of ``day`` (today)."""
    root = int(figures.root_id or figures.party_id)
    types = ownership.share_type_ids(type_key) if type_key else []
    graph = ownership.load_graph(root, types, day or dt.date.today(), up=False)
    shares, _paths, complete = ownership.effective(graph, root, max_paths=0)
    shares[root] = Decimal(1)
    cent = Decimal(1)
    rows: list[dict[str, Any]] = []
    with localcontext() as ctx:
        ctx.prec = 60
        total = Decimal(0)
        without = 0
        for m in figures.members:
            fraction = shares.get(m.party_id)
            if fraction is None:
                without += 1
                fraction = Decimal(0)
            exact = Decimal(m.cents) * fraction
            total += exact
            rows.append(
                {
                    "member": m,
                    "share": (fraction * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
                    "cents": int(exact.quantize(cent, rounding=ROUND_HALF_UP)),
                    "has_share": m.party_id in shares,
                }
            )
        total_cents = int(total.quantize(cent, rounding=ROUND_HALF_UP))
    return {
        "total_cents": total_cents,
        "members": rows,
        "without_share": without,
        "complete": complete,
    }


def _period(request: HttpRequest) -> tuple[Period, list[str]]:
    """The period asked for and what was wrong with it. A month that is none, or a period
    that ends before it begins, fell back to this year's figures without a word; it is now
    said, in the overview's terms (``forms.PeriodMonthField``: "Von Monat: „13.2025“ ist kein
    Monat (MM.JJJJ)."), beside this year's figures."""
    params = request.GET
    try:
        year = selectors.int_param(params, "rev_year", None, YEAR_MIN, YEAR_MAX)
    except ValidationError as exc:
        # Said with the field's name, as the months are ("Jahr: …").
        named = [
            _("%(field)s: %(message)s") % {"field": _("Year"), "message": m} for m in exc.messages
        ]
        return Period.year(dt.date.today().year), named
    try:
        if year and not params.get("rev_from"):
            return Period.year(year), []
        first, last = (
            PeriodMonthField(label=label, required=False).clean(params.get(name) or "")
            for name, label in (("rev_from", _("From month")), ("rev_to", _("To month")))
        )
        return Period.parse(
            f"{first:%Y-%m}" if first else None,
            f"{last:%Y-%m}" if last else None,
            default_year=year,
        ), []
    except ValidationError as exc:
        return Period.year(dt.date.today().year), exc.messages
    except ValueError:  # a year no one picks from the list (an edited address)
        return Period.year(dt.date.today().year), []


def _page(request: HttpRequest) -> tuple[str, int]:
    """The block whose members are listed in full (``rev_all``) and the page asked for."""
    try:
        page = max(1, int(request.GET.get("rev_page") or 1))
    except ValueError:
        page = 1
    return str(request.GET.get("rev_all") or ""), page


def _breakdown(key: str, paging: tuple[str, int]) -> int:
    """Members to fetch for a block: the first 20, or up to the end of the asked page."""
    wanted, page = paging
    return page * MEMBERS_PAGE if wanted == key else MEMBERS_SHOWN


def _block(
    key: str,
    title: str,
    figures: selectors.Figures,
    query: str,
    paging: tuple[str, int] = ("", 1),
    head: Party | None = None,
    previous: selectors.Figures | None = None,
    weighted: dict[str, Any] | None = None,
) -> dict[str, Any]:
    by_month = dict(figures.months)
    before = dict(previous.months) if previous is not None else {}
    wanted, page = paging
    members = figures.members
    listing_all = wanted == key
    if listing_all:
        members = members[(page - 1) * MEMBERS_PAGE : page * MEMBERS_PAGE]
    first = (page - 1) * MEMBERS_PAGE if listing_all else 0
    shown = len(members)
    return {
        "key": key,
        "title": title,
        "figures": figures,
        # The same months a year before: the total and the change in percent (None without a
        # positive figure to compare with).
        "previous_cents": previous.total_cents if previous is not None else None,
        "change_percent": percent(figures.total_cents - previous.total_cents, previous.total_cents)
        if previous is not None and previous.total_cents > 0
        else None,
        "members": members,
        # The group a subsidiary's figures are for, named and linked (#22.9).
        "head": head,
        # "20 von 1.030" (or "101-200 von 1.030", an en dash, while paging through all of them).
        "members_label": format_count(shown, figures.member_count, first=first + 1),
        "more": figures.member_count > first + shown,
        "page": page if listing_all else None,
        # An empty chart says nothing the total does not: it is not drawn.
        "chart": month_bars(
            # Every month of the period gets its place on the axis, so a gap reads as a gap;
            # the same month a year before stands beside it (#18.3).
            [(m, by_month.get(m, 0)) for m in figures.period.months()],
            previous=[before.get(add_months(m, -12), 0) for m in figures.period.months()]
            if previous is not None
            else None,
            title=title,
        )
        if any(c for _m, c in figures.months)
        else None,
        "query": query,
        # "voll / anteilig" (#17.4): None where the type carries no shares.
        "weighted": weighted,
    }


def _weighted_block(
    figures: selectors.Figures, rtype: Any, weight: str, paging: tuple[str, int], key: str
) -> dict[str, Any] | None:
    """The share-weighted figures of a group block when asked (``rev_weight=share``) and the
    type carries shares; the members listed are those of the block's page, by weighted
    revenue."""
    if weight != "share" or not rtype.carries_share or not figures.root_id:
        return None
    everyone = selectors.party_revenue(
        figures.party_id,
        scope="group",
        period=figures.period,
        type_key=rtype.key,
        structure=figures.structure,
        breakdown=None,
    )
    result = weighted_revenue(everyone, rtype.key)
    wanted, page = paging
    rows = sorted(result["members"], key=lambda r: (-r["cents"], r["member"].party_id))
    if wanted == key:
        rows = rows[(page - 1) * MEMBERS_PAGE : page * MEMBERS_PAGE]
    else:
        rows = rows[:MEMBERS_SHOWN]
    return {**result, "members": rows}


def section_context(request: HttpRequest, party: Party) -> dict[str, Any]:
    # The period asked for (the form shows it) and the months compared with the same months a
    # year before: up to the last complete month (``periods.comparable``, decision 0050).
    asked, period_errors = _period(request)
    period = comparable(asked)
    wanted = str(request.GET.get("rev_structure") or "current")
    structure = wanted if wanted in selectors.STRUCTURES else "current"
    weight = str(request.GET.get("rev_weight") or "full")
    weight = weight if weight in WEIGHTS else "full"
    base = f"from={period.first:%Y-%m}&to={period.last:%Y-%m}&structure={structure}"
    paging = _page(request)
    before = previous_year(period)
    blocks = [
        _block(
            "own",
            _("Own revenue"),
            selectors.own_revenue(party.pk, period),
            f"scope=own&{base}",
            previous=selectors.own_revenue(party.pk, before),
        )
    ]
    today = dt.date.today()
    linked = set(_LINKED_TYPES(party=party.pk, today=today))
    for rtype in selectors.revenue_types():
        if rtype.key == selectors.SETTLEMENT or rtype.pk not in linked:
            continue
        figures = selectors.party_revenue(
            party,
            scope="group",
            period=period,
            type_key=rtype.key,
            structure=structure,
            breakdown=_breakdown(f"group-{rtype.key}", paging),
        )
        previous = selectors.party_revenue(
            party,
            scope="group",
            period=before,
            type_key=rtype.key,
            structure=structure,
            breakdown=0,
        )
        head = None
        if figures.root_id and figures.root_id != party.pk:
            head = listed_party(figures.root_id)
        key = f"group-{rtype.key}"
        blocks.append(
            _block(
                key,
                _("%(type)s revenue") % {"type": rtype.name},
                figures,
                f"scope=group&type={rtype.key}&{base}",
                paging,
                head,
                previous,
                _weighted_block(figures, rtype, weight, paging, key),
            )
        )
        blocks[-1]["weighable"] = bool(rtype.carries_share)
    if _SETTLES_EVER(party=party.pk):
        figures = selectors.party_revenue(
            party,
            scope="association",
            period=period,
            structure=structure,
            breakdown=_breakdown("association", paging),
        )
        previous = selectors.party_revenue(
            party, scope="association", period=before, structure=structure, breakdown=0
        )
        blocks.append(
            _block(
                "association",
                _("Association revenue (settled through this party)"),
                figures,
                f"scope=association&{base}",
                paging,
                previous=previous,
            )
        )
    main = main_address_relationship(party)
    years = list(range(today.year - 3, today.year + 1))
    return {
        "party": party,
        "asked": asked,
        "period_errors": period_errors,
        "period": period,
        "period_label": period_label(period),
        "previous_label": period_label(before),
        "cut_short": period != asked,
        "running": periods.running(period),
        "structure": structure,
        "structures": list(selectors.STRUCTURE_LABELS.items()),
        "blocks": blocks,
        # The section's own parameters (the period as asked), for the member pages' links.
        "section_query": (
            f"rev_from={asked.first:%Y-%m}&rev_to={asked.last:%Y-%m}"
            f"&rev_structure={structure}&rev_weight={weight}"
        ),
        "weight": weight,
        # The same without the weighting, for the "voll / anteilig" switch.
        "unweighted_query": (
            f"rev_from={asked.first:%Y-%m}&rev_to={asked.last:%Y-%m}&rev_structure={structure}"
        ),
        # The central settlement view with the section's period and structure (#18.2).
        "settlement_query": (
            f"span=months&from={asked.first:%Y-%m}&to={asked.last:%Y-%m}&mode={structure}"
        ),
        "main_address": main.to_party if main else None,
        "main_since": main.valid_from if main else None,
        "years": years,
        "selected_year": asked.first.year
        if asked.whole_years and len(asked.whole_years) == 1
        else None,
    }


def party_sections(request: HttpRequest, party: Party) -> list[Section]:
    if not request.user.has_perm(PERMISSION):
        return []
    # A contact person buys nothing and belongs to no group: no empty "0,00 €" section, unless
    # the ERP did book revenue on the person (a private customer recorded as a person).
    if party.kind == PartyKind.PERSON and not RevenueMonth.objects.filter(party=party).exists():
        return []
    return [
        Section(
            key="revenue",
            title=str(_("Revenue")),
            template="revenue/section.html",
            context=section_context(request, party),
            order=30,
        )
    ]


def party_badges(party: Party) -> list[Badge]:
    if _SETTLES(party=party.pk, today=dt.date.today()):
        return [Badge(label=str(_("Central settlement")), css="badge badge-settlement")]
    return []
