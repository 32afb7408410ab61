"""Revenue analysis: rankings of groups, chains and associations with the same period of the
previous year, ABC classes and member counts, and the drill-down into one head's members
(issue #18, points 1 and 2; decision 0026). A period that reaches into the current month is
compared up to the last complete month, in both years (``periods.comparable``, decision 0050).

Two structures, as everywhere in revenue (``selectors``):

- ``current``: today's trees (the closure) for every month. The heads are today's roots.
- ``historic``: each month by the trees valid on its last day (the dated closure). A head is
  counted in a month when it stands at the top of a tree with at least one member on that
  month's last day; every party's revenue of a month counts once, for the head above it that
  day. Heads that stood at the top with a member through the whole span ("stable") join their
  covering rows with the yearly figures exactly as today's structure does; the few others
  join the monthly rows with the month-end test per row.

In both, the ranking and the drill-down read the same rows, so a head's members add up to the
head's figure in the ranking, to the cent.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from verbund.core.sql import id_set
from verbund.hierarchies import selectors as hierarchy
from verbund.parties.models import Party
from verbund.relationships.models import Relationship, RelationshipType
from verbund.revenue import plans, rules, selectors
from verbund.revenue.aggregates import reads_years, year_rows
from verbund.revenue.periods import (
    YEAR_MAX,
    YEAR_MIN,
    Period,
    comparable,
    month_end,
    previous_year,
)
from verbund.revenue.selectors import (
    T_MONTH,
    T_YEAR,
    _day,
    _month_end_sql,
    _month_start_sql,
    _rows,
)

# kind (what the user ranks) -> the hierarchy type it follows
KINDS = {"group": "group", "chain": "chain", "association": selectors.SETTLEMENT}
KIND_LABELS = {
    "group": pgettext_lazy("ranking", "Groups"),
    "chain": pgettext_lazy("ranking", "Chains"),
    "association": pgettext_lazy("ranking", "Associations"),
}
MODES = selectors.STRUCTURES
MODE_LABELS = selectors.STRUCTURE_LABELS
COMPARES = ("previous_year",)
COMPARE_LABELS = {"previous_year": gettext_lazy("the same months a year before")}
# ABC classes: A up to 80 % of the period's revenue, B the next 15 %, C the rest.
A_SHARE, B_SHARE = 80, 95
DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000
# The largest ``head`` (a party id) a ranking takes.
HEAD_MAX = 2**62

T_REL = Relationship._meta.db_table


@dataclass
class RankRow:
    """One head (or one member in a drill-down) with both periods, in EUR cents."""

    party_id: int
    cents: int
    previous_cents: int
    number: str = ""
    name: str = ""
    member_count: int = 0
    abc: str = "C"
    rank: int = 0
    share: Decimal | None = None  # percent of the period's total, one decimal
    depth: int | None = None

    @property
    def change_cents(self) -> int:
        return self.cents - self.previous_cents

    @property
    def change_percent(self) -> Decimal | None:
        """The change against the previous period in percent (one decimal, half up); None
        where the previous period had no positive revenue to compare with."""
        if self.previous_cents <= 0:
            return None
        return percent(self.change_cents, self.previous_cents)

    def as_dict(self) -> dict[str, Any]:
        pct = self.change_percent
        return {
            "rank": self.rank,
            "party": self.party_id,
            "number": self.number,
            "name": self.name,
            "amount": selectors.cents_str(self.cents),
            "cents": self.cents,
            "previous_amount": selectors.cents_str(self.previous_cents),
            "previous_cents": self.previous_cents,
            "change_amount": selectors.cents_str(self.change_cents),
            "change_cents": self.change_cents,
            "change_percent": None if pct is None else str(pct),
            "share_percent": None if self.share is None else str(self.share),
            "abc": self.abc,
            "member_count": self.member_count,
        }


@dataclass
class Ranking:
    """A ranking (of heads, or of one head's members) for a period against its comparison:
    ``period`` the months compared (``periods.comparable`` of the period asked for),
    ``previous`` the same months a year before."""

    kind: str
    mode: str
    period: Period
    previous: Period
    rows: list[RankRow] = field(default_factory=list)
    count: int = 0
    total_cents: int = 0
    previous_total_cents: int = 0
    head: RankRow | None = None
    compare: str = "previous_year"

    @property
    def change_cents(self) -> int:
        return self.total_cents - self.previous_total_cents

    @property
    def change_percent(self) -> Decimal | None:
        if self.previous_total_cents <= 0:
            return None
        return percent(self.change_cents, self.previous_total_cents)

    def as_dict(self) -> dict[str, Any]:
        pct = self.change_percent
        return {
            "kind": self.kind,
            "mode": self.mode,
            "compare": self.compare,
            "from": f"{self.period.first:%Y-%m}",
            "to": f"{self.period.last:%Y-%m}",
            "previous_from": f"{self.previous.first:%Y-%m}",
            "previous_to": f"{self.previous.last:%Y-%m}",
            "currency": "EUR",
            "count": self.count,
            "total": selectors.cents_str(self.total_cents),
            "total_cents": self.total_cents,
            "previous_total": selectors.cents_str(self.previous_total_cents),
            "previous_total_cents": self.previous_total_cents,
            "change_percent": None if pct is None else str(pct),
            "head": self.head.as_dict() if self.head else None,
            "rows": [r.as_dict() for r in self.rows],
        }


def percent(part: int, whole: int) -> Decimal:
    """``part`` of ``whole`` in percent, one decimal, rounded half up (exact: integer maths)."""
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def abc_class(before_cents: int, cents: int, total_cents: int) -> str:
    """A, B or C for an entry whose larger predecessors sum to ``before_cents``.

    A: the entries that make up the first 80 % of the total (the entry that crosses 80 % is
    still A: its revenue lies partly within the first 80 %); B: those of the next 15 %; C:
    the rest, and every entry without positive revenue (or when the total is not positive).
    """
    if cents <= 0 or total_cents <= 0:
        return "C"
    if before_cents * 100 < A_SHARE * total_cents:
        return "A"
    if before_cents * 100 < B_SHARE * total_cents:
        return "B"
    return "C"


# --- parameters ---------------------------------------------------------------------------


def kind_type(kind: str | None) -> tuple[str, RelationshipType]:
    key = kind or "group"
    if key not in KINDS:
        raise ValidationError({"kind": [rules.choose(KIND_LABELS.values())]})
    rtype = RelationshipType.objects.filter(key=KINDS[key]).first()
    if rtype is None or not rtype.is_hierarchy:
        raise ValidationError(
            {"kind": [_("Unknown relationship type %(key)s.") % {"key": KINDS[key]}]}
        )
    return key, rtype


def mode_param(value: str | None) -> str:
    mode = value or "current"
    if mode not in MODES:
        raise ValidationError({"mode": [rules.choose(MODE_LABELS.values())]})
    return mode


def compare_param(value: str | None) -> str:
    compare = value or "previous_year"
    if compare not in COMPARES:
        raise ValidationError({"compare": [rules.choose(COMPARE_LABELS.values())]})
    return compare


def period_param(params: Any) -> Period:
    """``from``/``to`` (YYYY-MM), or ``year`` with an optional ``quarter`` (1-4)."""
    quarter = selectors.int_param(params, "quarter", None, 1, 4)
    if quarter:
        year = selectors.int_param(params, "year", None, YEAR_MIN, YEAR_MAX)
        if not year:
            raise ValidationError({"year": [_("A quarter needs its year.")]})
        return Period.quarter(year, quarter)
    period = selectors.period_from_params(params)
    if len(list(period.months())) > 120:
        raise ValidationError({"to": [_("A period spans at most ten years.")]})
    return period


def ranking_from_params(params: Any, head: int | None = None) -> Ranking:
    """The ranking a request's parameters ask for (API, overview page, exports)."""
    kind, rtype = kind_type(params.get("kind"))
    mode = mode_param(params.get("mode"))
    compare = compare_param(params.get("compare"))
    period = period_param(params)
    limit = selectors.int_param(params, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    if head is None:
        head = selectors.int_param(params, "head", None, 1, HEAD_MAX)
    if head is not None:
        if not Party.objects.filter(pk=head).exists():
            raise ValidationError({"head": [_("No party %(ref)s.") % {"ref": head}]})
        ranking = members_ranking(rtype, head, period, mode=mode, limit=limit)
    else:
        ranking = top_ranking(rtype, period, mode=mode, limit=limit)
    ranking.kind, ranking.compare = kind, compare
    return ranking


# --- SQL ----------------------------------------------------------------------------------


@dataclass
class _Span:
    """The two periods and the SQL that tells their figures apart. ``yearly``: both are read
    from the yearly aggregates (they begin in January: ``aggregates.year_rows``)."""

    period: Period
    previous: Period
    yearly: bool

    @property
    def first(self) -> dt.date:
        return min(self.period.first, self.previous.first)

    @property
    def last(self) -> dt.date:
        return max(self.period.last, self.previous.last)

    def sums(self, table_alias: str = "y", *, yearly: bool | None = None) -> tuple[str, list[Any]]:
        """``SUM(this period), SUM(previous period)`` of the rows ``table_alias``."""
        use_years = self.yearly if yearly is None else yearly
        sums, params = [], []
        for p in (self.period, self.previous):
            if use_years:
                rows = year_rows(p, table_alias)
                (cond, cparams), (amount, aparams) = rows.years, rows.amount
            else:
                cond = f"{table_alias}.month >= %s AND {table_alias}.month <= %s"
                cparams, aparams = [_day(p.first), _day(p.last)], []
                amount = f"{table_alias}.amount_cents"
            sums.append(f"SUM(CASE WHEN {cond} THEN {amount} ELSE 0 END)")
            params += [*cparams, *aparams]
        return ", ".join(sums), params

    def join(
        self, table_alias: str = "y", *, yearly: bool | None = None
    ) -> tuple[str, str, list[Any]]:
        """(table, condition on the span, params) for the figures: the rows of the span's years
        (or months); of the year rows of a period cut short, those with a figure in its
        months."""
        use_years = self.yearly if yearly is None else yearly
        if use_years:
            cond = f"{table_alias}.year >= %s AND {table_alias}.year <= %s"
            params: list[Any] = [self.first.year, self.last.year]
            now, before = year_rows(self.period, table_alias), year_rows(self.previous, table_alias)
            if now.has is not None or before.has is not None:
                (ncond, nparams), (bcond, bparams) = now.cond, before.cond
                cond += f" AND (({ncond}) OR ({bcond}))"
                params += [*nparams, *bparams]
            return T_YEAR, cond, params
        return (
            T_MONTH,
            f"{table_alias}.month >= %s AND {table_alias}.month <= %s",
            [_day(self.first), _day(self.last)],
        )


def _span(period: Period) -> _Span:
    """The months compared (``periods.comparable``: a period reaching into the current month
    ends with the last complete one) and the same months a year before."""
    compared = comparable(period)
    return _Span(compared, previous_year(compared), reads_years(compared))


def _merge(into: dict[int, list[int]], rows: Sequence[tuple[Any, ...]]) -> None:
    for key, cur, prev in rows:
        entry = into.setdefault(int(key), [0, 0])
        entry[0] += int(cur or 0)
        entry[1] += int(prev or 0)


def _current_rows(
    rtype: RelationshipType, span: _Span, *, head: int | None, by: str
) -> dict[int, list[int]]:
    """Figures by today's structure, grouped ``by`` head (``ancestor``) or member
    (``descendant``); ``head`` restricts to one tree."""
    closure = selectors._closure_table()
    table, cond, jparams = span.join()
    sums, sparams = span.sums()
    key = f"c.{by}_id"
    if head is None:
        where, wparams = f"c.ancestor_id IN ({hierarchy.ROOTS_SQL})", [rtype.pk]
    else:
        where, wparams = "c.ancestor_id = %s", [head]
    sql = (
        f"SELECT {key}, {sums} FROM {closure} c JOIN {table} y ON y.party_id = c.descendant_id AND {cond}"
        f" WHERE c.type_id = %s AND {where} GROUP BY {key}"
    )
    found: dict[int, list[int]] = {}
    with plans.for_scope(head):
        _merge(found, _rows(sql, [*sparams, *jparams, rtype.pk, *wparams]))
    return found


def _heads(
    rtype: RelationshipType, span: _Span, head: int | None
) -> tuple[list[int], list[int], bool]:
    """(stable, others, changed): the parties that may head a tree at the end of a month of
    the span, and whether any link of the type began or ended inside the span (where none
    did, every dated row that meets the span holds all of it).

    ``stable``: a child link holding the last day of every month of the span and no parent
    link at any time of it. ``others``: the rest of those with a child link at some time of
    the span and no parent link through all of it.

    One statement, whatever the number of heads: the links of the type that meet the span are
    grouped once by child side and once by parent side (each party's "some time" and "the
    whole span" as one flag), instead of four lookups per candidate in chunks of candidates
    (118 statements, 4.9 s of them on the loaded 1M bench). ``head`` restricts to one party.
    """
    first_end, last_end = _day(month_end(span.first)), _day(month_end(span.last))
    if head is None and not selectors._fresh(rtype):
        raise ValidationError(
            {"kind": [_("The closure of %(type)s is not available.") % {"type": rtype.name}]}
        )
    meets = (
        "(r.valid_from IS NULL OR r.valid_from <= %s) AND (r.valid_to IS NULL OR r.valid_to >= %s)"
    )
    whole = (
        "MAX(CASE WHEN (r.valid_from IS NULL OR r.valid_from <= %s)"
        " AND (r.valid_to IS NULL OR r.valid_to >= %s) THEN 1 ELSE 0 END)"
    )
    one_kid, one_up, only = "", "", []
    if head is not None:
        one_kid, one_up, only = " AND r.to_party_id = %s", " AND r.from_party_id = %s", [head]
    # A link that began or ended inside the span (a row of the dated closure may then hold
    # some of its months only); the parts that read those rows are skipped without one.
    changed = (
        f"SELECT 1 FROM {T_REL} r WHERE r.type_id = %s AND ((r.valid_from > %s AND r.valid_from <= %s)"
        " OR (r.valid_to >= %s AND r.valid_to < %s))"
    )
    sql = (
        f"WITH kids AS (SELECT r.to_party_id AS id, {whole} AS whole FROM {T_REL} r"
        f" WHERE r.type_id = %s AND {meets}{one_kid} GROUP BY r.to_party_id),"
        f" ups AS (SELECT r.from_party_id AS id, {whole} AS whole FROM {T_REL} r"
        f" WHERE r.type_id = %s AND {meets}{one_up} AND r.from_party_id IN (SELECT id FROM kids)"
        " GROUP BY r.from_party_id)"
        f" SELECT k.id, k.whole, u.whole, EXISTS ({changed}) FROM kids k LEFT JOIN ups u ON u.id = k.id"
    )
    params = [
        first_end, last_end, rtype.pk, last_end, first_end, *only,
        first_end, last_end, rtype.pk, last_end, first_end, *only,
        rtype.pk, first_end, last_end, first_end, last_end,
    ]  # fmt: skip
    stable, others, changed_any = [], [], head is not None
    for pid, child_all, parent_all, moved in _rows(sql, params):
        changed_any = changed_any or bool(moved)
        if child_all and parent_all is None:
            stable.append(int(pid))
        elif not parent_all:
            others.append(int(pid))
    return stable, others, changed_any


def _historic_rows(
    rtype: RelationshipType, span: _Span, *, head: int | None, by: str
) -> dict[int, list[int]]:
    """Figures by the structure of each month (see the module's docstring): at most six
    statements, the heads handed to each as one parameter (``id_set``)."""
    dated = hierarchy.DATED_CLOSURE
    first_end, last_end = _day(month_end(span.first)), _day(month_end(span.last))
    me = _month_end_sql("y.month")
    found: dict[int, list[int]] = {}
    key = f"d.{by}_id"
    table, cond, jparams = span.join()
    sums, sparams = span.sums()
    mtable, mcond, mparams = span.join(yearly=False)
    msums, msparams = span.sums(yearly=False)
    # The month-end test, and the first month it can hold in as an index bound of its own:
    # a row read over the whole span probes 24 months for the few it holds.
    holds = (
        f"y.month >= {_month_start_sql('d.valid_from')} AND y.month <= d.valid_to"
        f" AND d.valid_from <= {me} AND d.valid_to >= {me}"
    )
    top_test = (
        f"NOT EXISTS (SELECT 1 FROM {dated} u WHERE u.type_id = %s AND u.descendant_id = y.ancestor_id"
        f" AND u.valid_from <= {me} AND u.valid_to >= {me})"
    )
    with plans.for_scope(head):
        stable, others, changed = _heads(rtype, span, head)
        if stable:
            ids, iparams = id_set(stable)
            # 1. Stable heads' rows through the whole span: by whole years where the periods are.
            sql = (
                f"SELECT {key}, {sums} FROM {dated} d JOIN {table} y ON y.party_id = d.descendant_id AND {cond}"
                f" WHERE d.type_id = %s AND d.ancestor_id {ids} AND d.valid_from <= %s AND d.valid_to >= %s"
                f" GROUP BY {key}"
            )
            _merge(found, _rows(sql, [*sparams, *jparams, rtype.pk, *iparams, first_end, last_end]))
            # 2. Their own figures, every month of the span.
            sql = f"SELECT y.party_id, {sums} FROM {table} y WHERE y.party_id {ids} AND {cond} GROUP BY y.party_id"
            _merge(found, _rows(sql, [*sparams, *iparams, *jparams]))
    if stable and changed:
        with plans.index_driven():
            # 3. Their other rows (a member that came or went): monthly, in the months
            # whose last day the row holds.
            sql = (
                f"SELECT {key}, {msums} FROM {dated} d JOIN {mtable} y ON y.party_id = d.descendant_id AND {mcond}"
                f" AND {holds} WHERE d.type_id = %s AND d.ancestor_id {ids}"
                " AND d.valid_from <= %s AND d.valid_to >= %s AND (d.valid_from > %s OR d.valid_to < %s)"
                f" GROUP BY {key}"
            )
            params = [
                *msparams,
                *mparams,
                rtype.pk,
                *iparams,
                last_end,
                first_end,
                first_end,
                last_end,
            ]
            _merge(found, _rows(sql, params))
    if others:
        ids, iparams = id_set(others)
        with plans.index_driven():
            # 4. Heads of some months only: every row monthly, in the months whose last day
            # the row holds while its head stands at the top.
            # The rows are summed per head and month first, so that the test runs once per
            # head-month instead of once per row (484,000 probes at the 1M bench).
            per_month = (
                f"SELECT {key} AS k, d.ancestor_id AS ancestor_id, y.month AS month,"
                f" SUM(y.amount_cents) AS amount_cents FROM {dated} d JOIN {mtable} y"
                f" ON y.party_id = d.descendant_id AND {mcond} AND {holds}"
                f" WHERE d.type_id = %s AND d.ancestor_id {ids} AND d.valid_from <= %s AND d.valid_to >= %s"
                f" GROUP BY {key}, d.ancestor_id, y.month"
            )
            sql = f"SELECT y.k, {msums} FROM ({per_month}) y WHERE {top_test} GROUP BY y.k"
            params = [*msparams, *mparams, rtype.pk, *iparams, last_end, first_end, rtype.pk]
            _merge(found, _rows(sql, params))
            # 5. Their own figures in the months they head a tree with a member.
            has_member = (
                f"EXISTS (SELECT 1 FROM {dated} d WHERE d.type_id = %s AND d.ancestor_id = y.party_id"
                f" AND d.valid_from <= {me} AND d.valid_to >= {me})"
            )
            own_top = (
                f"NOT EXISTS (SELECT 1 FROM {dated} u WHERE u.type_id = %s AND u.descendant_id = y.party_id"
                f" AND u.valid_from <= {me} AND u.valid_to >= {me})"
            )
            sql = (
                f"SELECT y.party_id, {msums} FROM {mtable} y WHERE y.party_id {ids}"
                f" AND {mcond} AND {has_member} AND {own_top} GROUP BY y.party_id"
            )
            _merge(found, _rows(sql, [*msparams, *iparams, *mparams, rtype.pk, rtype.pk]))
    return found


def _figures(
    rtype: RelationshipType, span: _Span, mode: str, *, head: int | None, by: str
) -> dict[int, list[int]]:
    if mode == "current":
        if not selectors._fresh(rtype):
            raise ValidationError(
                {"kind": [_("The closure of %(type)s is not available.") % {"type": rtype.name}]}
            )
        return _current_rows(rtype, span, head=head, by=by)
    return _historic_rows(rtype, span, head=head, by=by)


def _member_counts(
    rtype: RelationshipType, span: _Span, mode: str, heads: Sequence[int]
) -> dict[int, int]:
    """Members of each head (the head itself included): today's, or those that stood below
    it at some time of the period."""
    if not heads:
        return {}
    ids, iparams = id_set(heads)
    if mode == "current":
        sql = (
            f"SELECT c.ancestor_id, COUNT(*) FROM {selectors._closure_table()} c"
            f" WHERE c.type_id = %s AND c.ancestor_id {ids} GROUP BY c.ancestor_id"
        )
        counts = {int(a): int(n) for a, n in _rows(sql, [rtype.pk, *iparams])}
        return {h: counts.get(h, 1) for h in heads}
    first_end, last_end = _day(month_end(span.period.first)), _day(month_end(span.period.last))
    sql = (
        f"SELECT d.ancestor_id, COUNT(DISTINCT d.descendant_id) FROM {hierarchy.DATED_CLOSURE} d"
        f" WHERE d.type_id = %s AND d.ancestor_id {ids} AND d.valid_from <= %s AND d.valid_to >= %s"
        " GROUP BY d.ancestor_id"
    )
    counts = {int(a): int(n) for a, n in _rows(sql, [rtype.pk, *iparams, last_end, first_end])}
    return {h: counts.get(h, 0) + 1 for h in heads}


def _rank(found: dict[int, list[int]], limit: int | None = None) -> tuple[list[RankRow], int, int]:
    """The first ``limit`` entries (all for None) ranked (largest first, then by id) with
    their ABC class and share. The class depends on every larger entry, so all are summed;
    rows and shares are made for the shown ones only (a ranking of 33,000 groups showing 100
    spent most of its Python time on the shares of the rest)."""
    ordered = sorted(found.items(), key=lambda kv: (-kv[1][0], kv[0]))
    total = sum(v[0] for _k, v in ordered)
    previous_total = sum(v[1] for _k, v in ordered)
    result, before = [], 0
    for i, (pid, (cur, prev)) in enumerate(ordered[:limit], start=1):
        result.append(
            RankRow(
                pid,
                cur,
                prev,
                rank=i,
                abc=abc_class(before, cur, total),
                share=percent(cur, total) if total > 0 else None,
            )
        )
        before += max(cur, 0)
    return result, total, previous_total


def top_ranking(
    rtype: RelationshipType, period: Period, *, mode: str = "current", limit: int | None = 100
) -> Ranking:
    """The heads along ``rtype`` ranked by the period's revenue, with the previous year's."""
    span = _span(period)
    found = _figures(rtype, span, mode, head=None, by="ancestor")
    shown, total, previous_total = _rank(found, limit)
    counts = _member_counts(rtype, span, mode, [r.party_id for r in shown])
    for r in shown:
        r.member_count = counts.get(r.party_id, 1)
    selectors.label(shown)
    return Ranking(
        rtype.key, mode, span.period, span.previous, shown, len(found), total, previous_total
    )


def members_ranking(
    rtype: RelationshipType,
    head: int,
    period: Period,
    *,
    mode: str = "current",
    limit: int | None = 100,
) -> Ranking:
    """One head's members ranked the same way (ABC within the head); members without revenue
    in either period are listed last with zero."""
    span = _span(period)
    found = _figures(rtype, span, mode, head=head, by="descendant")
    # Today's structure: the head's own figures (the closure has a self row for a head in a
    # tree; a party in no tree stands alone).
    if mode == "current" and not hierarchy.in_tree(head, rtype.pk):
        table, cond, jparams = span.join()
        sums, sparams = span.sums()
        rows = _rows(
            f"SELECT y.party_id, {sums} FROM {table} y WHERE y.party_id = %s AND {cond} GROUP BY y.party_id",
            [*sparams, head, *jparams],
        )
        _merge(found, rows)
    for pid in _member_ids(rtype, span, mode, head):
        found.setdefault(pid, [0, 0])
    found.setdefault(head, [0, 0])
    shown, total, previous_total = _rank(found, limit)
    depths = _depths(rtype, head)
    for r in shown:
        r.depth = depths.get(r.party_id)
    head_row = RankRow(head, total, previous_total, member_count=len(found))
    selectors.label([*shown, head_row])
    return Ranking(
        rtype.key,
        mode,
        span.period,
        span.previous,
        shown,
        len(found),
        total,
        previous_total,
        head_row,
    )


def _member_ids(rtype: RelationshipType, span: _Span, mode: str, head: int) -> list[int]:
    if mode == "current":
        sql = f"SELECT c.descendant_id FROM {selectors._closure_table()} c WHERE c.type_id = %s AND c.ancestor_id = %s"
        return [int(r[0]) for r in _rows(sql, [rtype.pk, head])]
    first_end, last_end = _day(month_end(span.period.first)), _day(month_end(span.period.last))
    sql = (
        f"SELECT DISTINCT d.descendant_id FROM {hierarchy.DATED_CLOSURE} d WHERE d.type_id = %s"
        " AND d.ancestor_id = %s AND d.valid_from <= %s AND d.valid_to >= %s"
    )
    return [int(r[0]) for r in _rows(sql, [rtype.pk, head, last_end, first_end])]


def _depths(rtype: RelationshipType, head: int) -> dict[int, int]:
    """Each member's depth below the head today (None for former members)."""
    sql = f"SELECT c.descendant_id, c.depth FROM {selectors._closure_table()} c WHERE c.type_id = %s AND c.ancestor_id = %s"
    found = {int(d): int(n) for d, n in _rows(sql, [rtype.pk, head])}
    found.setdefault(head, 0)
    return found
