"""Reads of selections: the conditions their filters put on parties, and the selections a user
may open.

Every condition is a subquery on the party rows (``IN`` / ``EXISTS`` / a correlated sum), so
filters combine (with AND, as the filter set does), a party is counted once, and the count and
the first page of the list are one statement each. Today's memberships are the exception: an
inner join to the closure rows (one row per member, see ``members_q``), right under AND only,
with "no revenue" tested on the joined rows' member ids when a member filter carries it.
Memberships read hierarchies' closure tables (today's, or the dated one for another day),
revenue the per-party figures (the yearly pre-aggregates for whole years, the monthly rows
otherwise).
"""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import QueryDict

from verbund.compliance.models import Hit, HitStatus
from verbund.core.roles import INHERITS
from verbund.hierarchies import selectors as hierarchy
from verbund.hierarchies.models import DatedClosureEntry
from verbund.parties.filters import party_filterset
from verbund.parties.models import Party
from verbund.quality.models import CandidateStatus, DuplicateCandidate
from verbund.relationships.models import Relationship, RelationshipType
from verbund.revenue.models import RevenueMonth, RevenueYear
from verbund.revenue.periods import Period, comparable, previous_year
from verbund.selections.models import Selection
from verbund.selections.rules import last_twelve_months

# Hits not yet decided: open, or confirmed once and awaiting the second reviewer.
UNDECIDED_HITS = (HitStatus.OPEN, HitStatus.PENDING)


# --- membership -------------------------------------------------------------------------------

# The party filters naming the members of a hierarchy: the hierarchy type, and whether they
# are the whole tree from the party's ultimate parent (else the party's subtree).
MEMBERSHIPS: dict[str, tuple[str, bool]] = {
    "group": ("group", True),
    "chain": ("chain", True),
    "association": ("settlement", False),
}


def members_q(
    type_key: str,
    party_id: int,
    *,
    whole_tree: bool,
    as_of: dt.date | None = None,
    depth_min: int | None = None,
    depth_max: int | None = None,
    no_revenue: tuple[dt.date | None, dt.date | None] | None = None,
) -> Q:
    """The members of ``party_id``'s tree along the hierarchy type ``type_key``: the whole tree
    from its ultimate parent (``whole_tree``) or the party's subtree, on ``as_of`` (today when
    None), at ``depth_min`` to ``depth_max`` levels below the top. A party in no tree is a
    tree of one.

    ``no_revenue`` (first, last month, either open): only the members without revenue then
    (``without_revenue``), tested on the member ids the closure rows give (the raw query's
    shape). Tested on the party rows of ``id IN (closure)``, PostgreSQL joined every party to
    the members before probing their months (a hash semi-join over a scan of all parties),
    2.6-3.4x the raw count that probes the months from the closure; inside that subquery it
    costed the list's first page so high (a probe of closure and months per party along the
    name index) that it ran it in parallel workers, 19x the raw page (200,000 parties, a
    20,000-member group, docs/revenue.md)."""
    try:
        type_id = hierarchy.hierarchy_type_id(type_key)
    except ValidationError:
        return Q(pk__in=[])
    low = depth_min or 0
    if as_of is None or as_of == dt.date.today():
        hierarchy.ensure_current(type_id)
        if whole_tree:
            top = hierarchy.tree_top(party_id, type_id)
            root, in_tree = (int(party_id), False) if top is None else (top, True)
        else:
            root, in_tree = int(party_id), hierarchy.in_tree(party_id, type_id)
        if not in_tree:
            return _alone(root, no_revenue) if low == 0 else Q(pk__in=[])
        # An inner join to the closure rows (one per member: the engine keeps one row per
        # type, ancestor and descendant). Each filter() call joins anew, so two member
        # filters ask both memberships; for AND only, as every caller combines it.
        member = {"closure_as_member__type_id": type_id, "closure_as_member__ancestor_id": root}
        if low:
            member["closure_as_member__depth__gte"] = low
        if depth_max is not None:
            member["closure_as_member__depth__lte"] = depth_max
        if no_revenue is None:
            return Q(**member)
        # In the same Q, so the same filter() call: the OuterRef reuses this join's rows.
        member_id = OuterRef("closure_as_member__descendant_id")
        return Q(**member) & Q(no_revenue_condition(member_id, *no_revenue))
    root = hierarchy.top_ancestor(party_id, type_id, on=as_of) if whole_tree else int(party_id)
    on_day = {"type_id": type_id, "valid_from__lte": as_of, "valid_to__gte": as_of}
    rows = DatedClosureEntry.objects.filter(ancestor_id=root, **on_day)
    if low or depth_max is not None:
        # A member's depth below the root that day: its ancestors that day less the root's
        # (one parent per party per day, so each ancestor is one dated row).
        above_root = DatedClosureEntry.objects.filter(descendant_id=root, **on_day).count()
        ancestors = (
            DatedClosureEntry.objects.filter(descendant_id=OuterRef("descendant_id"), **on_day)
            .order_by()
            .values("descendant_id")
            .annotate(n=Count("*"))
            .values("n")
        )
        rows = rows.alias(levels=Subquery(ancestors))
        if low:
            rows = rows.filter(levels__gte=above_root + low)
        if depth_max is not None:
            rows = rows.filter(levels__lte=above_root + depth_max)
    if no_revenue is not None:
        rows = rows.filter(no_revenue_condition(OuterRef("descendant_id"), *no_revenue))
    q = Q(pk__in=rows.values("descendant_id"))
    return q | _alone(root, no_revenue) if low == 0 else q


