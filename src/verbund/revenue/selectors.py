"""Revenue figures shared by the UI, API and CLI.

Scopes: ``own`` (one party), ``group`` (the whole tree the party belongs to today, along a
hierarchy type that rolls up revenue), ``subtree`` (the party and everything below it) and
``association`` (everything settled through the party: its subtree along ``settlement``).

Structures: ``current`` counts every month for today's structure (the hierarchy's closure
joined with the per-party figures); ``historic`` counts each month for the structure valid on
that month's LAST day (the hierarchy's dated walk, ``member_periods_sql``). Either way a party
is counted at most once per total: members are selected with ``IN``/``EXISTS``, never joined
twice. The trees themselves come from ``hierarchies.selectors`` only.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from verbund.core.sql import id_set
from verbund.hierarchies import selectors as hierarchy
from verbund.parties.models import Party
from verbund.relationships.models import RelationshipType
from verbund.relationships.rules import could_be_type_key
from verbund.revenue import aggregates, plans, rules
from verbund.revenue.aggregates import reads_years, year_rows
from verbund.revenue.models import MONTH_COLUMNS, RevenueMonth, RevenueYear
from verbund.revenue.periods import YEAR_MAX, YEAR_MIN, Period, month_end

SCOPES = ("own", "group", "subtree", "association")
STRUCTURES = ("current", "historic")
# The keys as people read them: in refusals and in the exports for people (the API's schema
# names the keys, decision 0053).
SCOPE_LABELS = {
    "own": pgettext_lazy("revenue scope", "this party only"),
    "group": pgettext_lazy("revenue scope", "the whole group"),
    "subtree": pgettext_lazy("revenue scope", "this party and everything below it"),
    "association": pgettext_lazy("revenue scope", "settled through this party (association)"),
}
STRUCTURE_LABELS = {
    "current": gettext_lazy("today's structure"),
    "historic": gettext_lazy("structure of each month"),
}
SETTLEMENT = "settlement"
# The most members a party's figures list (``breakdown``).
BREAKDOWN_MAX = 100_000

T_MONTH = RevenueMonth._meta.db_table
T_YEAR = RevenueYear._meta.db_table


@dataclass
class MemberFigure:
    party_id: int
    cents: int
    number: str = ""
    name: str = ""
    depth: int | None = None

    @property
    def amount(self) -> str:
        return cents_str(self.cents)


@dataclass
class Figures:
    """The answer to one revenue question: total, months and (optionally) members, in EUR cents."""

    party_id: int
    scope: str
    structure: str
    period: Period
    type_key: str | None
    root_id: int | None
    total_cents: int
    months: list[tuple[dt.date, int]] = field(default_factory=list)
    members: list[MemberFigure] = field(default_factory=list)
    member_count: int = 0
    invoiced_through_cents: int | None = None

    @property
    def total(self) -> str:
        return cents_str(self.total_cents)

    def quarters(self) -> list[tuple[str, int]]:
        sums: dict[str, int] = {}
        for month, cents in self.months:
            key = f"{month.year}-Q{(month.month - 1) // 3 + 1}"
            sums[key] = sums.get(key, 0) + cents
        return sorted(sums.items())

    def years(self) -> list[tuple[int, int]]:
        sums: dict[int, int] = {}
        for month, cents in self.months:
            sums[month.year] = sums.get(month.year, 0) + cents
        return sorted(sums.items())

    def as_dict(self) -> dict[str, Any]:
        return {
            "party": self.party_id,
            "scope": self.scope,
            "structure": self.structure,
            "type": self.type_key,
            "root": self.root_id,
            "from": f"{self.period.first:%Y-%m}",
            "to": f"{self.period.last:%Y-%m}",
            "currency": "EUR",
            "total": cents_str(self.total_cents),
            "total_cents": self.total_cents,
            "months": [{"month": f"{m:%Y-%m}", "amount": cents_str(c), "cents": c} for m, c in self.months],
            "quarters": [{"quarter": q, "amount": cents_str(c), "cents": c} for q, c in self.quarters()],
            "years": [{"year": y, "amount": cents_str(c), "cents": c} for y, c in self.years()],
            "member_count": self.member_count,
            "breakdown": [
                {"party": m.party_id, "number": m.number, "name": m.name, "amount": cents_str(m.cents), "cents": m.cents}
                for m in self.members
            ],
            **({"invoiced_through": cents_str(self.invoiced_through_cents), "invoiced_through_cents": self.invoiced_through_cents}
               if self.invoiced_through_cents is not None else {}),
        }  # fmt: skip


def cents_str(cents: int | None) -> str:
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


# --- SQL helpers --------------------------------------------------------------------------


def _pg() -> bool:
    return connection.vendor == "postgresql"


def _day(value: dt.date) -> Any:
    # SQLite stores dates as ISO text; PostgreSQL takes the date itself.
    return value if _pg() else value.isoformat()


def _rows(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cur:
        cur.execute(sql, list(params))
        return list(cur.fetchall())


def _month_value(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def hierarchy_type(key: str | None) -> RelationshipType:
    """A hierarchy type that rolls up revenue; errors name the ``type`` parameter."""
    rtype = (
        RelationshipType.objects.filter(key=key or "group").first()
        if could_be_type_key(key)
        else None
    )
    if rtype is None:
        raise ValidationError({"type": [_("Unknown relationship type %(key)s.") % {"key": key}]})
    if not rtype.is_hierarchy or not rtype.rolls_up_revenue:
        raise ValidationError(
            {"type": [_("%(type)s is no hierarchy that rolls up revenue.") % {"type": rtype.name}]}
        )
    return rtype


def revenue_types() -> list[RelationshipType]:
    return [t for t in hierarchy.all_hierarchy_types() if t.rolls_up_revenue and t.active]


def _closure() -> str | None:
    """Today's closure table; where this is None (the tests make it so, to compare the two
    ways), today's trees are walked along the dated links instead."""
    return hierarchy.CLOSURE


