"""Weights learnt from the customer's records: Fellegi-Sunter m and u, estimated as splink does.

The method (decision 0031), on the same DuckDB tables as the bulk run (``bulk.detect``):

- **u** (how often a level occurs between two *different* parties) from random record pairs:
  up to ``U_PAIRS`` pairs drawn at random, where matches are so rare that every pair counts as a
  non-match; the level of every comparison is counted per pair.
- **m** (how often a level occurs between two records of the *same* party) by expectation
  maximisation, one session per blocking rule, over the candidate pairs that rule blocks. In a
  session the comparisons on the rule's columns (and the fields that go with them: an address
  is street, house, postcode and town together) are left out, because blocking made them agree;
  u stays fixed at the random-sample values; the other comparisons' m are estimated. Each
  comparison's m is the average over the sessions that estimated it, weighted by their matches.
- **prior**: the share of matches among all record pairs, found with m and u fixed as the
  expected matches among the candidate pairs over all pairs.

Every learnt weight is log2(m / u), clamped to +-``WEIGHT_LIMIT``; a comparison that no session
estimated keeps its fixed weights. The pairs are reduced to counted level *patterns* in DuckDB
first, so EM runs over a few thousand patterns in Python, not over the pairs.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from verbund.quality.matching import Comparison, Weights, comparisons_for
from verbund.quality.rules import keeps_fixed_weight

# Random pairs for u (splink's default is 1e6; 300,000 keep a level seen once in 10,000 pairs
# within a few per cent).
U_PAIRS = 300_000
# A session needs this many candidate pairs to say anything.
MIN_SESSION_PAIRS = 50
MAX_ITERATIONS = 100
TOLERANCE = 1e-4
WEIGHT_LIMIT = 20.0
# Pseudo-count per level: an unseen level gets a finite weight.
SMOOTHING = 0.5

# Columns that belong together: a rule blocking on one of them leaves out every comparison on
# any of them (records of one street share their postcode and town, too).
_COLUMN_GROUPS: tuple[frozenset[str], ...] = (
    frozenset({"street", "house", "postcode", "city"}),
    frozenset({"name_key", "name_sorted", "b_name"}),
    frozenset({"first", "last", "b_first", "b_last", "name_sorted"}),
    frozenset({"email", "email_domain"}),
)

Pattern = tuple[str | None, ...]


def _related(columns: Sequence[str]) -> set[str]:
    out = set(columns)
    for group in _COLUMN_GROUPS:
        if out & group:
            out |= group
    return out


def left_out(rule: Sequence[str], comparisons: Sequence[Comparison]) -> set[str]:
    """Keys of the comparisons a session blocked by ``rule`` cannot estimate."""
    cols = _related(rule)
    return {c.key for c in comparisons if set(c.columns) & cols}


@dataclass
class Estimate:
    """Training result: prior (share of matches among all pairs), m and u per level."""

    prior: float
    m: dict[str, dict[str, float]]
    u: dict[str, dict[str, float]]
    sessions: list[dict[str, Any]] = field(default_factory=list)
    pairs: int = 0
    random_pairs: int = 0
    iterations: int = 0
    converged: bool = True

    def points(self, kind: str = "") -> dict[str, dict[str, float]]:
        """log2(m / u) per level; branch and gate levels (``rules.keeps_fixed_weight``) are
        left out, so they keep their fixed weights."""
        return {
            comp: {
                level: round(
                    max(-WEIGHT_LIMIT, min(WEIGHT_LIMIT, math.log2(m_l / self.u[comp][level]))), 3
                )
                for level, m_l in levels.items()
                if not keeps_fixed_weight(kind, comp, level)
            }
            for comp, levels in self.m.items()
        }

    def prior_points(self) -> float:
        p = min(max(self.prior, 1e-12), 1 - 1e-9)
        return round(math.log2(p / (1 - p)), 3)


def _sigmoid2(points: float) -> float:
    if points > 60:
        return 1.0
    if points < -60:
        return 0.0
    return 1.0 / (1.0 + 2.0 ** (-points))


def u_from_random(
    counts: Mapping[Pattern, int], comparisons: Sequence[Comparison], kind: str = ""
) -> dict[str, dict[str, float]]:
    """u per comparison and level from the level patterns of random pairs; the levels that
    keep their fixed weight (``rules.keeps_fixed_weight``) are left out, the others are shares
    of the pairs not at them."""
    u: dict[str, dict[str, float]] = {}
    for i, comp in enumerate(comparisons):
        seen = {
            lv.key: SMOOTHING
            for lv in comp.levels
            if not keeps_fixed_weight(kind, comp.key, lv.key)
        }
        for pattern, n in counts.items():
            if pattern[i] in seen:
                seen[pattern[i]] += n  # type: ignore[index]
        total = sum(seen.values())
        u[comp.key] = {k: v / total for k, v in seen.items()}
    return u


def _fixed_points(comp: Comparison, level: str | None) -> float:
    for lv in comp.levels:
        if lv.key == level:
            return lv.weight
    return 0.0


def em_session(
    patterns: Mapping[Pattern, int],
    comparisons: Sequence[Comparison],
    u: Mapping[str, Mapping[str, float]],
    estimated: set[str],
    *,
    kind: str = "",
    max_iterations: int = MAX_ITERATIONS,
    tolerance: float = TOLERANCE,
) -> tuple[dict[str, dict[str, float]], float, int, bool]:
    """One EM session: m of the ``estimated`` comparisons (u fixed) over one rule's pairs.

    Starts from each pattern's probability under the fixed weights; returns (m, expected
    matches, iterations, converged).
    """
    idx = [i for i, c in enumerate(comparisons) if c.key in estimated]
    # Project the patterns onto the estimated comparisons (fewer distinct rows).
    start_pts: dict[tuple[str | None, ...], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for pattern, n in patterns.items():
        if n <= 0:
            continue
        pts = sum(_fixed_points(c, pattern[i]) for i, c in enumerate(comparisons))
        key = tuple(pattern[i] for i in idx)
        acc = start_pts[key]
        acc[0] += n
        acc[1] += n * pts
    rows = [(k, v[0], v[1] / v[0]) for k, v in start_pts.items()]
    total = float(sum(n for _k, n, _p in rows))
    comps = [comparisons[i] for i in idx]
    # First guess: the fixed weights with a prior of -3 points (a blocked pair is a match about
    # one time in nine before its comparisons are read).
    post = [_sigmoid2(p - 3.0) for _k, _n, p in rows]
    m: dict[str, dict[str, float]] = {}
    matches = 0.0
    iterations, converged = 0, False
    for step in range(1, max_iterations + 1):
        iterations = step
        # M step: m per level over the expected matches; the session's share of matches.
        matches = sum(n * q for (_k, n, _p), q in zip(rows, post, strict=True))
        lam = min(max(matches / total, 1e-6), 1 - 1e-6)
        new_m: dict[str, dict[str, float]] = {}
        for j, comp in enumerate(comps):
            got = {
                lv.key: SMOOTHING * 0.01
                for lv in comp.levels
                if not keeps_fixed_weight(kind, comp.key, lv.key)
            }
            for (k, cnt, _p), q in zip(rows, post, strict=True):
                hit = k[j]
                if hit is not None and hit in got:
                    got[hit] += cnt * q
            mass = sum(got.values())
            new_m[comp.key] = {key: v / mass for key, v in got.items()}
        change = max(
            (abs(new_m[c][lv] - m.get(c, {}).get(lv, 0.0)) for c in new_m for lv in new_m[c]),
            default=0.0,
        )
        m = new_m
        # E step
        base = math.log2(lam / (1 - lam))
        ratio = [
            {
                lv.key: (
                    lv.weight
                    if lv.key not in m[c.key] or keeps_fixed_weight(kind, c.key, lv.key)
                    else math.log2(m[c.key][lv.key] / max(u[c.key][lv.key], 1e-12))
                )
                for lv in c.levels
            }
            for c in comps
        ]
        post = [
            _sigmoid2(base + sum(ratio[j].get(lv, 0.0) for j, lv in enumerate(k) if lv is not None))
            for k, _n, _p in rows
        ]
        if change < tolerance:
            converged = True
            break
    return m, matches, iterations, converged


def train_counts(
    kind: str,
    candidates: Mapping[tuple[Pattern, tuple[bool, ...]], int],
    rules: Sequence[Sequence[str]],
    random_counts: Mapping[Pattern, int],
    all_pairs: float,
) -> tuple[Weights, Estimate]:
    """Weights for ``kind``.

    ``candidates``: counted (level pattern, which rules' columns the pair agrees on) of the
    candidate pairs; ``rules``: the blocking rules in flag order; ``random_counts``: counted
    level patterns of random pairs; ``all_pairs``: how many record pairs there are in all.
    Patterns list one level key (or None: did not apply) per ``comparisons_for(kind)``.
    """
    comps = comparisons_for(kind)
    u = u_from_random(random_counts, comps, kind)
    sums: dict[str, dict[str, float]] = {}
    mass: dict[str, float] = defaultdict(float)
    sessions: list[dict[str, Any]] = []
    iterations, converged = 0, True
    # Comparisons that applied to enough candidate pairs (a field nobody fills keeps its fixed
    # weights).
    seen: dict[str, int] = defaultdict(int)
    for (pattern, _flags), n in candidates.items():
        for i, c in enumerate(comps):
            if pattern[i] is not None:
                seen[c.key] += n
    # ... and that have two levels or more to learn (besides those that keep their weight).
    learnable = {
        c.key
        for c in comps
        if sum(1 for lv in c.levels if not keeps_fixed_weight(kind, c.key, lv.key)) >= 2
    }
    applied = {k for k, n in seen.items() if n >= MIN_SESSION_PAIRS and k in learnable}
    for r, rule in enumerate(rules):
        blocked: dict[Pattern, int] = defaultdict(int)
        for (pattern, flags), n in candidates.items():
            if flags[r]:
                blocked[pattern] += n
        n_pairs = sum(blocked.values())
        estimated = {c.key for c in comps if c.key in applied} - left_out(rule, comps)
        if n_pairs < MIN_SESSION_PAIRS or not estimated:
            continue
        m, matches, its, conv = em_session(blocked, comps, u, estimated, kind=kind)
        iterations = max(iterations, its)
        converged &= conv
        sessions.append(
            {
                "rule": list(rule),
                "pairs": n_pairs,
                "matches": round(matches, 1),
                "estimated": sorted(estimated),
                "iterations": its,
                "converged": conv,
            }
        )
        for key, levels in m.items():
            target = sums.setdefault(key, defaultdict(float))  # type: ignore[arg-type]
            for lv, x in levels.items():
                target[lv] += x * matches
            mass[key] += matches
    m_all = {k: {lv: x / mass[k] for lv, x in v.items()} for k, v in sums.items() if mass[k] > 0}
    # Prior: expected matches among the candidate pairs over all pairs (m and u fixed).
    weights = {
        k: {
            lv: max(
                -WEIGHT_LIMIT,
                min(WEIGHT_LIMIT, math.log2(max(m_all[k][lv], 1e-12) / max(u[k][lv], 1e-12))),
            )
            for lv in m_all[k]
        }
        for k in m_all
    }
    flat: dict[Pattern, int] = defaultdict(int)
    for (pattern, _flags), n in candidates.items():
        flat[pattern] += n
    evidence = []
    for pattern, n in flat.items():
        pts = 0.0
        for i, c in enumerate(comps):
            level = pattern[i]
            if level is None:
                continue
            if c.key in weights and not keeps_fixed_weight(kind, c.key, level):
                pts += weights[c.key][level]
            else:
                pts += _fixed_points(c, level)
        evidence.append((pts, n))
    lam = 1e-4
    for _ in range(50):
        base = math.log2(lam / (1 - lam))
        expected = sum(n * _sigmoid2(base + pts) for pts, n in evidence)
        new = min(max(expected / max(all_pairs, 1.0), 1e-12), 0.5)
        if abs(new - lam) < lam * 1e-4:
            lam = new
            break
        lam = new
    est = Estimate(
        prior=lam,
        m=m_all,
        u={k: u[k] for k in m_all},
        sessions=sessions,
        pairs=int(sum(flat.values())),
        random_pairs=int(sum(random_counts.values())),
        iterations=iterations,
        converged=converged,
    )
    return Weights(kind=kind, prior=est.prior_points(), points=est.points(kind)), est


def model_summary(weights: Weights, est: Estimate) -> dict[str, Any]:
    """What a stored model keeps besides its weights: m and u, sessions, convergence."""
    return {
        "m": {k: {lv: round(x, 6) for lv, x in v.items()} for k, v in est.m.items()},
        "u": {k: {lv: round(x, 8) for lv, x in v.items()} for k, v in est.u.items()},
        "sessions": est.sessions,
        "iterations": est.iterations,
        "converged": est.converged,
        "pairs": est.pairs,
        "random_pairs": est.random_pairs,
        "match_share": est.prior,
    }