def _alone(party_id: int, no_revenue: tuple[dt.date | None, dt.date | None] | None) -> Q:
    """The party itself as a member (of a tree of one, or the top of a dated tree)."""
    if no_revenue is None:
        return Q(pk=party_id)
    return Q(pk=party_id) & Q(no_revenue_condition(OuterRef("pk"), *no_revenue))


# --- revenue ----------------------------------------------------------------------------------


def own_revenue(period: Period) -> Any:
    """The party's own revenue in the period in EUR cents (0 without figures), as an
    expression on the party rows: the yearly pre-aggregates for whole years."""
    years = period.whole_years
    if years:
        rows: QuerySet[Any] = RevenueYear.objects.filter(
            party_id=OuterRef("pk"), year__gte=years[0], year__lte=years[-1]
        )
    else:
        rows = RevenueMonth.objects.filter(
            party_id=OuterRef("pk"), month__gte=period.first, month__lte=period.last
        )
    total = rows.order_by().values("party_id").annotate(s=Sum("amount_cents")).values("s")
    return Coalesce(Subquery(total, output_field=BigIntegerField()), Value(0))


def _cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


def with_revenue(
    qs: QuerySet[Party], period: Period, bound: str, amount: Decimal
) -> QuerySet[Party]:
    """Parties whose own revenue in the period is at least (``min``) or at most (``max``)
    ``amount`` EUR."""
    cents = _cents(amount)
    years = period.whole_years
    if years and len(years) == 1:
        return qs.filter(_one_year_bound(years[0], bound, cents))
    name = f"selections_revenue_{bound}"
    lookup = "gte" if bound == "min" else "lte"
    return qs.alias(**{name: own_revenue(period)}).filter(**{f"{name}__{lookup}": cents})


def _one_year_bound(year: int, bound: str, cents: int) -> Any:
    """A bound on one calendar year's revenue as a probe of its single pre-aggregate row (at
    most one per party and year; none means 0): no sum per party, so PostgreSQL runs a
    100,000-member selection as index probes at about the raw join's cost (a correlated sum
    took 1.9x the raw join, an EXISTS 1.25x, measured on the 1M benchmark)."""
    row = RevenueYear.objects.filter(party_id=OuterRef("pk"), year=year)
    if bound == "min":
        # amount >= cents: a row that reaches it, or (when 0 reaches it) no row below it.
        if cents > 0:
            return Exists(row.filter(amount_cents__gte=cents))
        return ~Exists(row.filter(amount_cents__lt=cents))
    if cents >= 0:
        return ~Exists(row.filter(amount_cents__gt=cents))
    return Exists(row.filter(amount_cents__lte=cents))