def _fresh(rtype: RelationshipType) -> bool:
    """Whether the closure answers today's questions, after bringing it up to today."""
    if _closure() is None:
        return False
    hierarchy.ensure_current(rtype)
    return True


def _closure_table() -> str:
    return str(_closure())


def _current_source(
    rtype: RelationshipType, root_id: int, table: str, cond: str, cparams: list[Any]
) -> tuple[str, list[Any]]:
    """FROM clause (rows aliased ``y``) of a subtree's figures in today's structure.

    With the closure: a plain join on (type, ancestor) that reads the covering indexes. A root
    without any link has no closure row and stands alone.
    """
    if _fresh(rtype):
        if hierarchy.in_tree(root_id, rtype.pk):
            sql = f"{_closure_table()} c JOIN {table} y ON y.party_id = c.descendant_id AND {cond} WHERE c.type_id = %s AND c.ancestor_id = %s"
            return sql, [*cparams, rtype.pk, root_id]
        return f"{table} y WHERE y.party_id = %s AND {cond}", [root_id, *cparams]
    members_sql, mparams = _tree_sql(
        rtype, root_id, dt.date.today(), dt.date.today(), members_only=True
    )
    # The CTE cannot sit inside IN on every database version, so members come as a list.
    ids = [int(r[0]) for r in _rows(members_sql, mparams)] or [root_id]
    marks = ", ".join(["%s"] * len(ids))
    return f"{table} y WHERE y.party_id IN ({marks}) AND {cond}", [*ids, *cparams]


def _tree_sql(
    rtype: RelationshipType, root_id: int, lo: dt.date, hi: dt.date, *, members_only: bool = False
) -> tuple[str, list[Any]]:
    """The hierarchy's dated walk ``tree(party_id, lo, hi, depth)`` under ``root_id``."""
    return hierarchy.member_periods_sql(rtype.pk, root_id, lo, hi, members_only=members_only)


def _month_bounds_sql() -> tuple[str, str]:
    """SQL for the first and last month a tree row counts in under the month-end rule.

    A member counts in month m when its interval holds m's last day: from the month of ``lo``
    up to the month before the one holding ``hi + 1 day``.
    """
    if _pg():
        return (
            _month_start_sql("t.lo"),
            "CAST(date_trunc('month', t.hi + 1) - interval '1 month' AS date)",
        )
    return _month_start_sql("t.lo"), "date(t.hi, '+1 day', 'start of month', '-1 month')"


