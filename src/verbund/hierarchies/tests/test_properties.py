"""Property test: random create / end / move sequences on random forests, with the calendar
moving on, keep every rule and keep the closure equal to the transitive closure."""

import datetime as dt
import json
import os
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verbund.hierarchies import engine, selectors
from verbund.hierarchies.actions import do_move_subtree
from verbund.hierarchies.models import ClosureEntry
from verbund.parties.models import Party
from verbund.relationships.actions import do_create_relationship, do_end_relationship
from verbund.relationships.models import MAX_DATE, MIN_DATE, Relationship, RelationshipType

BASE = dt.date(2026, 1, 10)
N = 7


class Rollback(Exception):
    pass


offset = st.integers(min_value=-4, max_value=6)
maybe_offset = st.one_of(st.none(), offset)
node = st.integers(min_value=0, max_value=N - 1)
ops = st.lists(
    st.one_of(
        st.tuples(st.just("create"), node, node, maybe_offset, maybe_offset),
        st.tuples(st.just("end"), st.integers(min_value=0, max_value=20), offset),
        st.tuples(
            st.just("move"), node, st.one_of(st.none(), node), st.integers(min_value=0, max_value=4)
        ),
        st.tuples(st.just("tick"), st.integers(min_value=1, max_value=3)),
    ),
    max_size=14,
)


def parents_on(rels: list[Relationship], day: dt.date) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for r in rels:
        if (r.valid_from or MIN_DATE) <= day <= (r.valid_to or MAX_DATE):
            out.setdefault(r.from_party_id, []).append(r.to_party_id)
    return out


def path_up(parent: dict[int, list[int]], pid: int) -> list[int]:
    """Ancestors from the top, brute force."""
    up: list[int] = []
    cur = pid
    while cur in parent:
        cur = parent[cur][0]
        assert cur not in up and cur != pid, "cycle"
        up.append(cur)
    return list(reversed(up))


def closure_on(parent: dict[int, list[int]]) -> set[tuple[int, int, int, int | None, int]]:
    """(ancestor, descendant, depth, descendant's parent, descendant's child count)."""
    rows: set[tuple[int, int, int, int | None, int]] = set()
    members = set(parent) | {p for ps in parent.values() for p in ps}
    kids = Counter(ps[0] for ps in parent.values())
    for m in members:
        mine = parent[m][0] if m in parent else None
        rows.add((m, m, 0, mine, kids[m]))
        for depth, a in enumerate(reversed(path_up(parent, m)), start=1):
            rows.add((a, m, depth, mine, kids[m]))
    return rows


@pytest.fixture
def forest(org: Callable[..., Party]) -> list[Party]:
    return [org(f"Firma {i} GmbH") for i in range(N)]


