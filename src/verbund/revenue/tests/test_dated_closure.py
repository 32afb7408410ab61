"""Property test: group revenue by the structure of each month from the dated closure equals,
to the cent, the dated walk it replaces, on random dated hierarchies built through the actions;
and the dated closure itself equals the transitive closure of the links valid on every day."""

import datetime as dt
import os
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verbund.hierarchies import selectors as hierarchy
from verbund.hierarchies.actions import do_move_subtree
from verbund.hierarchies.models import DatedClosureEntry
from verbund.parties.models import Party
from verbund.relationships.actions import (
    do_create_relationship,
    do_end_relationship,
    do_update_relationship,
)
from verbund.relationships.models import MAX_DATE, MIN_DATE, Relationship, RelationshipType
from verbund.revenue import selectors
from verbund.revenue.actions import do_record_revenue
from verbund.revenue.periods import Period

N = 7
START = dt.date(2024, 1, 1)
DAYS = 3 * 365


class Rollback(Exception):
    pass


node = st.integers(min_value=0, max_value=N - 1)
day = st.integers(min_value=-40, max_value=DAYS)
maybe_day = st.one_of(st.none(), day)
ops = st.lists(
    st.one_of(
        st.tuples(st.just("create"), node, node, maybe_day, maybe_day),
        st.tuples(st.just("end"), st.integers(min_value=0, max_value=20), day),
        st.tuples(st.just("redate"), st.integers(min_value=0, max_value=20), maybe_day),
        st.tuples(st.just("move"), node, st.one_of(st.none(), node), day),
    ),
    max_size=12,
)
figures = st.lists(
    st.tuples(node, st.integers(min_value=0, max_value=35), st.integers(-50_000, 900_000)),
    max_size=30,
)


def _on(offset: int | None) -> dt.date | None:
    return None if offset is None else START + dt.timedelta(days=offset)


@pytest.fixture
def forest(org: Callable[..., Party]) -> list[Party]:
    return [org(f"Firma {i} GmbH") for i in range(N)]


def _apply(forest: list[Party], group: RelationshipType, op: tuple[Any, ...]) -> None:
    rels = list(Relationship.objects.filter(type=group).order_by("id"))
    if op[0] == "create":
        _, c, p, f, t = op
        vf, vt = _on(f), _on(t)
        if vf and vt and vt < vf:
            vf, vt = vt, vf
        do_create_relationship(
            actor=None,
            type=group,
            from_party=forest[c],
            to_party=forest[p],
            valid_from=vf,
            valid_to=vt,
        )
    elif op[0] == "end" and rels:
        do_end_relationship(rels[op[1] % len(rels)], actor=None, valid_to=_on(op[2]))
    elif op[0] == "redate" and rels:
        rel = rels[op[1] % len(rels)]
        start = _on(op[2])
        if start is None or rel.valid_to is None or start <= rel.valid_to:
            do_update_relationship(rel, actor=None, valid_from=start)
    elif op[0] == "move":
        _, c, p, on = op
        do_move_subtree(
            forest[c], None if p is None else forest[p], "group", actor=None, on=_on(on)
        )


@settings(
    max_examples=int(os.environ.get("REVENUE_EXAMPLES", "30")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=ops, amounts=figures, year=st.sampled_from([2024, 2025, 2026]))
def test_revenue_by_the_structure_of_each_month_equals_the_dated_walk_to_the_cent(
    forest: list[Party],
    sequence: list[tuple[Any, ...]],
    amounts: list[tuple[int, int, int]],
    year: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    group = RelationshipType.objects.get(key="group")
    try:
        with transaction.atomic():
            for op in sequence:
                try:
                    with transaction.atomic():
                        _apply(forest, group, op)
                except ValidationError:
                    pass
            for who, month, cents in amounts:
                first = dt.date(2024 + month // 12, month % 12 + 1, 1)
                do_record_revenue(
                    actor=None,
                    party=forest[who],
                    month=first,
                    amount=f"{cents / 100:.2f}",
                    reference=f"r{month}",
                )
            check_dated_closure(forest, group)
            periods = [
                Period.year(year),
                Period.quarter(year, 2),
                Period(dt.date(year, 3, 1), dt.date(year + 1, 2, 1)),
            ]
            for period in periods:
                for root in forest:
                    new = selectors.tree_revenue(root.pk, group, period, structure="historic")
                    with monkeypatch.context() as m:
                        m.setattr(hierarchy, "DATED_CLOSURE", None)
                        old = selectors.tree_revenue(root.pk, group, period, structure="historic")
                    assert new.total_cents == old.total_cents
                    assert new.months == old.months
                    assert new.member_count == old.member_count
                    assert [(x.party_id, x.cents) for x in new.members] == [
                        (x.party_id, x.cents) for x in old.members
                    ]
                    assert selectors.group_total(root.pk, group, period, structure="historic") == (
                        new.total_cents
                    )
            raise Rollback
    except Rollback:
        pass


def check_dated_closure(forest: list[Party], group: RelationshipType) -> None:
    """On every day where a link starts or ends (and the days around), the dated rows that
    hold that day are exactly the (ancestor, descendant) pairs of the links valid that day."""
    rels = list(Relationship.objects.filter(type=group))
    rows = list(
        DatedClosureEntry.objects.filter(type=group).values_list(
            "ancestor_id", "descendant_id", "valid_from", "valid_to"
        )
    )
    days = {START}
    for r in rels:
        for d in (r.valid_from, r.valid_to):
            if d is not None:
                days |= {d - dt.timedelta(days=1), d, d + dt.timedelta(days=1)}
    for on in sorted(days):
        parent = {
            r.from_party_id: r.to_party_id
            for r in rels
            if (r.valid_from or MIN_DATE) <= on <= (r.valid_to or MAX_DATE)
        }
        want = set()
        for member in parent:
            up = member
            while up in parent:
                up = parent[up]
                want.add((up, member))
        held = [(a, d) for a, d, lo, hi in rows if lo <= on <= hi]
        assert len(held) == len(set(held)), f"overlapping rows on {on}"
        assert set(held) == want, on