def with_revenue_change(
    qs: QuerySet[Party], period: Period, bound: str, percent: Decimal
) -> QuerySet[Party]:
    """Parties whose own revenue changed by at least (``min``) or at most (``max``)
    ``percent`` against the same months a year before; without revenue then, no change. The
    months compared are revenue's own rule (``periods.comparable``, decision 0050): in
    December, January to November of both years."""
    period = comparable(period)
    now, before = f"selections_change_{bound}_now", f"selections_change_{bound}_before"
    diff = f"selections_change_{bound}"
    # In whole cents and hundredths of a percent: now * 10000 against before * (10000 + p).
    factor = 10000 + int((percent * 100).to_integral_value())
    qs = qs.alias(**{now: own_revenue(period), before: own_revenue(previous_year(period))})
    qs = qs.alias(
        **{
            diff: ExpressionWrapper(
                F(now) * 10000 - F(before) * factor, output_field=BigIntegerField()
            )
        }
    )
    lookup = "gte" if bound == "min" else "lte"
    return qs.filter(**{f"{before}__gt": 0, f"{diff}__{lookup}": 0})


def without_revenue(
    qs: QuerySet[Party], first: dt.date | None, last: dt.date | None
) -> QuerySet[Party]:
    """Parties with no revenue (no month with an amount other than zero) from ``first`` to
    ``last``, either end open."""
    return qs.filter(no_revenue_condition(OuterRef("pk"), first, last))


def no_revenue_condition(party: OuterRef, first: dt.date | None, last: dt.date | None) -> Any:
    """No revenue from ``first`` to ``last`` (either open) for the party whose id ``party``
    names in the enclosing query: a party row's ``pk`` or a closure row's ``descendant_id``."""
    rows = RevenueMonth.objects.filter(party_id=party).exclude(amount_cents=0)
    if first is not None:
        rows = rows.filter(month__gte=first)
    if last is not None:
        rows = rows.filter(month__lte=last)
    return ~Exists(rows)


# --- screening, duplicates, relationships -----------------------------------------------------


def with_flag(qs: QuerySet[Party], flag: str, wanted: bool) -> QuerySet[Party]:
    """``screening_hit``: an undecided sanctions hit; ``duplicate``: an open duplicate
    suggestion (either side)."""
    if flag == "screening_hit":
        hits = Hit.objects.filter(status__in=UNDECIDED_HITS)
        if wanted:
            # IN, not EXISTS: the planner starts from the few flagged rows; an EXISTS was
            # probed for every party along the name index (2.3 s at a million parties).
            return qs.filter(pk__in=hits.values("party_id"))
        return qs.filter(~Exists(hits.filter(party_id=OuterRef("pk"))))
    open_pairs = DuplicateCandidate.objects.filter(status=CandidateStatus.OPEN)
    if wanted:
        pairs = open_pairs.order_by()
        sides = pairs.values_list("party_a_id").union(pairs.values_list("party_b_id"))
        return qs.filter(pk__in=sides)
    return qs.filter(
        ~Exists(open_pairs.filter(party_a_id=OuterRef("pk")))
        & ~Exists(open_pairs.filter(party_b_id=OuterRef("pk")))
    )


def without_relationship_type(qs: QuerySet[Party], rtype: RelationshipType) -> QuerySet[Party]:
    """Parties with no relationship of the type on either side (the opposite of
    relationships' ``relationship_type``)."""
    rels = Relationship.objects.filter(type=rtype)
    return qs.filter(
        ~Exists(rels.filter(from_party_id=OuterRef("pk")))
        & ~Exists(rels.filter(to_party_id=OuterRef("pk")))
    )


# --- selections -------------------------------------------------------------------------------