@settings(
    max_examples=int(os.environ.get("HIER_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=ops)
def test_random_edits_keep_the_rules_and_the_closure(
    forest: list[Party], sequence: list[tuple[Any, ...]], monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [BASE]
    monkeypatch.setattr(engine, "today", lambda: clock[0])
    group = RelationshipType.objects.get(key="group")
    try:
        with transaction.atomic():
            for op in sequence:
                day = clock[0]
                try:
                    if op[0] == "create":
                        _, c, p, f, t = op
                        vf = None if f is None else day + dt.timedelta(days=f)
                        vt = None if t is None else day + dt.timedelta(days=t)
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
                    elif op[0] == "end":
                        rels = list(Relationship.objects.filter(type=group).order_by("id"))
                        if rels:
                            do_end_relationship(
                                rels[op[1] % len(rels)],
                                actor=None,
                                valid_to=day + dt.timedelta(days=op[2]),
                            )
                    elif op[0] == "move":
                        _, c, p, on = op
                        do_move_subtree(
                            forest[c],
                            None if p is None else forest[p],
                            "group",
                            actor=None,
                            on=day + dt.timedelta(days=on),
                        )
                    else:
                        clock[0] = day + dt.timedelta(days=op[1])
                except ValidationError:
                    pass
            check_invariants(forest, group, clock[0])
            raise Rollback
    except Rollback:
        pass


def check_invariants(forest: list[Party], group: RelationshipType, today: dt.date) -> None:
    rels = list(Relationship.objects.filter(type=group))
    days = {today, BASE - dt.timedelta(days=10)}
    for r in rels:
        for d in (r.valid_from, r.valid_to):
            if d is not None:
                days |= {d - dt.timedelta(days=1), d, d + dt.timedelta(days=1)}
    for day in sorted(days):
        parent = parents_on(rels, day)
        assert all(len(ps) == 1 for ps in parent.values()), f"two parents on {day}"
        for p in forest:
            up = path_up(parent, p.pk)  # asserts no cycle
            as_of = None if day == today else day
            assert [n["id"] for n in selectors.ancestors(p.pk, "group", as_of)] == up
            assert selectors.ultimate_parent(p.pk, "group", as_of) == (up[0] if up else p.pk)
            below = {m.pk for m in forest if p.pk in path_up(parent, m.pk)} | {p.pk}
            assert set(selectors.subtree_ids(p.pk, "group", as_of)) == below
            check_group(p.pk, parent, as_of)
    engine.ensure_fresh(group)
    have = set(
        ClosureEntry.objects.filter(type=group).values_list(
            "ancestor_id", "descendant_id", "depth", "parent_id", "child_count"
        )
    )
    assert have == closure_on(parents_on(rels, today))


def check_group(pid: int, parent: dict[int, list[int]], as_of: dt.date | None) -> None:
    """The whole group as rows and as the database's JSON: the same rows, top-down, with
    depth, child count and parent as a brute-force walk has them."""
    up = path_up(parent, pid)
    root = up[0] if up else pid
    kids = Counter(ps[0] for ps in parent.values())
    members = [root] + [m for m in parent if root in path_up(parent, m)]
    want = {
        (m, len(path_up(parent, m)) - len(path_up(parent, root)), kids[m], parent[m][0] if m != root and m in parent else None)
        for m in members
    }  # fmt: skip
    rows = selectors.group_rows(pid, "group", as_of)
    assert {(r[0], r[4], r[5], r[6]) for r in rows} == want
    assert [r[4] for r in rows] == sorted(r[4] for r in rows)
    top, count, text = selectors.group_json(pid, "group", as_of)
    assert (top, count) == (root, len(rows))
    assert sorted(map(tuple, json.loads(text))) == sorted(rows)
    assert [r[4] for r in json.loads(text)] == [r[4] for r in rows]


corruption = st.lists(
    st.one_of(
        st.tuples(st.just("drop"), st.integers(min_value=0, max_value=40)),
        st.tuples(st.just("count"), st.integers(min_value=0, max_value=40), st.integers(1, 3)),
        st.tuples(st.just("copy"), st.integers(min_value=0, max_value=40)),
        st.tuples(st.just("add"), node, node, st.integers(min_value=0, max_value=3)),
    ),
    max_size=6,
)


@settings(
    max_examples=int(os.environ.get("HIER_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(parents=st.lists(st.one_of(st.none(), node), min_size=N, max_size=N), damage=corruption)
def test_the_check_reports_exactly_what_differs_from_the_links(
    forest: list[Party], parents: list[int | None], damage: list[tuple[Any, ...]]
) -> None:
    from verbund.hierarchies.consistency import differences

    group = RelationshipType.objects.get(key="group")
    try:
        with transaction.atomic():
            for child, par in enumerate(parents):
                if par is not None and par < child:  # a forest: parents come first
                    do_create_relationship(
                        actor=None, type=group, from_party=forest[child], to_party=forest[par]
                    )
            rows = list(ClosureEntry.objects.filter(type=group).order_by("id"))
            for op in damage:
                if op[0] == "add":
                    _, a, d, depth = op
                    ClosureEntry.objects.create(
                        type=group, ancestor=forest[a], descendant=forest[d], depth=depth
                    )
                elif rows:
                    row = rows[op[1] % len(rows)]
                    if op[0] == "drop":
                        ClosureEntry.objects.filter(pk=row.pk).delete()
                    elif op[0] == "count":
                        ClosureEntry.objects.filter(pk=row.pk).update(
                            child_count=row.child_count + op[2]
                        )
                    else:
                        row.pk = None
                        row.save()
            want = closure_on(parents_on(list(Relationship.objects.filter(type=group)), BASE))
            have = Counter(
                ClosureEntry.objects.filter(type=group).values_list(
                    "ancestor_id", "descendant_id", "depth", "parent_id", "child_count"
                )
            )
            extra = have - Counter(want)
            found = Counter(
                (
                    d["problem"],
                    (d["ancestor"], d["descendant"], d["depth"], d["parent"], d["children"]),
                )
                for d in differences(["group"])
            )
            assert found == Counter(("missing", r) for r in want - set(have)) + Counter(
                {("extra", r): n for r, n in extra.items()}
            )
            raise Rollback
    except Rollback:
        pass
