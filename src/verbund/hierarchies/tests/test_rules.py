"""The hierarchy rules: one parent at any date, never a cycle, the closure in step."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from verbund.core.errors import Conflict
from verbund.hierarchies import engine, selectors
from verbund.hierarchies.actions import do_move_subtree
from verbund.hierarchies.consistency import differences
from verbund.hierarchies.models import ClosureEntry
from verbund.relationships.actions import do_end_relationship, do_update_relationship
from verbund.relationships.models import Relationship

TODAY = dt.date.today()
DAY = dt.timedelta(days=1)


@pytest.fixture
def muller(org: Callable[..., Any], link: Callable[..., Any]) -> dict[str, Any]:
    holding = org("Müller Holding AG")
    gmbh = org("Müller GmbH")
    logistik = org("Müller Logistik GmbH")
    link(gmbh, holding)
    link(logistik, gmbh)
    return {"holding": holding, "gmbh": gmbh, "logistik": logistik}


def test_it_rejects_a_cycle_and_names_the_path(
    muller: dict[str, Any], link: Callable[..., Any]
) -> None:
    # Stored links refuse it, not the link itself: a Conflict (the API's 409).
    with pytest.raises(Conflict) as err:
        link(muller["holding"], muller["logistik"])
    message = err.value.message_dict["to_party"][0]
    assert "Müller Holding AG → Müller GmbH → Müller Logistik GmbH → Müller Holding AG" in message


def test_it_rejects_a_second_parent(
    muller: dict[str, Any], org: Callable[..., Any], link: Callable[..., Any]
) -> None:
    other = org("Schmidt AG")
    with pytest.raises(Conflict) as err:
        link(muller["logistik"], other)
    assert "Müller GmbH" in err.value.message_dict["to_party"][0]


def test_it_allows_a_second_parent_after_the_first_link_ends(
    muller: dict[str, Any], org: Callable[..., Any], link: Callable[..., Any]
) -> None:
    other = org("Schmidt AG")
    rel = muller["logistik"].relationships_from.get()
    do_end_relationship(rel, actor=None, valid_to=TODAY + 10 * DAY)
    link(muller["logistik"], other, valid_from=TODAY + 11 * DAY)
    with pytest.raises(ValidationError):
        link(
            muller["logistik"],
            org("Dritte GmbH"),
            valid_from=TODAY + 5 * DAY,
            valid_to=TODAY + 20 * DAY,
        )


def test_it_rejects_a_cycle_that_exists_only_in_the_future(
    org: Callable[..., Any], link: Callable[..., Any]
) -> None:
    a, b, c = org("A AG"), org("B AG"), org("C AG")
    link(b, a, valid_from=TODAY + 30 * DAY)
    link(c, b)
    with pytest.raises(ValidationError) as err:
        link(a, c, valid_to=TODAY + 60 * DAY)
    message = err.value.message_dict["to_party"][0]
    assert "A AG → B AG → C AG → A AG" in message
    assert f"{TODAY + 30 * DAY:%d.%m.%Y}" in message  # German, as the reader writes it (#22.7)
    # Ending before the other link starts, there is no cycle at any date.
    link(a, c, valid_to=TODAY + 29 * DAY)


def test_it_rejects_a_correction_of_dates_that_would_close_a_cycle(
    org: Callable[..., Any], link: Callable[..., Any]
) -> None:
    a, b = org("A AG"), org("B AG")
    link(b, a, valid_to=TODAY - 10 * DAY)
    back = link(a, b, valid_from=TODAY - 5 * DAY)
    with pytest.raises(ValidationError):
        do_update_relationship(back, actor=None, valid_from=TODAY - 20 * DAY)


def test_the_closure_follows_links_and_ends(muller: dict[str, Any]) -> None:
    h, g, lo = muller["holding"], muller["gmbh"], muller["logistik"]
    assert selectors.ultimate_parent(lo.pk, "group") == h.pk
    assert [n["id"] for n in selectors.ancestors(lo.pk, "group")] == [h.pk, g.pk]
    assert sorted(selectors.subtree_ids(g.pk, "group")) == sorted([g.pk, lo.pk])
    assert sorted(selectors.group_member_ids(lo.pk)) == sorted([h.pk, g.pk, lo.pk])
    do_end_relationship(g.relationships_from.get(), actor=None, valid_to=TODAY - DAY)
    assert selectors.ultimate_parent(lo.pk, "group") == g.pk
    assert selectors.group_member_ids(h.pk) == [h.pk]
    assert not ClosureEntry.objects.filter(descendant=h).exists()
    assert differences() == []


def test_moving_a_subtree_takes_the_whole_subtree(
    muller: dict[str, Any], org: Callable[..., Any], link: Callable[..., Any]
) -> None:
    other = org("Schmidt AG")
    leaf = org("Müller Lager GmbH")
    link(leaf, muller["logistik"])
    do_move_subtree(muller["logistik"], other, "group", actor=None)
    assert selectors.ultimate_parent(leaf.pk, "group") == other.pk
    assert sorted(selectors.subtree_ids(other.pk, "group")) == sorted(
        [other.pk, muller["logistik"].pk, leaf.pk]
    )
    # Yesterday the subtree was still under the holding.
    assert selectors.ultimate_parent(leaf.pk, "group", as_of=TODAY - DAY) == muller["holding"].pk
    assert differences() == []


def test_moving_under_its_own_descendant_is_refused(muller: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as err:
        do_move_subtree(muller["gmbh"], muller["logistik"], "group", actor=None)
    assert (
        "Müller GmbH → Müller Logistik GmbH → Müller GmbH" in err.value.message_dict["to_party"][0]
    )


def test_the_tree_marks_the_party_and_counts_children(muller: dict[str, Any]) -> None:
    root = selectors.tree(muller["logistik"].pk, "group")
    assert root["id"] == muller["holding"].pk and root["child_count"] == 1
    gmbh = root["children"][0]
    assert gmbh["on_path"] and not gmbh["requested"]
    assert gmbh["children"][0]["requested"] and gmbh["children"][0]["depth"] == 2
    shallow = selectors.tree(muller["logistik"].pk, "group", depth=0)
    assert shallow["children"][0]["children"][0]["id"] == muller["logistik"].pk


def test_membership_periods_intersect_the_validities_along_the_path(
    org: Callable[..., Any], link: Callable[..., Any]
) -> None:
    top, mid, leaf = org("Top AG"), org("Mid GmbH"), org("Leaf GmbH")
    d = dt.date(2024, 1, 1)
    link(mid, top, valid_from=d, valid_to=dt.date(2024, 12, 31))
    link(leaf, mid, valid_from=dt.date(2024, 6, 1))
    link(mid, top, valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2025, 3, 31))
    periods = selectors.membership_periods(leaf.pk, top.pk, "group")
    assert periods == [(dt.date(2024, 6, 1), dt.date(2025, 3, 31))]


def test_the_closure_moves_on_when_the_calendar_does(
    org: Callable[..., Any], link: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b, c = org("A AG"), org("B AG"), org("C AG")
    link(b, a, valid_to=TODAY + 2 * DAY)
    link(b, c, valid_from=TODAY + 3 * DAY)
    assert selectors.ultimate_parent(b.pk, "group") == a.pk
    monkeypatch.setattr(engine, "today", lambda: TODAY + 5 * DAY)
    assert selectors.ultimate_parent(b.pk, "group") == c.pk
    assert differences() == []
    assert engine.refresh_all()["group"] == 0


def test_rebuild_reproduces_the_maintained_closure(muller: dict[str, Any]) -> None:
    before = sorted(
        ClosureEntry.objects.values_list(
            "type_id", "ancestor_id", "descendant_id", "depth", "parent_id"
        )
    )
    counts = engine.rebuild_closure()
    after = sorted(
        ClosureEntry.objects.values_list(
            "type_id", "ancestor_id", "descendant_id", "depth", "parent_id"
        )
    )
    assert before == after and counts["group"] == len(after)


def closure_indexes() -> dict[str, list[str]]:
    from django.db import connection

    with connection.cursor() as cur:
        found = connection.introspection.get_constraints(cur, ClosureEntry._meta.db_table)
    return {name: info["columns"] for name, info in found.items() if info["index"]}


def test_a_rebuild_into_an_empty_closure_gives_the_same_rows_and_keeps_the_indexes(
    muller: dict[str, Any],
) -> None:
    def rows() -> list[tuple[Any, ...]]:
        return sorted(
            ClosureEntry.objects.values_list(
                "type_id", "ancestor_id", "descendant_id", "depth", "parent_id"
            )
        )

    before, indexes = rows(), closure_indexes()
    assert any(len(columns) > 1 for columns in indexes.values())
    # An empty closure is a first load: PostgreSQL builds the indexes after the rows.
    ClosureEntry.objects.all().delete()
    engine.rebuild_closure()
    assert rows() == before
    assert closure_indexes() == indexes
    assert differences() == []


def test_large_trees_come_level_by_level_with_the_path_open(
    muller: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors, "LARGE_TREE", 2)
    monkeypatch.setattr(selectors, "DEFAULT_LEVELS", 0)
    for as_of in (None, TODAY - DAY):
        root = selectors.tree(muller["logistik"].pk, "group", as_of)
        gmbh = root["children"][0]
        assert gmbh["children"][0]["requested"]
        other = selectors.tree(muller["holding"].pk, "group", as_of)
        assert other["children"] is None and other["child_count"] == 1


def test_relink_rehangs_children_changed_in_bulk_even_when_they_swap(
    org: Callable[..., Any], link: Callable[..., Any]
) -> None:
    a, b = org("A AG"), org("B AG")
    rel = link(b, a)
    # What an importer's bulk write does: end one link and add the reverse, then relink.
    Relationship.objects.filter(pk=rel.pk).update(valid_to=TODAY - DAY)
    Relationship.objects.create(type=rel.type, from_party=a, to_party=b)
    engine.relink(rel.type_id, [a.pk, b.pk])
    assert differences() == []
    assert selectors.ultimate_parent(a.pk, "group") == b.pk


@pytest.mark.parametrize("seed", range(6))
def test_relink_keeps_the_closure_exact_after_a_whole_forest_is_rewritten_in_bulk(
    seed: int, org: Callable[..., Any], link: Callable[..., Any]
) -> None:
    import random

    rnd = random.Random(seed)
    parties = [org(f"P{seed}-{i} GmbH") for i in range(14)]
    # A first forest through the actions: a parent always comes earlier in the shuffled order.
    order = parties[:10]
    rnd.shuffle(order)
    type_id = None
    for i, child in enumerate(order[1:], start=1):
        if rnd.random() < 0.8:
            type_id = link(child, order[rnd.randrange(i)]).type_id
    if type_id is None:
        type_id = link(order[1], order[0]).type_id
    # The importer's bulk write: every link ends, a new forest over old and brand-new parties
    # (nested changed children, swapped roles, parties new to the closure) is written around
    # the rules, then only the touched children are relinked.
    Relationship.objects.filter(type_id=type_id, valid_to__isnull=True).update(valid_to=TODAY - DAY)
    order = parties[:]
    rnd.shuffle(order)
    touched = {r.from_party_id for r in Relationship.objects.filter(type_id=type_id)}
    for i, child in enumerate(order[1:], start=1):
        if rnd.random() < 0.8:
            Relationship.objects.create(
                type_id=type_id, from_party=child, to_party=order[rnd.randrange(i)]
            )
            touched.add(child.pk)
    engine.relink(type_id, touched)
    assert differences() == []


def test_rebuild_refuses_bulk_loaded_links_that_form_a_cycle(
    org: Callable[..., Any], link: Callable[..., Any]
) -> None:
    a, b, c = org("A AG"), org("B AG"), org("C AG")
    rel = link(b, a)
    link(c, b)
    # A bulk load writes around the rules; the rebuild must stop instead of going round.
    Relationship.objects.create(type=rel.type, from_party=a, to_party=c)
    with pytest.raises(ValidationError) as refused:
        engine.rebuild_closure(["group"])
    assert list(refused.value.message_dict) == ["type"]


def test_a_rebuild_into_an_empty_closure_refuses_a_cycle_and_keeps_the_indexes(
    org: Callable[..., Any], link: Callable[..., Any]
) -> None:
    a, b = org("A AG"), org("B AG")
    rel = link(b, a)
    Relationship.objects.create(type=rel.type, from_party=a, to_party=b)
    indexes = closure_indexes()
    ClosureEntry.objects.all().delete()
    with pytest.raises(ValidationError) as refused:
        engine.rebuild_closure(["group"])
    assert list(refused.value.message_dict) == ["type"]
    assert closure_indexes() == indexes


def test_the_consistency_check_reports_a_row_stored_twice(muller: dict[str, Any]) -> None:
    row = ClosureEntry.objects.get(ancestor=muller["holding"], descendant=muller["logistik"])
    ClosureEntry.objects.create(
        type_id=row.type_id,
        ancestor_id=row.ancestor_id,
        descendant_id=row.descendant_id,
        depth=row.depth,
        parent_id=row.parent_id,
    )
    assert [(d["problem"], d["ancestor"], d["descendant"]) for d in differences()] == [
        ("extra", muller["holding"].pk, muller["logistik"].pk)
    ]


def test_the_consistency_check_ends_on_a_cycle_written_behind_its_back(
    muller: dict[str, Any],
) -> None:
    # A link written past the actions (a restore, a hand-made SQL fix) closes a cycle.
    first = Relationship.objects.get(from_party=muller["gmbh"])
    Relationship.objects.bulk_create(
        [
            Relationship(
                type_id=first.type_id,
                from_party=muller["holding"],
                to_party=muller["logistik"],
                source=first.source,
            )
        ]
    )
    found = {(d["problem"], d["ancestor"], d["descendant"], d["depth"]) for d in differences()}
    holding, logistik = muller["holding"].pk, muller["logistik"].pk
    # The holding now sits under Logistik: that row is missing, its self row changed.
    assert ("missing", logistik, holding, 1) in found
    assert ("extra", holding, holding, 0) in found


def test_a_second_parent_message_says_the_stored_link_s_period_as_a_reader_would():
    import datetime as dt

    from django.utils import translation

    from verbund.hierarchies import rules

    day, later = dt.date(2015, 1, 1), dt.date(2020, 12, 31)
    with translation.override("de"):
        assert "seit 01.01.2015 bereits" in rules.second_parent("A", "Konzern", day, None, "M")
        assert "von 01.01.2015 bis 31.12.2020" in rules.second_parent("A", "K", day, later, "M")
        assert "bis 31.12.2020 bereits" in rules.second_parent("A", "K", None, later, "M")
        assert (
            rules.second_parent("A", "K", None, None, "M") == "A hat in K bereits eine Mutter: M."
        )
    with translation.override("en"):
        assert "—" not in rules.second_parent("A", "Group", day, None, "M")
