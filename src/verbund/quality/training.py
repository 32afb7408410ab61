"""Weights learnt from the customer's records: Fellegi–Sunter m/u estimation by EM.

The bulk run's candidate pairs (``bulk``: the same blocking as detection) are reduced to their
comparison *patterns* — which level of every comparison each pair reached — and counted in
DuckDB. Expectation maximisation then runs over the counted patterns, not the pairs, so a
million records cost one GROUP BY plus a few milliseconds of Python (decision 0031):

- E step: each pattern's match probability from the current prior and m/u;
- M step: prior = share of matches among the candidate pairs; m(level) = share of the matches
  (weighted by that probability) that reached the level among those the comparison applied to;
  u(level) likewise over the non-matches.

EM starts from the fixed weights' probabilities (the expert model is the first guess), stops
when no probability moves by more than ``TOLERANCE``, and every learnt weight is
log2(m / u), clamped to the range of the fixed weights. A comparison that never applied keeps
its fixed weights. As in splink, comparisons are taken as independent given match status.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from verbund.quality.matching import (
    Weights,
    comparisons_for,
    prior_of,
)

# Below this many live records of a kind the fixed weights are used and training is refused:
# EM needs enough candidate pairs per level (at 1,000 organisations the dedupe-examples halves
# hold about 2,000 blocked pairs and 1,500 true ones; decision 0031).
MIN_RECORDS = 1_000
MAX_ITERATIONS = 200
TOLERANCE = 1e-5
# Pseudo-count per level and class, so that an unseen level gets a finite weight.
SMOOTHING = 0.5
WEIGHT_LIMIT = 20.0

Pattern = tuple[str | None, ...]


@dataclass
class Estimate:
    """EM result: prior probability of a match, m and u per comparison and level."""

    prior: float
    m: dict[str, dict[str, float]]
    u: dict[str, dict[str, float]]
    iterations: int
    converged: bool
    pairs: int
    history: list[float] = field(default_factory=list)

    def points(self) -> dict[str, dict[str, float]]:
        return {
            comp: {
                level: round(
                    max(-WEIGHT_LIMIT, min(WEIGHT_LIMIT, math.log2(m_l / self.u[comp][level]))), 3
                )
                for level, m_l in levels.items()
            }
            for comp, levels in self.m.items()
        }

    def prior_points(self) -> float:
        p = min(max(self.prior, 1e-9), 1 - 1e-9)
        return round(math.log2(p / (1 - p)), 3)


def _sigmoid2(points: float) -> float:
    if points > 60:
        return 1.0
    if points < -60:
        return 0.0
    return 1.0 / (1.0 + 2.0 ** (-points))


def estimate(
    patterns: Mapping[Pattern, int],
    comparisons: Sequence[tuple[str, Sequence[str]]],
    start: Mapping[Pattern, float],
    *,
    max_iterations: int = MAX_ITERATIONS,
    tolerance: float = TOLERANCE,
) -> Estimate:
    """EM over counted patterns.

    ``comparisons``: (key, level keys) in pattern order; a pattern holds one level key or None
    (comparison did not apply) per comparison. ``start``: each pattern's first match
    probability.
    """
    items = [(p, n) for p, n in patterns.items() if n > 0]
    total = float(sum(n for _p, n in items))
    post = {p: min(max(start.get(p, 0.5), 1e-6), 1 - 1e-6) for p, _n in items}
    history: list[float] = []
    prior = 0.5
    m: dict[str, dict[str, float]] = {}
    u: dict[str, dict[str, float]] = {}
    converged = False
    iteration = 0
    for iteration in range(1, max_iterations + 1):
        # M step
        matches = sum(n * post[p] for p, n in items)
        prior = min(max(matches / total, 1e-9), 1 - 1e-9) if total else 0.5
        m, u = {}, {}
        for i, (key, levels) in enumerate(comparisons):
            mc = dict.fromkeys(levels, SMOOTHING)
            uc = dict.fromkeys(levels, SMOOTHING)
            for p, n in items:
                lv = p[i]
                if lv is None or lv not in mc:
                    continue
                mc[lv] += n * post[p]
                uc[lv] += n * (1 - post[p])
            sm, su = sum(mc.values()), sum(uc.values())
            m[key] = {lv: v / sm for lv, v in mc.items()}
            u[key] = {lv: v / su for lv, v in uc.items()}
        # E step
        base = math.log2(prior / (1 - prior))
        change = 0.0
        for p, _n in items:
            pts = base
            for i, (key, _levels) in enumerate(comparisons):
                lv = p[i]
                if lv is not None and lv in m[key]:
                    pts += math.log2(m[key][lv] / u[key][lv])
            new = min(max(_sigmoid2(pts), 1e-9), 1 - 1e-9)
            change = max(change, abs(new - post[p]))
            post[p] = new
        history.append(change)
        if change < tolerance:
            converged = True
            break
    return Estimate(
        prior=prior,
        m=m,
        u=u,
        iterations=iteration,
        converged=converged,
        pairs=int(total),
        history=history,
    )


def fixed_start(kind: str, keys: Sequence[str], pattern: Pattern) -> float:
    """A pattern's match probability under the fixed weights (EM's first guess)."""
    by_key = {c.key: c for c in comparisons_for(kind)}
    pts = prior_of(kind)
    for key, lv in zip(keys, pattern, strict=True):
        if lv is None:
            continue
        for level in by_key[key].levels:
            if level.key == lv:
                pts += level.weight
                break
    return _sigmoid2(pts)


def train_patterns(kind: str, patterns: Mapping[Pattern, int]) -> tuple[Weights, Estimate]:
    """Weights for ``kind`` from counted level patterns (keys in ``comparisons_for`` order)."""
    comps = comparisons_for(kind)
    keys = [c.key for c in comps]
    spec = [(c.key, [lv.key for lv in c.levels]) for c in comps]
    start = {p: fixed_start(kind, keys, p) for p in patterns}
    est = estimate(patterns, spec, start)
    points = est.points()
    # A comparison no candidate pair reached keeps its fixed weights.
    applied = {
        keys[i] for p, n in patterns.items() if n for i, lv in enumerate(p) if lv is not None
    }
    points = {k: v for k, v in points.items() if k in applied}
    return Weights(kind=kind, prior=est.prior_points(), points=points), est


def model_summary(weights: Weights, est: Estimate) -> dict[str, Any]:
    """What a stored model keeps besides its weights: m and u, iterations, convergence."""
    return {
        "m": {k: {lv: round(x, 6) for lv, x in v.items()} for k, v in est.m.items()},
        "u": {k: {lv: round(x, 6) for lv, x in v.items()} for k, v in est.u.items()},
        "iterations": est.iterations,
        "converged": est.converged,
        "pairs": est.pairs,
        "match_share": round(est.prior, 6),
    }
