"""The engine scores only the candidates its bounds let through (``Index._name_candidates``,
``matching_bounds.within_reach``): the bounds may only ever drop candidates that could not
reach the floor. Checked against every candidate scored (the list names sharing a close
spelling with the party's name, ``matching_bounds.gather``), on random lists and parties
written the ways the engine tolerates (the delta filter's world: typos, joined and split
words, initials, legal forms, other word order)."""

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verbund.compliance.matching import (
    ASSET_FACTOR,
    ASSETS,
    MAX_BONUS,
    PERSON,
    EntryRecord,
    Index,
    Query,
)
from verbund.compliance.matching_bounds import gather
from verbund.compliance.tests.test_delta_filter import THRESHOLD, WORDS, _world

FLOOR = THRESHOLD - MAX_BONUS


def _every_candidate_scored(index: Index, kind: str, tokens: tuple[str, ...]) -> dict[int, float]:
    """What ``_name_candidates`` finds, by scoring every candidate."""
    expansions, qweights, total_q, plans = index._prepared(kind, tokens)
    found = {}
    for nid in gather(plans, qweights, tokens, kind == PERSON, FLOOR, index.DF_CAP).q:
        rec = index.names[nid]
        score, _pairs = index._score(kind, tokens, qweights, total_q, expansions, rec, FLOOR)
        if index.entries[rec.entry].schema in ASSETS:
            score *= ASSET_FACTOR
        if score >= FLOOR:
            found[nid] = score
    return found


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=10**9))
def test_the_candidate_bounds_drop_no_list_name_that_reaches_the_floor(seed: int) -> None:
    index, _changed, queries = _world(seed)
    for q in queries:
        for name in q.names:
            for tokens in index.readings(name, q.kind):
                got = {
                    nid: score
                    for nid, score, _info in index._name_candidates(q.kind, tokens, FLOOR)
                }
                assert got == _every_candidate_scored(index, q.kind, tokens), (q.kind, tokens)


def _initials_world(seed: int) -> tuple[Index, list[tuple[str, tuple[str, ...]]]]:
    """List names that write words as initials ("A. K. KHAN", "B. Star Shipping"), persons'
    and companies', and parties' names written out in full or with initials of their own."""
    rng = random.Random(seed)
    names = []
    for _ in range(40):
        words = [rng.choice(WORDS).title() for _ in range(rng.randint(2, 4))]
        name = " ".join(
            w[0] + "." if i < len(words) - 1 and rng.random() < 0.5 else w
            for i, w in enumerate(words)
        )
        names.append((rng.choice(["person", "person", "organisation"]), name))
    index = Index(
        (
            EntryRecord(1, i, str(i), "h", schema, n, frozenset(), (), ()),
            [{"name": n, "weak": False}],
        )
        for i, (schema, n) in enumerate(names)
    )
    readings = []
    for _ in range(150):
        kind, name = rng.choice(names)
        words = [
            rng.choice([w for w in WORDS if w[0] == x[0].lower()] or [x]).title()
            if x.endswith(".")
            else x
            for x in name.split()
        ]
        if rng.random() < 0.3:
            words[0] = words[0][0] + "."
        readings += [(kind, t) for t in index.readings(" ".join(words), kind)]
    return index, readings


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=10**9))
def test_a_list_name_with_initials_is_not_dropped_by_the_bounds(seed: int) -> None:
    index, readings = _initials_world(seed)
    for kind, tokens in readings:
        got = {nid: score for nid, score, _info in index._name_candidates(kind, tokens, FLOOR)}
        assert got == _every_candidate_scored(index, kind, tokens), tokens


def test_a_party_is_found_under_a_list_name_that_writes_its_given_names_as_initials() -> None:
    # The bound allowed only the weaker spellings for the party's given names: "Ahmed Khan"
    # was never scored against "A. K. KHAN" (0.88).
    names = ["A. K. KHAN", "J. JUNCKER", "Ivan PETROV"]
    index = Index(
        (
            EntryRecord(1, i, str(i), "h", "person", n, frozenset(), (), ()),
            [{"name": n, "weak": False}],
        )
        for i, n in enumerate(names)
    )
    for party, listed in [
        ("Ahmed Khan", "A. K. KHAN"),
        ("Abdul Karim Khan", "A. K. KHAN"),
        ("Jean Juncker", "J. JUNCKER"),
    ]:
        assert [
            m.matched_name for m in index.screen(Query(kind="person", names=[party]), THRESHOLD)
        ] == [listed]
    assert not index.screen(Query(kind="person", names=["Boris Khan"]), THRESHOLD)


def test_the_bounds_leave_most_list_names_unscored() -> None:
    """The point of the bounds: a party's name is scored against few of the list's names."""
    index, _changed, queries = _world(3)
    scored = 0
    original = index._score

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal scored
        scored += 1
        return original(*args, **kwargs)

    index._score = counting  # type: ignore[method-assign]
    readings = [(q.kind, t) for q in queries for n in q.names for t in index.readings(n, q.kind)]
    for kind, tokens in readings:
        index._name_candidates(kind, tokens, FLOOR)
    assert scored < 0.2 * len(readings) * len(index.names)
