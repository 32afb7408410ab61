"""The dated closure's upkeep: a move writes its rows once, and interactive upkeep leaves
exactly the rows a rebuild from the relationships gives."""

import datetime as dt
import os
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verbund.hierarchies import dated
from verbund.hierarchies.actions import do_move_subtree
from verbund.hierarchies.models import DatedClosureEntry
from verbund.parties.models import Party
from verbund.relationships.actions import (
    do_create_relationship,
    do_end_relationship,
    do_update_relationship,
)
from verbund.relationships.models import Relationship, RelationshipType

pytestmark = pytest.mark.django_db

DT = DatedClosureEntry._meta.db_table
START = dt.date(2024, 1, 1)


def dated_rows(type_id: int) -> Counter[tuple[int, int, dt.date, dt.date]]:
    return Counter(
        DatedClosureEntry.objects.filter(type_id=type_id).values_list(
            "ancestor_id", "descendant_id", "valid_from", "valid_to"
        )
    )


def dated_writes(queries: list[dict[str, Any]]) -> list[str]:
    """The statements of ``queries`` that write the dated closure, by their first word."""
    return [
        q["sql"].split()[0].upper()
        for q in queries
        if DT in q["sql"] and q["sql"].lstrip().upper().startswith(("INSERT", "DELETE", "UPDATE"))
    ]


@pytest.fixture
def tree(org: Callable[..., Party], link: Callable[..., Relationship]) -> dict[str, Party]:
    """Holding > Mitte > Sub > (Enkel 0..4); Holding > Ost; Sub's link since 2024."""
    p = {name: org(f"{name} GmbH") for name in ("Holding", "Mitte", "Ost", "Sub")}
    link(p["Mitte"], p["Holding"])
    link(p["Ost"], p["Holding"])
    link(p["Sub"], p["Mitte"], valid_from=START)
    for i in range(5):
        p[f"Enkel {i}"] = org(f"Enkel {i} GmbH")
        link(p[f"Enkel {i}"], p["Sub"])
    return p


def test_a_move_writes_the_dated_rows_once_and_takes_a_pinned_number_of_queries(
    tree: dict[str, Party],
) -> None:
    group = RelationshipType.objects.get(key="group")
    with CaptureQueriesContext(connection) as ctx:
        do_move_subtree(tree["Sub"], tree["Ost"], "group", actor=None, on=dt.date(2025, 7, 1))
    # One statement deletes the paths over Mitte, one inserts them ended and the new ones over
    # Ost: not once for the end of the old link and again for the new link.
    assert dated_writes(ctx.captured_queries) == ["DELETE", "INSERT"]
    assert len(ctx.captured_queries) == QUERIES_PER_MOVE[connection.vendor]
    # Sub and its 5 members: under Mitte and Holding until the move, then Ost and Holding.
    rows = dated_rows(group.pk)
    dated.rebuild(group.pk)
    assert rows == dated_rows(group.pk)
    assert rows[(tree["Mitte"].pk, tree["Enkel 0"].pk, START, dt.date(2025, 6, 30))] == 1
    assert rows[(tree["Ost"].pk, tree["Enkel 0"].pk, dt.date(2025, 7, 1), dt.date(9999, 12, 31))]


# Every query of a move of a 6-member subtree (locks, the link rules, both links with their
# audit records, today's closure, the dated rows once, the move's audit record); it does not
# grow with the subtree. PostgreSQL adds its advisory locks and the JIT switch.
QUERIES_PER_MOVE = {"sqlite": 45, "postgresql": 48}


def test_the_query_count_of_a_move_does_not_grow_with_the_subtree(
    tree: dict[str, Party], org: Callable[..., Party], link: Callable[..., Relationship]
) -> None:
    for i in range(20):
        link(org(f"Urenkel {i} GmbH"), tree[f"Enkel {i % 5}"])
    with CaptureQueriesContext(connection) as ctx:
        do_move_subtree(tree["Sub"], tree["Ost"], "group", actor=None, on=dt.date(2025, 7, 1))
    assert dated_writes(ctx.captured_queries) == ["DELETE", "INSERT"]
    assert len(ctx.captured_queries) == QUERIES_PER_MOVE[connection.vendor]


def test_a_refused_move_leaves_the_dated_rows_as_they_were(tree: dict[str, Party]) -> None:
    group = RelationshipType.objects.get(key="group")
    before = dated_rows(group.pk)
    with pytest.raises(ValidationError):
        do_move_subtree(tree["Mitte"], tree["Enkel 0"], "group", actor=None)
    assert dated_rows(group.pk) == before


N = 6
node = st.integers(min_value=0, max_value=N - 1)
day = st.integers(min_value=-40, max_value=3 * 365)
maybe_day = st.one_of(st.none(), day)
ops = st.lists(
    st.one_of(
        st.tuples(st.just("create"), node, node, maybe_day, maybe_day),
        st.tuples(st.just("end"), st.integers(min_value=0, max_value=20), day),
        st.tuples(st.just("redate"), st.integers(min_value=0, max_value=20), maybe_day),
        st.tuples(st.just("move"), node, st.one_of(st.none(), node), day),
    ),
    max_size=14,
)


def _on(offset: int | None) -> dt.date | None:
    return None if offset is None else START + dt.timedelta(days=offset)


def _apply(parties: list[Party], group: RelationshipType, op: tuple[Any, ...]) -> None:
    rels = list(Relationship.objects.filter(type=group).order_by("id"))
    if op[0] == "create":
        _, c, p, f, t = op
        vf, vt = _on(f), _on(t)
        if vf and vt and vt < vf:
            vf, vt = vt, vf
        do_create_relationship(
            actor=None,
            type=group,
            from_party=parties[c],
            to_party=parties[p],
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
            parties[c], None if p is None else parties[p], "group", actor=None, on=_on(on)
        )


class Rollback(Exception):
    pass


@settings(
    max_examples=int(os.environ.get("DATED_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=ops)
def test_after_any_edits_the_dated_rows_are_exactly_those_a_rebuild_gives(
    org: Callable[..., Party], sequence: list[tuple[Any, ...]]
) -> None:
    group = RelationshipType.objects.get(key="group")
    try:
        with transaction.atomic():
            parties = [org(f"Firma {i} GmbH") for i in range(N)]
            for op in sequence:
                try:
                    with transaction.atomic():
                        _apply(parties, group, op)
                except ValidationError:
                    pass
            kept = dated_rows(group.pk)
            dated.rebuild(group.pk)
            assert kept == dated_rows(group.pk)
            raise Rollback
    except Rollback:
        pass
