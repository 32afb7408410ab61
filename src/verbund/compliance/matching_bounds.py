"""The closer of the two upper bounds the engine cuts candidates with before scoring them.

``Index._name_candidates`` first bounds a list name's score from the weights its postings
accumulated; for a company name of several words that bound is loose (every word's weak
spellings count as if they were in every list name), and nearly all names it lets through
score far below the floor. ``within_reach`` looks at the list name's own words: cheaper than
``Index._score``, never below it, so the candidates it drops are exactly ones that could not
reach the floor.
"""

from collections.abc import Sequence

# Spellings at least this close to a query word make candidates; weaker ones only score (and in
# a company's name count squared: another word, not a typo).
STRONG_SPELLING = 0.75
# What a weak alias's score counts.
WEAK_FACTOR = 0.85


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