def reached_roles(user: Any) -> set[str]:
    """The roles whose shared selections reach ``user``: the roles they hold and the roles
    those include (a selection shared with "viewer" reaches every editor too)."""
    held = set(user.groups.values_list("name", flat=True))
    return held | {inherited for role in held for inherited in INHERITS.get(role, [])}


def visible(user: Any) -> QuerySet[Selection]:
    """The selections ``user`` may open: their own and those shared with a role they reach."""
    if user is None or not user.is_authenticated:
        return Selection.objects.none()
    return Selection.objects.filter(
        Q(owner=user) | Q(shared_with__name__in=sorted(reached_roles(user)))
    ).select_related("owner", "shared_with")


def parties(filters: dict[str, Any]) -> QuerySet[Party]:
    """The parties a selection's (saved, checked) filters select, as the party list shows
    them: merged records left out unless ``merged=true`` asks for exactly them (decision
    0040, ``PartyFilterSet.leaves_out_merged``)."""
    # The form of the given filters alone: the same query as the party list's (tested), with
    # no form shown to build the other fields for.
    filterset = party_filterset()(as_query(filters), queryset=Party.objects.all(), given_only=True)
    if not filterset.is_valid():
        # Saved filters were valid when saved; a value that went stale since (a relationship
        # type deleted) is refused as the API would refuse it.
        raise ValidationError(
            {name: [str(m) for m in messages] for name, messages in filterset.errors.items()}
        )
    if filterset.leaves_out_merged():
        return filterset.qs.filter(merged_into__isnull=True)
    return filterset.qs


def as_query(filters: dict[str, Any]) -> QueryDict:
    query = QueryDict(mutable=True)
    for name, value in (filters or {}).items():
        query.setlist(name, [str(v) for v in (value if isinstance(value, list) else [value])])
    return query


def list_query(filters: dict[str, Any]) -> str:
    """The party list's query string for these filters (a list repeats the parameter): every
    link to the party list with a selection's or the white space's filters."""
    return urlencode(filters, doseq=True)


def count(filters: dict[str, Any]) -> int:
    """How many parties the filters select now: one ``COUNT(*)``."""
    rows = parties(filters).order_by()
    with no_jit():
        return rows.count()


@contextmanager
def no_jit() -> Iterator[None]:
    """On PostgreSQL, no JIT compilation for the enclosed reads (transaction-local, put back
    afterwards): a count over a 100,000-member group with a revenue bound is costed high
    enough for a stock PostgreSQL to spend about 0.7 s compiling a plan of cheap index probes
    (measured on the 1M benchmark, loaded machine)."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT current_setting('jit')")
        (was,) = cur.fetchone()
        cur.execute("SELECT set_config('jit', 'off', true)")
        try:
            yield
        finally:
            cur.execute("SELECT set_config('jit', %s, true)", [was])


def white_space_filters(
    party_id: int, type_key: str, today: dt.date | None = None
) -> dict[str, Any]:
    """The filters of "white space": the members of the party's group, chain or association
    that are no customers (no revenue in the last 12 months)."""
    first, last = last_twelve_months(today)
    return {
        _member_filter(type_key): str(party_id),
        "no_revenue_from": f"{first:%Y-%m}",
        "no_revenue_to": f"{last:%Y-%m}",
    }


def white_space_count(party_id: int, type_key: str, today: dt.date | None = None) -> int:
    """``count(white_space_filters(...))``: the same conditions (``members_q`` as the member
    filter applies it, carrying "no revenue"; merged records left out), without building the
    party list's FilterSet and form for two filters (about 2 ms of Python, a sixth of the raw
    count on SQLite at 20,000 members)."""
    first, last = last_twelve_months(today)
    key, whole_tree = MEMBERSHIPS[_member_filter(type_key)]
    members = members_q(key, party_id, whole_tree=whole_tree, no_revenue=(first, last))
    rows = Party.objects.filter(members, merged_into__isnull=True).order_by()
    with no_jit():
        return rows.count()


def _member_filter(type_key: str) -> str:
    return next(name for name, (key, _whole) in MEMBERSHIPS.items() if key == type_key)
