"""The closer of the two upper bounds the engine cuts candidates with before scoring them.

``Index._name_candidates`` first bounds a list name's score from the weights its postings
accumulated; for a company name of several words that bound is loose (every word's weak
spellings count as if they were in every list name), and nearly all names it lets through
score far below the floor. ``within_reach`` looks at the list name's own words: cheaper than
``Index._score``, never below it, so the candidates it drops are exactly ones that could not
reach the floor.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from verbund.compliance.matching_rules import INITIAL_SIM

# Spellings at least this close to a query word make candidates; weaker ones only score (and in
# a company's name count squared: another word, not a typo).
STRONG_SPELLING = 0.75
# What a weak alias's score counts.
WEAK_FACTOR = 0.85

# A query word's plan (``Index._plan``): the postings of its close spellings (df, similarity,
# candidate-side gain, the ids of the names of the query's kind), their smallest df, the best
# similarity of its weaker spellings and those spellings' list words.
Plan = tuple[list[tuple[int, float, float, tuple[int, ...]]], int, float, frozenset[int]]


@dataclass
class Gathered:
    """The candidates of a party's name (``gather``) and what the bound allows for them."""

    # Per list name, the query side's and the list side's weight of its accumulated spellings.
    q: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    c: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    # What the words left out can add: in all, and without the weaker spellings (``strong_*``,
    # for a list name that has none of ``weak_words``). ``*_c``: the list side's share, each
    # query word pairing with one list word at most, at no more than that similarity.
    skipped: float = 0.0
    strong_q: float = 0.0
    # ``skipped`` for a person's list name with an initial, which pairs with any word that
    # begins with its letter (``matching_rules.initial_pairs``).
    initials: float = 0.0
    skipped_c: float = 0.0
    strong_c: float = 0.0
    weak_words: set[int] = field(default_factory=set)
    # A company word far off counts squared in a name of several words (``Index._score``).
    squared: bool = False


def gather(
    plans: Sequence[Plan],
    qweights: Sequence[float],
    tokens: Sequence[str],
    person: bool,
    floor: float,
    df_cap: int,
) -> Gathered:
    """The list names sharing a close spelling with a party's name (``tokens``, their
    ``plans`` and weights), with what they accumulated. Spellings more common than ``df_cap``
    make no candidates while the rarer ones can carry the name; their share, like that of the
    weaker spellings, goes into what the bound allows for."""
    usable = [i for i, p in enumerate(plans) if p[0] and p[1] <= df_cap]
    # A word no list word resembles adds nothing to any score (a person's may still pair with
    # a list name's initial).
    blank = [not p[0] for p in plans]
    # Common spellings are left out only while the rare ones can carry the candidates: a name
    # made of common words alone ("Muhammad 'Ali", "'Ali Ibrahim") shares no rare spelling
    # with its own list entry, which would then never be scored.
    common = sum(
        qweights[i]
        * (
            0.0
            if blank[i] and not person
            else 1.0
            if i not in usable
            else max((p[1] for p in plans[i][0] if p[0] > df_cap), default=0.0)
        )
        for i in range(len(tokens))
    )
    if usable and common / (sum(qweights) or 1.0) >= floor:
        usable = []
    out = Gathered(squared=not person and len(tokens) > 1)
    acc_q, acc_c, squared = out.q, out.c, out.squared
    for i, (postings, _mindf, weak_max, weak) in enumerate(plans):
        wq = qweights[i]
        if blank[i]:
            if person:
                initial = wq * INITIAL_SIM if len(tokens[i]) == 1 else 0.0
                out.skipped += wq if usable else initial
                out.strong_q += initial
                out.initials += wq if usable else wq * INITIAL_SIM
            continue
        if usable and i not in usable:
            out.skipped += wq
            out.strong_q += wq
            out.initials += wq
            out.skipped_c += 1.0
            out.strong_c += 1.0
            continue
        if squared and weak_max < STRONG_SPELLING:
            weak_max = round(weak_max * weak_max, 3)
        out.skipped += wq * weak_max
        if squared or person:
            out.weak_words |= weak
        if person and len(tokens[i]) == 1:
            # An initial scores against the given name it begins (matching_rules).
            out.skipped += wq * INITIAL_SIM
            out.strong_q += wq * INITIAL_SIM
        capped = 0.0
        for df, sim, gain_c, nids in postings:
            if usable and df > df_cap:
                # Too common to make candidates; the bound still allows for it.
                capped = max(capped, sim)
                continue
            gain_q = wq * sim
            for nid in nids:
                acc_q[nid] += gain_q
            if not person:
                for nid in nids:
                    acc_c[nid] += gain_c
        if squared and capped < STRONG_SPELLING:
            capped = round(capped * capped, 3)
        out.skipped += wq * capped
        out.strong_q += wq * capped
        if person:
            out.initials += wq * (max(weak_max, INITIAL_SIM) + capped)
        out.skipped_c += max(weak_max, capped)
        out.strong_c += capped
    return out


def within_reach(
    expansions: Sequence[dict[int, float]],
    qweights: Sequence[float],
    total_q: float,
    tokens: Sequence[int],
    total_weight: float,
    weak: bool,
    weights: Sequence[float],
    floor: float,
) -> bool:
    """Whether a company name of several words (its words' ``expansions`` and weights) can
    score ``floor`` against a list name (``tokens``, their ``total_weight``, ``weak`` alias):
    each word at its best spelling among the list name's words bounds ``_score``'s one-to-one
    pairing from above."""
    mq = mc = 0.0
    for exp, wq in zip(expansions, qweights, strict=True):
        best = best_c = 0.0
        for t in tokens:
            sim = exp.get(t)
            if sim:
                if sim < STRONG_SPELLING:
                    sim = round(sim * sim, 3)
                best = max(best, sim)
                best_c = max(best_c, weights[t] * sim)
        mq += wq * best
        mc += best_c
    cq = mq / total_q
    score = cq if len(tokens) == 1 else 0.5 * (cq + min(1.0, mc / (total_weight or 1.0)))
    if weak:
        score *= WEAK_FACTOR
    # Summed in another order than _score sums: a rounding must not drop a candidate.
    return score + 1e-9 >= floor