def _historic_rows_sql(
    rtype: RelationshipType, root_id: int, period: Period
) -> tuple[str, list[Any]]:
    """CTE + ``counted`` rows (party_id, month, amount_cents): each revenue row at most once."""
    tree, params = _tree_sql(rtype, root_id, period.first, month_end(period.last))
    m_lo, m_hi = _month_bounds_sql()
    # Joining the tree finds each revenue row through the (party, month) index; selecting the
    # rows by id then counts every row once even if broken data gave a party two paths.
    sql = (
        tree + f" SELECT rm.party_id, rm.month, rm.amount_cents FROM {T_MONTH} rm WHERE rm.id IN ("
        f"SELECT r2.id FROM tree t JOIN {T_MONTH} r2 ON r2.party_id = t.party_id"
        f" AND r2.month >= {m_lo} AND r2.month <= {m_hi} AND r2.month >= %s AND r2.month <= %s)"
    )
    return sql, [*params, _day(period.first), _day(period.last)]


# --- own revenue --------------------------------------------------------------------------


def own_revenue(party_id: int, period: Period) -> Figures:
    rows = _rows(
        f"SELECT month, SUM(amount_cents) FROM {T_MONTH} WHERE party_id = %s AND month >= %s AND month <= %s GROUP BY month ORDER BY month",
        [party_id, _day(period.first), _day(period.last)],
    )
    months = [(_month_value(m), int(c)) for m, c in rows]
    return Figures(
        party_id, "own", "current", period, None, party_id, sum(c for _, c in months), months, [], 1
    )


# --- structures ---------------------------------------------------------------------------


def group_root(party_id: int, rtype: RelationshipType) -> int:
    """The party's ultimate parent along ``rtype`` today (itself when it has none)."""
    if _fresh(rtype):
        return hierarchy.top_ancestor(party_id, rtype.pk)
    return hierarchy.top_ancestor(party_id, rtype.pk, on=dt.date.today())


def label(rows: Sequence[Any]) -> None:
    """Give each row (anything with ``party_id``, ``number`` and ``name``) its party's number
    and name, in one query."""
    names = party_names(r.party_id for r in rows)
    for r in rows:
        info = names.get(r.party_id)
        if info:
            r.number, r.name = info


def party_names(ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """(number, name) of each party, in one statement with the ids as one parameter."""
    wanted = set(ids)
    if not wanted:
        return {}
    ids_sql, params = id_set(wanted)
    sql = f"SELECT id, number, name FROM {Party._meta.db_table} WHERE id {ids_sql}"
    return {int(i): (n or "", m or "") for i, n, m in _rows(sql, params)}


def tree_revenue(
    root_id: int,
    rtype: RelationshipType,
    period: Period,
    *,
    structure: str = "current",
    scope: str = "subtree",
    party_id: int | None = None,
    monthly: bool = True,
    breakdown: int | None = 1000,
) -> Figures:
    """Revenue of ``root_id`` and everything below it along ``rtype``.

    ``breakdown`` caps the members listed (largest first; None lists all); ``member_count``
    counts all members with revenue in the period.
    """
    if structure not in STRUCTURES:
        raise ValidationError({"structure": [rules.choose(STRUCTURE_LABELS.values())]})
    figures = Figures(party_id or root_id, scope, structure, period, rtype.key, root_id, 0)
    if structure == "current":
        with plans.index_driven():
            if reads_years(period):
                cond, cparams = year_rows(period).cond
                src, sparams = _current_source(rtype, root_id, T_YEAR, cond, cparams)
                _yearly_figures(figures, src, sparams, period, monthly=monthly, breakdown=breakdown)
            else:
                src, sparams = _current_source(
                    rtype,
                    root_id,
                    T_MONTH,
                    "y.month >= %s AND y.month <= %s",
                    [_day(period.first), _day(period.last)],
                )
                _monthly_figures(figures, src, sparams, breakdown=breakdown, monthly=monthly)
    elif _dated() is not None:
        with plans.index_driven():
            _historic_figures(figures, rtype, root_id, period, monthly=monthly, breakdown=breakdown)
    else:
        _walked_figures(figures, rtype, root_id, period, monthly=monthly, breakdown=breakdown)
    label(figures.members)
    return figures


def _monthly_figures(
    figures: Figures, src: str, sparams: list[Any], *, monthly: bool, breakdown: int | None
) -> None:
    """Today's structure over the monthly rows ``y`` of ``src`` (periods of part years)."""
    if monthly:
        sql = f"SELECT y.month, SUM(y.amount_cents) FROM {src} GROUP BY y.month ORDER BY y.month"
        figures.months = [(_month_value(m), int(c)) for m, c in _rows(sql, sparams)]
        figures.total_cents = sum(c for _m, c in figures.months)
    else:
        sql = f"SELECT COALESCE(SUM(y.amount_cents), 0) FROM {src}"
        figures.total_cents = int(_rows(sql, sparams)[0][0])
    if breakdown != 0:
        figures.member_count = int(
            _rows(f"SELECT COUNT(DISTINCT y.party_id) FROM {src}", sparams)[0][0]
        )
        _top_members(figures, src, sparams, breakdown, grouped=True)


def _yearly_figures(
    figures: Figures,
    src: str,
    sparams: list[Any],
    period: Period,
    *,
    monthly: bool,
    breakdown: int | None,
) -> None:
    """Today's structure over the yearly rows ``y`` of ``src`` (periods that begin in January:
    whole years, the last possibly up to an earlier month; ``year_rows``).

    Total, member count and months come from one pass over the members' year rows, whose
    month columns hold the monthly sums (NULL: no figure that month; decision 0032); the
    monthly rows are not read.
    """
    rows = year_rows(period)
    amount, aparams = rows.amount
    years = list(range(period.first.year, period.last.year + 1))
    if not monthly and breakdown == 0:
        sql = f"SELECT COALESCE(SUM({amount}), 0) FROM {src}"
        figures.total_cents = int(_rows(sql, [*aparams, *sparams])[0][0])
        return
    # Each party-year row holds the year's total and its months, so with the months read the
    # total is their sum (the contract keeps both equal; one aggregate less per member).
    if monthly:
        sums, params = ", ".join(f"SUM(y.{c})" for c in MONTH_COLUMNS), list(sparams)
    else:
        sums, params = f"SUM({amount})", [*aparams, *sparams]
    if len(years) == 1:
        # A plain aggregate, no grouping; a party has one row per year, so COUNT(*) counts
        # the members (``year_rows`` keeps the rows with a figure in the period's months).
        sql = f"SELECT {int(years[0])}, COUNT(*), {sums} FROM {src}"
    else:
        sql = f"SELECT y.year, COUNT(*), {sums} FROM {src} GROUP BY y.year"
    total, count, months = 0, 0, []
    for year, n, *values in _rows(sql, params):
        if not n:  # one year without any member row
            continue
        count += int(n)
        found = [int(c) if c is not None else None for c in values]
        if monthly:
            # The last year's months after the period's last month are not the period's.
            found = found[: rows.months] if int(year) == period.last.year else found
            months += [
                (dt.date(int(year), k, 1), c) for k, c in enumerate(found, 1) if c is not None
            ]
        total += sum(c for c in found if c is not None)
    figures.total_cents, figures.months = total, sorted(months)
    if breakdown != 0:
        if len(years) > 1:
            count = int(_rows(f"SELECT COUNT(DISTINCT y.party_id) FROM {src}", sparams)[0][0])
        figures.member_count = count
        _top_members(figures, src, sparams, breakdown, grouped=len(years) > 1, amount=rows.amount)


def _top_members(
    figures: Figures,
    src: str,
    sparams: list[Any],
    breakdown: int | None,
    *,
    grouped: bool,
    amount: tuple[str, list[Any]] = ("y.amount_cents", []),
) -> None:
    """The largest members of ``src`` (``grouped``: summed per party first; else each row is
    one party's whole figure, as a year row is for one year, and no grouping is needed);
    ``amount``: a row's figure in the period (``year_rows``)."""
    if not figures.member_count:
        return
    limit = "" if breakdown is None else f" LIMIT {int(breakdown)}"
    expr, aparams = amount
    if grouped:
        sql = f"SELECT y.party_id, SUM({expr}) AS cents FROM {src} GROUP BY y.party_id"
    else:
        sql = f"SELECT y.party_id, {expr} AS cents FROM {src}"
    found = _rows(f"{sql} ORDER BY cents DESC, y.party_id{limit}", [*aparams, *sparams])
    figures.members = [MemberFigure(int(p), int(c)) for p, c in found]


def _dated() -> str | None:
    """The dated closure table; where this is None (tests make it so, to compare the two
    ways), the structure of each month is walked along the dated links instead."""
    return hierarchy.DATED_CLOSURE


def _month_start_sql(column: str) -> str:
    """The first day of the month of a date column, in SQL."""
    if _pg():
        return f"CAST(date_trunc('month', {column}) AS date)"
    return f"date({column}, 'start of month')"


def _month_end_sql(column: str) -> str:
    if _pg():
        return f"CAST({column} + interval '1 month' - interval '1 day' AS date)"
    return f"date({column}, '+1 month', '-1 day')"


def _historic_parts(
    rtype: RelationshipType, root_id: int, period: Period, *, monthly: bool
) -> tuple[str, list[Any]]:
    """Rows ``(party_id, month, amount_cents)`` counted by the structure of each month, as one
    UNION ALL of three parts; ``month`` is NULL in rows read from the yearly aggregates (for
    periods that begin in January, ``year_rows``).

    A member counts in month m when the day m ends falls in one of its dated closure rows
    (ADR 0003, item 5). Rows that hold the last day of every month of the period ("covering":
    from no later than the first month's end to no earlier than the last month's) are the
    common case and join the figures like today's closure does, from the yearly aggregates
    unless ``monthly``; the few others join the monthly rows with the
    month-end test per row. The root counts for the whole period.
    """
    dt_ = _dated()
    first_end, last_end = _day(month_end(period.first)), _day(month_end(period.last))
    m_lo, m_hi = _day(period.first), _day(period.last)
    head = f"FROM {dt_} d JOIN {{table}} y ON y.party_id = d.descendant_id AND {{cond}} WHERE d.type_id = %s AND d.ancestor_id = %s"
    amount: tuple[str, list[Any]] = ("y.amount_cents", [])
    if not monthly and reads_years(period):
        rows = year_rows(period)
        (cond, cparams), amount, month, table = rows.cond, rows.amount, "NULL", T_YEAR
    else:
        table, cond, cparams, month = (
            T_MONTH,
            "y.month >= %s AND y.month <= %s",
            [m_lo, m_hi],
            "y.month",
        )
    expr, aparams = amount
    covering = (
        f"SELECT y.party_id, {month} AS month, {expr} AS amount_cents "
        + head.format(table=table, cond=cond)
        + " AND d.valid_from <= %s AND d.valid_to >= %s"
    )
    partial = (
        "SELECT y.party_id, y.month, y.amount_cents "
        + head.format(
            table=T_MONTH,
            cond=f"y.month >= %s AND y.month <= %s AND {_month_end_sql('y.month')} BETWEEN d.valid_from AND d.valid_to",
        )
        + " AND d.valid_from <= %s AND d.valid_to >= %s AND NOT (d.valid_from <= %s AND d.valid_to >= %s)"
    )
    own = f"SELECT y.party_id, {month} AS month, {expr} AS amount_cents FROM {table} y WHERE y.party_id = %s AND {cond}"
    sql = f"{covering} UNION ALL {partial} UNION ALL {own}"
    params = [
        *aparams, *cparams, rtype.pk, root_id, first_end, last_end,
        m_lo, m_hi, rtype.pk, root_id, last_end, first_end, first_end, last_end,
        *aparams, root_id, *cparams,
    ]  # fmt: skip
    return sql, params


def _historic_figures(
    figures: Figures,
    rtype: RelationshipType,
    root_id: int,
    period: Period,
    *,
    monthly: bool,
    breakdown: int | None,
) -> None:
    """By the structure of each month, from the dated closure (see ``_historic_parts``)."""
    rows, params = _historic_parts(rtype, root_id, period, monthly=False)
    # One scalar sum per part: summing over the UNION ALL made SQLite materialise the rows
    # first (557 against 257 ms for a 100,000-member group).
    sums = []
    for part in rows.split(" UNION ALL "):
        sums.append(f"(SELECT COALESCE(SUM(amount_cents), 0) FROM ({part}) h)")
    figures.total_cents = int(_rows("SELECT " + " + ".join(sums), params)[0][0])
    mrows, mparams = _historic_parts(rtype, root_id, period, monthly=True)
    if monthly:
        sql = f"SELECT month, SUM(amount_cents) FROM ({mrows}) h GROUP BY month ORDER BY month"
        figures.months = [(_month_value(m), int(c)) for m, c in _rows(sql, mparams)]
    if breakdown != 0:
        # Members from the monthly rows: a member counts when it has a figure in a counted
        # month, even one of zero (as the walk counted them), which the yearly sums drop.
        by_member = (
            f"SELECT party_id, SUM(amount_cents) AS cents FROM ({mrows}) h GROUP BY party_id"
        )
        figures.member_count = int(_rows(f"SELECT COUNT(*) FROM ({by_member}) b", mparams)[0][0])
        limit = "" if breakdown is None else f" LIMIT {int(breakdown)}"
        found = _rows(f"{by_member} ORDER BY cents DESC, party_id{limit}", mparams)
        figures.members = [MemberFigure(int(p), int(c)) for p, c in found]


def _walked_figures(
    figures: Figures,
    rtype: RelationshipType,
    root_id: int,
    period: Period,
    *,
    monthly: bool,
    breakdown: int | None,
) -> None:
    """By the structure of each month, walking the dated links at request time (the way before
    the dated closure; kept as the reference the property test compares with)."""
    counted, cparams = _historic_rows_sql(rtype, root_id, period)
    # The CTE must lead the statement on both databases, so the grouping wraps its rows.
    head, _sep, tail = counted.rpartition(" SELECT rm.party_id")
    body = "SELECT rm.party_id" + tail
    month_rows = _rows(
        f"{head} SELECT month, SUM(amount_cents) FROM ({body}) c GROUP BY month ORDER BY month",
        cparams,
    )
    figures.months = [(_month_value(m), int(c)) for m, c in month_rows]
    figures.total_cents = sum(c for _, c in figures.months)
    if breakdown != 0:
        by_member = f"SELECT party_id, SUM(amount_cents) AS cents FROM ({body}) c GROUP BY party_id"
        figures.member_count = int(
            _rows(f"{head} SELECT COUNT(*) FROM ({by_member}) b", cparams)[0][0]
        )
        limit = "" if breakdown is None else f" LIMIT {int(breakdown)}"
        rows = _rows(f"{head} {by_member} ORDER BY cents DESC, party_id{limit}", cparams)
        figures.members = [MemberFigure(int(p), int(c)) for p, c in rows]
    if not monthly:
        figures.months = []


def party_revenue(
    party: Party | int,
    *,
    scope: str = "own",
    period: Period,
    type_key: str | None = None,
    structure: str = "current",
    breakdown: int | None = 1000,
) -> Figures:
    """The one entry point the API, CLI and customer file call."""
    party_id = party if isinstance(party, int) else party.pk
    if scope not in SCOPES:
        raise ValidationError({"scope": [rules.choose(SCOPE_LABELS.values())]})
    if structure not in STRUCTURES:
        raise ValidationError({"structure": [rules.choose(STRUCTURE_LABELS.values())]})
    if scope == "own":
        return own_revenue(party_id, period)
    if scope == "association":
        if type_key not in (None, "", SETTLEMENT):
            raise ValidationError(
                {"type": [_("The association scope always follows central settlement.")]}
            )
        rtype = hierarchy_type(SETTLEMENT)
        figures = tree_revenue(
            party_id, rtype, period, structure=structure, scope=scope, breakdown=breakdown
        )
        figures.invoiced_through_cents = invoiced_through(party_id, period)
        return figures
    rtype = hierarchy_type(type_key)
    root = group_root(party_id, rtype) if scope == "group" else party_id
    return tree_revenue(
        root,
        rtype,
        period,
        structure=structure,
        scope=scope,
        party_id=party_id,
        breakdown=breakdown,
    )


def group_total(
    root_id: int, rtype: RelationshipType, period: Period, *, structure: str = "current"
) -> int:
    """Just the total (what the benchmark times and what top lists compare)."""
    return tree_revenue(
        root_id, rtype, period, structure=structure, monthly=False, breakdown=0
    ).total_cents


def invoiced_through(settling_party_id: int, period: Period) -> int:
    """Revenue whose invoices named this party as settling party (the ERP's own attribution)."""
    sql = f"SELECT COALESCE(SUM(amount_cents), 0) FROM {T_MONTH} WHERE settled_by_id = %s AND month >= %s AND month <= %s"
    return int(_rows(sql, [settling_party_id, _day(period.first), _day(period.last)])[0][0])


def roots_sql(closure: str | None = None) -> str:
    """SELECT of the root parties of type %s in today's closure (one parameter: the type)."""
    return hierarchy.ROOTS_SQL


def top_groups(rtype: RelationshipType, period: Period, *, limit: int = 100) -> list[MemberFigure]:
    """The largest groups (roots of today's structure along ``rtype``) over the whole database."""
    if not _fresh(rtype):
        raise ValidationError(
            {"type": [_("The closure of %(type)s is not available.") % {"type": rtype.name}]}
        )
    closure = _closure_table()
    years = period.whole_years
    if years:
        join, sparams = (
            f"{T_YEAR} y ON y.party_id = c.descendant_id AND y.year >= %s AND y.year <= %s",
            [years[0], years[-1]],
        )
    else:
        join = f"{T_MONTH} y ON y.party_id = c.descendant_id AND y.month >= %s AND y.month <= %s"
        sparams = [_day(period.first), _day(period.last)]
    # Every member sits under exactly one root today, so summing over the roots' closure rows
    # counts each party once. Roots: self rows without a parent (where the closure stores each
    # row's parent), else self rows without an ancestor row.
    sql = (
        f"SELECT c.ancestor_id, SUM(y.amount_cents) AS total FROM {closure} c JOIN {join}"
        f" WHERE c.type_id = %s AND c.ancestor_id IN ({roots_sql()})"
        f" GROUP BY c.ancestor_id ORDER BY total DESC, c.ancestor_id LIMIT {int(limit)}"
    )
    with plans.scan_driven():
        rows = _rows(sql, [*sparams, rtype.pk, rtype.pk])
    result = [MemberFigure(int(p), int(c)) for p, c in rows]
    label(result)
    return result


def verify_aggregates(
    party_ids: Sequence[int] | None = None,
) -> list[tuple[int, int, str, int | None, int | None]]:
    """(party, year, figure, stored, recomputed) for every yearly aggregate figure (the total
    ``amount_cents`` or a month ``m01`` ... ``m12``) that disagrees with the monthly rows;
    None where one side has no figure (``aggregates.mismatches``)."""
    return aggregates.mismatches(party_ids)


# --- parameters (API, exports, CLI) --------------------------------------------------------


def int_param(
    params: Any, name: str, default: int | None, minimum: int = 0, maximum: int = 10_000_000
) -> int | None:
    """A whole-number parameter within bounds; errors name it."""
    raw = params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError(
            {name: [_("%(value)s is not a whole number.") % {"value": raw}]}
        ) from None
    if not (minimum <= value <= maximum):
        raise ValidationError(
            {
                name: [
                    _("The value must lie between %(min)s and %(max)s.")
                    % {"min": minimum, "max": maximum}
                ]
            }
        )
    return value


def period_from_params(params: Any) -> Period:
    """``from``/``to`` (YYYY-MM) or ``year``; errors name the parameter."""
    year = int_param(params, "year", None, YEAR_MIN, YEAR_MAX)
    if year and not params.get("from") and not params.get("to"):
        return Period.year(year)
    return Period.parse(params.get("from"), params.get("to"), default_year=year)


def figures_from_params(party: Party, params: Any) -> Figures:
    """The figures a request's parameters ask for (API, customer file, exports)."""
    scope = params.get("scope") or "own"
    structure = params.get("structure") or "current"
    if scope not in SCOPES:
        raise ValidationError({"scope": [rules.choose(SCOPE_LABELS.values())]})
    if structure not in STRUCTURES:
        raise ValidationError({"structure": [rules.choose(STRUCTURE_LABELS.values())]})
    period = period_from_params(params)
    breakdown = int_param(params, "breakdown", 1000, 0, BREAKDOWN_MAX)
    return party_revenue(
        party,
        scope=scope,
        period=period,
        type_key=params.get("type") or None,
        structure=structure,
        breakdown=breakdown,
    )
